import json, random
from pathlib import Path
import pytest
from alliances.territories import _old_lookups as old, lookups as new
from alliances.territories.models import Territory

pytestmark = pytest.mark.django_db

def snap(r):
    return (
        r.territory and r.territory.pk, r.unresolved, r.ignored, [c.pk for c in r.candidates], r.notes,
        [(p.text, [tuple(t.pk for t in o) for o in p.options], p.chosen and p.chosen.pk, p.notes) for p in r.parts],
        r.problems(),
    )

def test_same():
    root = Path(__file__).resolve().parents[2] / "alliances/data"
    texts = []
    for f in root.rglob("*.jsonl"):
        for line in f.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                for k in ("territory", "territoire", "place"):
                    if isinstance(row.get(k), str):
                        texts.append(row[k])
    rnd = random.Random(4)
    names = list(Territory.objects.filter(level__in=["commune","departement","region","epci"]).values_list("name", flat=True)[:40000])
    homonyms = ["Saint-Denis","Vienne","Aube","La Réunion","Paris","Lyon 9e","Bretagne","Alsace","national","Paris 12e","Marseille 3e","Pays de Colombey","Ile de Ré","Atlantide",""]
    for _ in range(600):
        k = rnd.randint(1, 4)
        picks = [rnd.choice(homonyms if rnd.random() < .3 else names) for _ in range(k)]
        sep = rnd.choice([", ", " et ", " / ", ", "])
        texts.append(sep.join(picks) + rnd.choice(["", " (quartier)", ", France"]))
    print(len(texts))
    diffs = [t for t in texts if snap(old.resolve_place_text(t)) != snap(new.resolve_place_text(t))]
    assert diffs == []
