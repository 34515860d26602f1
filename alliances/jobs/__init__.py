"""Background jobs: the one queue of the platform (huey, ADR 0150) and how parts use it."""
