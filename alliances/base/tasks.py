"""Jobs of the base, imported by the job worker (`run_huey` reads each app's `tasks`)."""

from .search.jobs import embed_alliances

__all__ = ["embed_alliances"]
