import xml.etree.ElementTree as ET

import pytest


@pytest.fixture
def parse():
    def _parse(svg: str) -> ET.Element:
        return ET.fromstring(svg)

    return _parse
