"""Jobs of the search index run by the job worker (ADR 0150)."""

from huey.contrib.djhuey import db_task

from . import semantic


@db_task()
def embed_alliances(ids: list[int], using: str) -> int:
    """Embed the alliances whose text changed since their vector was made (index.update_index
    asks for it once the change is committed)."""
    return semantic.embed_alliances(ids, using)
