"""Jobs of the base, imported by the job worker (`run_huey` reads each app's `tasks`)."""

from huey.contrib.djhuey import db_task

from .importing import runs
from .search.jobs import embed_alliances

__all__ = ["embed_alliances", "import_file"]


@db_task()
def import_file(pk: int) -> str:
    """Check and import the file of the run `pk` (ADR 0152), its progress in the cache."""
    return runs.execute(pk)
