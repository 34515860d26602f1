"""French is the source language; the English catalogues must be complete and compiled."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted((ROOT / "alliances").glob("**/locale/en/LC_MESSAGES/django.po"))


def test_there_is_an_english_catalogue():
    assert CATALOGUES


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(po, tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "out.mo"), str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr
    compiled = po.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} missing: run make messages"
    assert compiled.read_bytes() == (tmp_path / "out.mo").read_bytes(), (
        f"{compiled} is older than its .po: run make messages"
    )
