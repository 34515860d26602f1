"""Shared constants and helpers of the map tests (imported by name: pytest puts this folder
on sys.path)."""

import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"

REGIONS = {
    "01", "02", "03", "04", "06", "11", "24", "27", "28",
    "32", "44", "52", "53", "75", "76", "84", "93", "94",
}  # fmt: skip
DEPARTEMENTS = (
    {f"{n:02d}" for n in range(1, 96) if n != 20}
    | {"2A", "2B"}
    | {"971", "972", "973", "974", "976"}
)


def area_paths(root: ET.Element) -> list[ET.Element]:
    return [p for p in root.iter(f"{SVG}path") if p.get("data-code")]
