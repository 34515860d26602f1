import shutil
from pathlib import Path

import pytest

REFERENTIALS_DIR = Path(__file__).resolve().parents[2] / "alliances" / "data" / "referentials"


@pytest.fixture
def referentials_dir(tmp_path: Path) -> Path:
    """A temporary copy of the shipped taxonomy files, free to edit or corrupt."""
    target = tmp_path / "referentials"
    shutil.copytree(REFERENTIALS_DIR, target)
    return target
