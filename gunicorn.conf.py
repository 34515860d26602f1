"""gunicorn's settings for this project, read from the working directory (`make serve`,
docs/deployment.md). Command-line flags still win over what is set here."""

import os


def post_worker_init(worker):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    """Warm each worker before it accepts requests (alliances/warmup.py explains why)."""
    if os.environ.get("ALLIANCES_WARMUP", "1") == "0":
        return
    from alliances.warmup import warm

    timings = warm()
    worker.log.info("warmed up in %.1f s: %s", sum(timings.values()), timings)
