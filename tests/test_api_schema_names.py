"""django-ninja names each OpenAPI component after its schema class: two classes of one name
become one component, and an endpoint is documented with the other's shape (the search's
zero-result suggestions were once documented as partner suggestions)."""

from collections import Counter

from ninja import Schema


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def test_no_two_api_schemas_share_a_name():
    import alliances.api.v1  # noqa: F401 - loads every part's routes and schemas

    ours = [c for c in _subclasses(Schema) if c.__module__.startswith("alliances.")]
    names = Counter(c.__name__ for c in set(ours))
    assert len(ours) > 20
    assert [name for name, n in names.items() if n > 1] == []
