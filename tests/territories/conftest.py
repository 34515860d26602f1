"""Fixtures of the territory tests: a small copy of the data files to change at will."""

from pathlib import Path

import pytest
from territories_fixtures import ROWS, write_files


@pytest.fixture
def small_data(tmp_path) -> Path:
    """A data folder with two régions, one COM, two départements, two EPCI, five communes."""
    return write_files(tmp_path / "territories", {k: [dict(r) for r in v] for k, v in ROWS.items()})
