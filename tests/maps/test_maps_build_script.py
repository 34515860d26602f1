"""Pieces of scripts/build_boundaries.py that can be checked without the source wheel."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_boundaries.py"


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_boundaries", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lambert93_matches_reference_points(build):
    x, y = build._lambert93(np.array([3.0]), np.array([46.5]))
    assert abs(x[0] - 700000) < 0.01 and abs(y[0] - 6600000) < 0.01
    # Paris, Notre-Dame (published Lambert-93 coordinates, to a few metres)
    x, y = build._lambert93(np.array([2.3499]), np.array([48.8530]))
    assert abs(x[0] - 652_170) < 200 and abs(y[0] - 6_861_680) < 200


def test_ring_path_is_relative_and_drift_free(build):
    ring = np.array([[0.04, 0.0], [10.26, 0.0], [10.26, 5.55], [0.04, 5.55], [0.04, 0.0]])
    assert build.ring_path(ring) == "M0 0l10.3 0 0 5.6-10.3 0z"
    assert build.ring_path(np.array([[0, 0], [0.01, 0], [0, 0]])) == ""


def test_codes_sort_in_official_order(build):
    codes = ["971", "2B", "19", "2A", "21", "01"]
    assert sorted(codes, key=build.sort_key) == ["01", "19", "2A", "2B", "21", "971"]
