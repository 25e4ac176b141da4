"""The safe map from a terrain's slopes, roughness and rocks.

References: analytic surfaces. A plane of known tilt has that slope everywhere
and zero roughness about its own plane; a scarp's roughness is the largest
3 x 3 plane-fit residual, which numpy's least squares gives independently; the
hillshade of a flat surface is sin(sun elevation) (Horn 1981).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from skycrane.missions.loader import load_mission
from skycrane.planets import planet_by_name
from skycrane.sequence.build import hazard_map
from skycrane.terrain.grid import SiteFrame
from skycrane.terrain.hazard import MAX_SLOPE_DEG, hazard, roughness_m, slope_deg
from skycrane.terrain.shade import hillshade

FRAME = SiteFrame(planet_by_name("mars"), 18.4447, 77.4508, -2550.0)
SPACING_M = 5.0


def _plane(tilt_deg, azimuth_deg=30.0, n=41):
    axis = SPACING_M * (np.arange(n) - n // 2)
    e, nn = np.meshgrid(axis, axis)
    g = math.tan(math.radians(tilt_deg))
    a = math.radians(azimuth_deg)
    relief = g * (math.sin(a) * e + math.cos(a) * nn)
    return FRAME.terrain(relief, (axis[0], axis[0]), SPACING_M, "plane")


@pytest.mark.parametrize("tilt_deg", [0.0, 5.0, 14.0, 16.0, 30.0])
def test_plane_slope_is_its_tilt(tilt_deg):
    """Analytic: a plane's slope is its tilt at every node, its roughness zero."""
    t = _plane(tilt_deg)
    assert np.allclose(slope_deg(t.relief_m, SPACING_M), tilt_deg, atol=1e-9)
    assert np.max(roughness_m(t.relief_m)) < 1e-6
    safe, east0, north0, spacing = hazard(t)
    assert (east0, north0, spacing) == (t.east0_m, t.north0_m, SPACING_M)
    assert safe.shape == t.relief_m.shape
    assert bool(np.all(safe)) == (tilt_deg <= MAX_SLOPE_DEG)


def test_step_roughness_matches_least_squares():
    """Independent: each node's roughness is the largest lstsq residual of its 3 x 3 stencil."""
    rng = np.random.default_rng(3)
    z = rng.normal(0.0, 0.4, (9, 11))
    z[:, 6:] += 1.0  # a 1 m scarp
    got = roughness_m(z)
    x, y = np.meshgrid([-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0])
    a = np.column_stack([np.ones(9), x.ravel(), y.ravel()])
    for i in range(1, z.shape[0] - 1):
        for j in range(1, z.shape[1] - 1):
            stencil = z[i - 1 : i + 2, j - 1 : j + 2].ravel()
            coef, *_ = np.linalg.lstsq(a, stencil, rcond=None)
            assert got[i, j] == pytest.approx(np.max(np.abs(stencil - a @ coef)), abs=1e-9)


def test_scarp_and_rocks_are_hazards():
    """A 2 m scarp is unsafe along its foot and brow; a 1 m rock makes its cell unsafe."""
    t = _plane(0.0)
    relief = np.array(t.relief_m)
    relief[:, 25:] += 2.0
    rocks = np.zeros(relief.shape)
    rocks[5, 5] = 1.0
    t = FRAME.terrain(relief, (t.east0_m, t.north0_m), SPACING_M, "scarp", rocks)
    safe, *_ = hazard(t)
    assert not safe[:, 24].any() and not safe[:, 25].any()
    assert safe[:, 10].all() and safe[:, 35].all()
    assert not safe[5, 5] and safe[5, 7]


def test_flat_site_is_one_safe_node():
    safe, east0, north0, _ = hazard(FRAME.flat())
    assert safe.tolist() == [[True]] and (east0, north0) == (0.0, 0.0)


def test_hillshade_of_flat_ground_is_sin_elevation():
    """Horn (1981): a horizontal surface reflects sin(sun elevation)."""
    shade = hillshade(np.zeros((5, 5)), 1.0, azimuth_deg=315.0, elevation_deg=30.0)
    assert np.allclose(shade, 0.5)


def test_hillshade_lights_slopes_facing_the_sun():
    """A slope facing the sun (north-west) is brighter than one facing away."""
    t = _plane(20.0, azimuth_deg=135.0)  # rises to the south-east: faces north-west
    away = _plane(20.0, azimuth_deg=315.0)
    lit = hillshade(t.relief_m, SPACING_M).mean()
    dark = hillshade(away.relief_m, SPACING_M).mean()
    expected_lit = math.sin(math.radians(45 + 20))
    assert lit == pytest.approx(expected_lit, abs=1e-9)
    assert dark < lit


def test_navigation_map_from_the_site_terrain_centres_cells_on_nodes():
    """Invariant: ``hazard_map = "terrain"`` gives guidance the terrain's own safe map, each
    node the centre of its cell; the target's node is the cell that covers the target."""
    m2020 = load_mission("m2020")
    nav = m2020.spec.navigation.model_copy(update={"hazard_map": "terrain"})
    mission = dataclasses.replace(m2020, spec=m2020.spec.model_copy(update={"navigation": nav}))
    site = hazard_map(mission)
    safe, east0, north0, spacing = hazard(mission.terrain)
    np.testing.assert_array_equal(site.safe, safe)
    assert site.spacing_m == spacing
    j, i = round(-east0 / spacing), round(-north0 / spacing)  # the node at the target
    assert site.east0_m + (j + 0.5) * spacing == pytest.approx(0.0, abs=1e-9)
    assert site.north0_m + (i + 0.5) * spacing == pytest.approx(0.0, abs=1e-9)
