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


def post_request(worker, req, environ, resp):  # noqa: ANN001, ANN201, ARG001 - gunicorn's
    """Hand the memory requests freed back to the system now and then (ADR 0188): glibc
    otherwise keeps each burst's heap resident, 110 MB over the benchmark's searches at
    1,000,000 alliances."""
    from alliances.common.memory import give_back_now_and_then

    give_back_now_and_then()
