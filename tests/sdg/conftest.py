import shutil
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[2] / "alliances" / "data" / "sdg"


@pytest.fixture
def sdg_dir(tmp_path: Path) -> Path:
    """A temporary copy of the shipped SDG files, free to corrupt."""
    target = tmp_path / "sdg"
    shutil.copytree(DATA_DIR, target)
    return target
