"""The SQLite facet table is derived from the filter tags of the full-text index."""

from alliances.base.search.filters import table, tag
from alliances.base.search.index import facet_rows


def test_facet_rows_keep_facet_tags_only() -> None:
    tags = [
        tag("k", "alliance"),
        tag("l", "amber"),
        tag("p", 4),
        tag("s", 9),  # subtype: filtered, not a facet
        tag("d", 12),
        tag("de", 12),  # département: not the domain 12
        tag("st", 3),
        tag("t", 7),
        tag("g", 17),
        tag("c", 170),  # SDG target: not a facet
        tag("gs", 8),  # a suggested goal (the SDG coding's facet)
        tag("cs", 85),  # a suggested target: not a facet
        tag("r", 5),
        tag("e", 8),
        tag("m", 11),
        tag("f", ""),
        tag("o", 21),
        "zpNone",  # organisation without a profile
    ]
    rows = facet_rows(1, tags)
    assert sorted(rows) == sorted(
        [
            (1, "k", "alliance"),
            (1, "l", "amber"),
            (1, "p", "4"),
            (1, "d", "12"),
            (1, "st", "3"),
            (1, "t", "7"),
            (1, "g", "17"),
            (1, "gs", "8"),
            (1, "r", "5"),
        ]
    )
    assert {prefix for _pk, prefix, _value in rows} == set(table().by_prefix)


def test_the_tags_read_are_remembered_within_a_bound(monkeypatch) -> None:
    """A re-index reads each distinct tag once (some 25 tags an alliance, 25 million at
    1,000,000), and the memory of them stays bounded however many organisations there are."""
    from alliances.base.search import filters

    monkeypatch.setattr(filters, "TAGS_KEPT", 100)
    facets = filters.FilterTable(filters.FILTERS)
    reads: list[str] = []
    read = facets._read_tag

    def counted(token: str):  # noqa: ANN202
        reads.append(token)
        return read(token)

    monkeypatch.setattr(facets, "_read_tag", counted)
    assert [facets.facet_of_tag(tag("d", 12)) for _ in range(3)] == [("d", "12")] * 3
    assert facets.facet_of_tag(tag("de", 12)) is None
    assert facets.facet_of_tag(tag("de", 12)) is None
    assert reads == [tag("d", 12), tag("de", 12)]
    for organisation in range(1_000):
        assert facets.facet_of_tag(tag("o", organisation)) is None
        assert len(facets._tags) <= 100


def test_a_batch_gives_the_facet_rows_of_each_of_its_documents() -> None:
    from alliances.base.search.dialects import Document
    from alliances.base.search.index import batch_facet_rows

    tagged = {
        1: [tag("k", "alliance"), tag("d", 12), tag("de", 12), tag("o", 21)],
        2: [tag("d", 12), tag("p", 4), "zpNone", tag("d", 3)],
        3: [],
    }
    docs = [Document(pk, "", "", "", "", "", " ".join(tags)) for pk, tags in tagged.items()]
    assert batch_facet_rows(docs) == [
        row for pk, tags in tagged.items() for row in facet_rows(pk, tags)
    ]
    assert (2, "d", "3") in batch_facet_rows(docs)
