"""Mark geometry, rasterisation and georeferenced output."""

import math

import numpy as np
import pytest

from skycrane.imaging.marks import Mark, pixel_grid, rasterise
from skycrane.imaging.render import world_file_lines, write_georeferenced


@pytest.mark.parametrize(
    "mark",
    [
        Mark(3.0, -2.0, 6.0, 3.0, 0.4, 0.3, "heat_shield"),
        Mark(-4.0, 1.0, 15.0, 3.0, 1.0, 0.45, "main_crash", shape="fan", half_angle_rad=0.7),
    ],
)
def test_rasterised_area_and_centroid_match_geometry(mark):
    """Reference: analytic ellipse/sector areas and centroids vs the rasterised truth mask."""
    res = 0.1
    _, labels, _ = rasterise([mark], (500, 500), res)
    mask = labels == 1
    assert mask.sum() * res**2 == pytest.approx(mark.area_m2, rel=0.03)
    xs, ys = pixel_grid(mask.shape, res)
    rows, cols = np.nonzero(mask)
    cx, cy = mark.centroid_m
    assert xs[cols].mean() == pytest.approx(cx, abs=2 * res)
    assert ys[rows].mean() == pytest.approx(cy, abs=2 * res)


def test_transmission_is_one_minus_darkening_inside():
    """Invariant: after = before * (1 - darkening) in a mark's interior, untouched outside."""
    mark = Mark(0.0, 0.0, 5.0, 5.0, 0.0, 0.3, "blast_zone")
    trans, _, _ = rasterise([mark], (101, 101), 0.2)
    assert trans[50, 50] == pytest.approx(0.7)
    assert trans[0, 0] == 1.0


def test_bad_mark_values_rejected():
    """Invariant: kinds, shapes and darkening are validated."""
    with pytest.raises(ValueError):
        Mark(0, 0, 1, 1, 0, 0.5, "crater")
    with pytest.raises(ValueError):
        Mark(0, 0, 1, 1, 0, 1.5, "secondary")


def test_world_file_is_the_six_line_affine(tmp_path):
    """Reference: ESRI world file A, D, B, E, C, F with C, F the upper-left pixel centre."""
    lines = world_file_lines((4, 6), 0.5, origin_m=(100.0, 200.0))
    values = [float(v) for v in lines]
    assert values == [0.5, 0.0, 0.0, -0.5, 100.0 - 2.5 * 0.5, 200.0 + 1.5 * 0.5]
    png, pgw = write_georeferenced(tmp_path / "img", np.linspace(0, 1, 24).reshape(4, 6), 0.5)
    assert png.exists() and len(pgw.read_text().splitlines()) == 6
    assert math.isclose(float(pgw.read_text().splitlines()[3]), -0.5)
