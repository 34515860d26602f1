"""The search's relevance set as a floor against regressions (issue 16, item 7): at least 90 %
of the judged queries find an answer in their first k, and every category at least 80 %,
semantic part off and on. The figures of each run are in bench/RESULTS.md."""

from pathlib import Path

import pytest
import relevance
from django.core.management import call_command

from alliances.base.models import Alliance
from alliances.common import vectors

ROOT = Path(__file__).resolve().parents[2]
OVERALL, PER_CATEGORY = 0.90, 0.80


def _load_every_shipped_example(tmp_path: Path) -> None:
    """Setup loads the shipped examples; until it loads every file, load them here."""
    files = sorted((ROOT / "alliances" / "data" / "alliances").glob("*.jsonl"))
    shipped = sum(1 for f in files for line in f.open(encoding="utf-8") if line.strip())
    if Alliance.objects.published().count() < shipped:
        combined = tmp_path / "examples.jsonl"
        combined.write_text("".join(f.read_text(encoding="utf-8") for f in files))
        call_command("load_alliances", file=str(combined), verbosity=0)


@pytest.mark.django_db
@pytest.mark.parametrize("semantic", [False, True], ids=["semantic off", "semantic on"])
def test_the_relevance_set_stays_above_its_floor(semantic, settings, tmp_path):
    settings.ALLIANCES_SEARCH_SEMANTIC = semantic
    vectors.forget()
    _load_every_shipped_example(tmp_path)
    call_command("reindex", verbosity=0)
    outcomes = relevance.run(relevance.load_cases())
    found = relevance.metrics(outcomes)
    misses = [f"{o.case.category}: {o.case.q!r} ({o.ranked[:3]})" for o in outcomes if not o.hit]
    assert found["all"]["hit"] >= OVERALL, misses
    low = {name: m["hit"] for name, m in found.items() if m["hit"] < PER_CATEGORY}
    assert not low, (low, misses)
    vectors.forget()
