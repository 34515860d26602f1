import pytest
from maturity_helpers import shipped_text

from alliances.maturity import engine


@pytest.fixture(scope="session")
def org_ref() -> engine.Referential:
    return engine.load_text(shipped_text("organisation"))


@pytest.fixture(scope="session")
def terr_ref() -> engine.Referential:
    return engine.load_text(shipped_text("territoire"))


@pytest.fixture
def minimal_raw() -> dict:
    """A small valid referential as a raw mapping, for validation tests."""
    return {
        "key": "mini",
        "version": 1,
        "target": "organisation",
        "title": {"fr": "Mini", "en": "Mini"},
        "points": {"min": 0, "max": 3},
        "thresholds": [20, 50, 80],
        "levels": [
            {"key": k, "label": {"fr": f"N{k}"}, "description": {"fr": f"Niveau {k}"}}
            for k in (1, 2, 3, 4)
        ],
        "axes": [
            {"key": "a", "label": {"fr": "A"}},
            {"key": "b", "label": {"fr": "B"}, "thresholds": [10, 40, 90]},
        ],
        "questions": [
            {
                "key": "a1",
                "axis": "a",
                "type": "single",
                "text": {"fr": "Q a1"},
                "options": [
                    {"key": "x", "label": {"fr": "x"}, "points": 0},
                    {"key": "y", "label": {"fr": "y"}, "points": 3},
                ],
            },
            {
                "key": "a2",
                "axis": "a",
                "type": "scale",
                "weight": 2,
                "text": {"fr": "Q a2"},
                "scale": {"min": 0, "max": 3},
                "not_for_profiles": ["entreprise"],
            },
            {
                "key": "b1",
                "axis": "b",
                "type": "multiple",
                "text": {"fr": "Q b1"},
                "options": [
                    {"key": "m", "label": {"fr": "m"}, "points": 1},
                    {"key": "n", "label": {"fr": "n"}, "points": 2},
                ],
            },
            {
                "key": "b2",
                "axis": "b",
                "type": "single",
                "text": {"fr": "Q b2"},
                "when": {"question": "a1", "any_of": ["y"]},
                "options": [
                    {"key": "p", "label": {"fr": "p"}, "points": 0},
                    {"key": "q", "label": {"fr": "q"}, "points": 3},
                ],
            },
        ],
    }
