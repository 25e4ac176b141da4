"""Mark geometry, rasterisation and georeferenced output."""

import math

import numpy as np
import pytest
from skimage import measure

from skycrane.imaging.marks import Mark, footprints, pixel_grid, rasterise
from skycrane.imaging.render import world_file_lines, write_georeferenced


@pytest.mark.parametrize(
    "mark",
    [
        Mark(3.0, -2.0, 6.0, 3.0, 0.4, 0.3, "heat_shield"),
        Mark(-4.0, 1.0, 15.0, 3.0, 1.0, 0.45, "main_crash", shape="fan", half_angle_rad=0.7),
        Mark(2.0, 3.0, 12.0, 3.0, 1.0, 0.45, "main_crash", shape="fan", half_angle_rad=math.pi),
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
    """Invariant: after = before * (1 - darkening) in a uniformly disturbed mark's interior,
    untouched outside."""
    mark = Mark(0.0, 0.0, 5.0, 5.0, 0.0, 0.3, "heat_shield")
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


def _fan(angle_deg, ray_seed=0):
    from skycrane.imaging.debris import main_crash_fan

    # 650 kg at 40 m/s travelling east (bearing 90)
    return main_crash_fan(0.0, 0.0, 650.0, 40.0, 90.0, angle_deg, ray_seed=ray_seed)


def _darkening_at(mark, x_m, y_m, res=0.1):
    trans, _, _ = rasterise([mark], (41, 41), res, origin_m=(x_m, y_m))
    return 1.0 - float(trans[20, 20])


@pytest.mark.parametrize("angle_deg", [5.0, 15.0, 20.0])
def test_no_ejecta_up_range_below_the_forbidden_zone_angle(angle_deg):
    """Published threshold: at and below 20 degrees the up-range ejecta vanish (Gault &
    Wedekind 1978; Hessen et al. 2008 at 144-260 m/s): beyond the crater rim, straight
    up-range, the dust is untouched while down-range it is darkened."""
    fan = _fan(angle_deg)
    r = 1.5 * fan.semi_minor_m
    assert _darkening_at(fan, -r, 0.0) < 1e-6
    assert _darkening_at(fan, r, 0.0) > 0.3 * fan.darkening


@pytest.mark.parametrize("angle_deg", [50.0, 70.0, 90.0])
def test_steep_impacts_throw_ejecta_evenly(angle_deg):
    """Published threshold: above ~45 degrees the ejecta blanket is symmetric (Gault &
    Wedekind 1978): equal darkening up-range, down-range and across, and a round outline."""
    fan = _fan(angle_deg)
    r = 2.0 * fan.semi_minor_m
    values = [_darkening_at(fan, r * math.cos(a), r * math.sin(a)) for a in (0, 1.6, 3.1, 4.7)]
    assert max(values) - min(values) < 1e-3 * max(values)
    assert fan.half_angle_rad == pytest.approx(math.pi)


def test_shallow_fan_darkening_centroid_lies_down_range():
    """Invariant: the darkening of a 15-degree impact, weighted over the whole image, has
    its centroid down-range of the impact point on the axis of travel (rays included)."""
    fan = _fan(15.0, ray_seed=11)
    res = 0.25
    trans, _, _ = rasterise([fan], (600, 600), res)
    dark = 1.0 - trans
    xs, ys = pixel_grid(dark.shape, res)
    cx = float((dark * xs[None, :]).sum() / dark.sum())
    cy = float((dark * ys[:, None]).sum() / dark.sum())
    assert cx > 0.3 * fan.semi_major_m
    assert abs(cy) < 0.25 * cx


def test_rays_keep_the_fan_soft_and_bounded():
    """Invariants: the rendered darkening never exceeds the mark's full-removal contrast,
    fades to nothing far out, and rays only add ejecta: round the crater at twice the fan's
    length they darken more than the blanket without rays, somewhere much more."""
    res = 0.25
    dark, plain = (
        1.0 - rasterise([_fan(40.0, ray_seed=seed)], (800, 800), res)[0] for seed in (3, 0)
    )
    darkening = _fan(40.0).darkening
    assert dark.max() <= darkening + 1e-6 and dark.min() >= -1e-6
    assert dark[0, :].max() < 0.01 * darkening  # 100 m out
    xs, ys = pixel_grid(dark.shape, res)
    ring = np.abs(np.hypot(xs[None, :], ys[:, None]) - 2.0 * _fan(40.0).semi_major_m) < res
    ring &= plain > 1e-3
    ratio = dark[ring] / plain[ring]
    assert ratio.min() > 1.0 - 1e-3 and ratio.max() > 1.5


def test_parachute_brightens_the_ground():
    """Invariant: a white canopy (albedo above the dusty plain's) makes the after image
    brighter inside its outline: transmission above 1."""
    from skycrane.imaging.debris import parachute_mark

    trans, labels, _ = rasterise([parachute_mark(0.0, 0.0)], (200, 200), 0.25)
    assert trans[labels == 1].min() > 1.5
    assert trans[0, 0] == 1.0


@pytest.mark.parametrize(
    ("mark", "area_m2"),
    [
        (Mark(3.0, -2.0, 6.0, 3.0, 0.4, 0.35, "heat_shield"), math.pi * 6.0 * 3.0),
        (Mark(-2.0, 4.0, 9.0, 8.1, 0.0, 0.18, "blast_zone"), math.pi * 9.0 * 8.1),
        (
            Mark(1.0, 1.0, 12.0, 3.0, 0.5, 0.45, "main_crash", "fan", math.pi, 5e5, 70.0),
            math.pi * 12.0**2,
        ),
    ],
)
def test_footprint_is_where_half_the_dust_is_disturbed(mark, area_m2):
    """Analytic: without rays a footprint (f >= 1/2) is the outline, pi a b for a uniform
    ellipse and for a blast zone (f = 1 - exp(-ln 2 / rho^4) = 1/2 at rho = 1), pi R^2
    for a steep impact's fan ((R/r)^3 = 1); areas to 1 % at 0.1 m/px."""
    (window, mask), *_ = footprints([mark], (600, 600), 0.1)
    assert mask.sum() * 0.1**2 == pytest.approx(area_m2, rel=0.01)
    rows, cols = np.nonzero(mask)
    xs, ys = pixel_grid((600, 600), 0.1)
    assert xs[window[1]][cols].mean() == pytest.approx(mark.x_m, abs=0.05)
    assert ys[window[0]][rows].mean() == pytest.approx(mark.y_m, abs=0.05)


def test_footprints_of_overlapping_marks_are_whole_and_rays_keep_one_piece():
    """Invariant: a secondary lying on the crash's fan does not cut the fan's footprint
    (rasterise's labels let the later mark win); a rayed fan's footprint is one
    8-connected piece, rays included, larger than the unrayed outline's."""
    fan = Mark(0.0, 0.0, 12.0, 3.0, 0.5, 0.45, "main_crash", "fan", math.pi, 5e5, 70.0, 7)
    secondary = Mark(4.0, 0.0, 2.0, 1.5, 0.0, 0.35, "secondary")
    both = footprints([fan, secondary], (400, 400), 0.1)
    assert np.array_equal(both[0][1], footprints([fan], (400, 400), 0.1)[0][1])
    assert both[1] is not None and both[1][1].sum() * 0.01 == pytest.approx(3.0 * math.pi, 0.05)
    assert measure.label(both[0][1], connectivity=2).max() == 1
    assert both[0][1].sum() * 0.01 > math.pi * 12.0**2
