"""The rendered map: valid, accessible SVG with one titled shape per area."""

import math

import pytest
from maps_helpers import DEPARTEMENTS, REGIONS, SVG, area_paths

from alliances.maps import choropleth, departements_of, figure_html
from alliances.maps.choropleth import PALETTE


def _values(codes, missing=()):
    return {c: (None if c in missing else float(i)) for i, c in enumerate(sorted(codes))}


def test_region_map_is_valid_accessible_svg(parse):
    m = choropleth(
        "region",
        _values(REGIONS, missing={"94"}),
        title="Part des répondants",
        description="Enquête 2024.",
        unit="%",
    )
    root = parse(m.svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    children = list(root)
    assert children[0].tag == f"{SVG}title" and children[0].get("id") == title_id
    assert children[0].text == "Part des répondants"
    assert children[1].tag == f"{SVG}desc" and children[1].get("id") == desc_id
    assert "Enquête 2024." in children[1].text and "quantiles" in children[1].text
    paths = area_paths(root)
    assert sorted(p.get("data-code") for p in paths) == sorted(REGIONS)
    for path in paths:
        titles = path.findall(f"{SVG}title")
        assert len(titles) == 1 and titles[0].text.strip()


def test_each_area_titled_with_name_and_french_value(parse):
    m = choropleth("region", {"53": 12.5, "11": 30.0}, title="T", unit="%")
    root = parse(m.svg)
    titles = {p.get("data-code"): p.find(f"{SVG}title").text for p in area_paths(root)}
    assert titles["53"] == "Bretagne\u00a0: 12,5\u202f%"
    assert titles["11"] == "Île-de-France\u00a0: 30,0\u202f%"
    assert titles["84"] == "Auvergne-Rhône-Alpes\u00a0: pas de donnée"


def test_english_locale():
    m = choropleth("region", {"53": 12.5, "11": 30.0}, title="T", unit="%", locale="en")
    assert "Bretagne: 12.5%" in m.svg
    assert "no data" in m.svg
    assert [label for _, label in m.columns] == ["Code", "Area", "Value"]


def test_all_departements_and_legend_classes(parse):
    m = choropleth("departement", _values(DEPARTEMENTS), title="T", classes=4)
    root = parse(m.svg)
    assert len(area_paths(root)) == 101
    legend = root.find(f".//{SVG}g[@class='legend']")
    assert legend is not None
    swatches = legend.findall(f"{SVG}g[@class='legend-class']")
    assert len(swatches) == 4 == len(m.legend.classes)
    assert legend.find(f"{SVG}g[@class='legend-missing']") is None
    fills = {p.get("fill") for p in area_paths(root)}
    assert fills <= set(PALETTE) and len(fills) == 4
    assert sum(c.count for c in m.legend.classes) == 101
    assert len(m.rows) == 101 and m.rows[0]["code"] == "01"


def test_default_is_five_classes_at_most(parse):
    m = choropleth("departement", _values(DEPARTEMENTS), title="T")
    assert len(m.legend.classes) == 5
    m = choropleth("region", {"53": 1, "11": 2}, title="T")
    assert len(m.legend.classes) == 2
    with pytest.raises(ValueError):
        choropleth("region", {"53": 1}, title="T", classes=6)


def test_missing_values_are_hatched_and_in_legend(parse):
    m = choropleth("region", {"53": 10, "11": None, "24": math.nan}, title="T", unit="%")
    root = parse(m.svg)
    paths = {p.get("data-code"): p for p in area_paths(root)}
    hatch = root.find(f".//{SVG}pattern")
    assert hatch is not None
    for code in ("11", "24", "84"):
        assert paths[code].get("fill") == f"url(#{hatch.get('id')})"
        assert "nodata" in paths[code].get("class")
        assert paths[code].get("data-value") is None
    assert paths["53"].get("fill") in PALETTE
    assert m.legend.missing is not None and m.legend.missing.count == 17
    missing_swatch = root.find(f".//{SVG}g[@class='legend-missing']")
    assert missing_swatch.find(f"{SVG}text").text == "pas de donnée"
    row = next(r for r in m.rows if r["code"] == "11")
    assert row["value"] == "pas de donnée" and row["raw"] is None


def test_no_values_at_all(parse):
    m = choropleth("region", {}, title="Vide")
    root = parse(m.svg)
    assert len(area_paths(root)) == 18
    assert m.legend.classes == [] and m.legend.missing.count == 18
    assert "Aucune donnée" in m.summary


def test_subset_zooms_on_its_areas(parse):
    full = parse(choropleth("departement", {}, title="T").svg)
    bretagne = departements_of("53")
    root = parse(choropleth("departement", {"35": 3, "29": 5}, title="T", subset=bretagne).svg)
    assert {p.get("data-code") for p in area_paths(root)} == bretagne
    full_w = float(full.get("viewBox").split()[2])
    x, y, w, h = map(float, root.get("viewBox").split())
    assert w < full_w / 3
    # the zoom frames Brittany: Finistère's west end and Ille-et-Vilaine's east end inside
    assert 100 < x < 300
    assert root.find(f".//{SVG}g[@class='insets']") is None


def test_overseas_subset():
    m = choropleth("departement", {"974": 1.0}, title="T", subset={"974"})
    assert len(m.rows) == 1 and m.rows[0]["name"] == "La Réunion"


def test_hostile_labels_and_titles_are_escaped(parse):
    evil = '<script>alert("x")</script> & l\'"autre"'
    m = choropleth(
        "region",
        {"53": 1.0},
        title=evil,
        description=evil,
        unit="<b>",
        labels={"53": evil, "01": evil},
    )
    assert "<script" not in m.svg and "<b>" not in m.svg
    assert "&lt;script&gt;" in m.svg
    root = parse(m.svg)  # still well-formed XML
    titles = [p.find(f"{SVG}title").text for p in area_paths(root) if p.get("data-code") == "53"]
    assert titles[0].startswith(evil)
    html = figure_html(m)
    assert "<script" not in html and "&lt;script&gt;" in html


def test_links_only_for_safe_urls(parse):
    urls = {"53": "/territoires/region/53/", "11": "javascript:alert(1)", "24": "//evil.example"}
    m = choropleth("region", {"53": 1.0}, title="T", link=urls.get)
    root = parse(m.svg)
    links = root.findall(f".//{SVG}a")
    assert [a.get("href") for a in links] == ["/territoires/region/53/"]
    assert links[0].find(f"{SVG}path").get("data-code") == "53"
    assert root.get("role") == "group"  # links stay reachable by assistive technology
    assert "javascript" not in m.svg and "evil" not in m.svg
    assert next(r for r in m.rows if r["code"] == "53")["url"] == "/territoires/region/53/"


def test_highlight_outlines_without_duplicating_areas(parse):
    root = parse(choropleth("region", {"53": 1.0}, title="T", highlight={"53", "11"}).svg)
    assert len(area_paths(root)) == 18
    outlined = root.findall(f".//{SVG}g[@class='highlight']/{SVG}path")
    assert sorted(p.get("data-highlight") for p in outlined) == ["11", "53"]


def test_bad_input_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="inconnu.*99"):
        choropleth("region", {"99": 1.0}, title="T")
    with pytest.raises(ValueError, match="Niveau de carte inconnu"):
        choropleth("commune", {}, title="T")
    with pytest.raises(ValueError, match="non numérique"):
        choropleth("region", {"53": "beaucoup"}, title="T")
    with pytest.raises(ValueError, match="vide"):
        choropleth("region", {}, title="T", subset=set())
    with pytest.raises(ValueError, match="inconnu"):
        choropleth("region", {}, title="T", subset={"971"})


def test_ids_unique_per_map():
    a = choropleth("region", {"53": 1.0}, title="A")
    b = choropleth("region", {"53": 2.0}, title="A")
    assert a.slug != b.slug


def test_coarse_outlines_for_all_france_fine_when_zoomed(parse):
    full = choropleth("departement", {}, title="T")
    zoom = choropleth("departement", {}, title="T", subset={"29"})
    fine_full = choropleth("departement", {}, title="T", detail="fine")
    d_full = next(p.get("d") for p in area_paths(parse(full.svg)) if p.get("data-code") == "29")
    d_zoom = next(p.get("d") for p in area_paths(parse(zoom.svg)) if p.get("data-code") == "29")
    assert len(d_full) < len(d_zoom)
    assert len(full.svg) * 2 < len(fine_full.svg)
    with pytest.raises(ValueError, match="détail"):
        choropleth("region", {}, title="T", detail="ultra")
