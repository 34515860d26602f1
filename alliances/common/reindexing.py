"""The searchable collections other parts keep besides the alliances' index (issue 16).

A part registers, from its app's ready(), how to rebuild its collection's derived data (the
vocabulary of its words, its vectors) and how to tell that they lag behind; `manage.py
reindex` (which setup runs with --if-stale) goes through them after the alliances, without
importing the parts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Collection:
    name: str  # as the command prints it
    total: Callable[[], int]  # how many documents
    rebuild: Callable[..., int]  # rebuild(progress=callable) -> texts embedded
    stale: Callable[[], bool]  # whether its derived data lag behind


_registry: dict[str, Collection] = {}


def register(collection: Collection) -> None:
    _registry[collection.name] = collection


def collections() -> list[Collection]:
    return list(_registry.values())
