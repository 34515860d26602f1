"""The scale of an alliance follows the level of its territory."""

import pytest

from alliances.base.places import scale_for
from alliances.territories.models import Level, Territory


@pytest.mark.parametrize(
    ("level", "scale"),
    [
        (Level.COMMUNE, "local"),
        (Level.EPCI, "local"),
        (Level.DEPARTEMENT, "departemental"),
        (Level.REGION, "regional"),
        (Level.COUNTRY, "national"),
        (Level.MUNICIPAL_DISTRICT, ""),
    ],
)
def test_scale_follows_the_level(level, scale):
    assert scale_for(Territory(level=level)) == scale


def test_no_territory_no_scale():
    assert scale_for(None) == ""
