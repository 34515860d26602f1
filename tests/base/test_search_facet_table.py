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
