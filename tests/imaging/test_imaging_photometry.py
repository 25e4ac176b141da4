"""The renderer's physics: Lambert shading, cast shadows, the camera, the ground's statistics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from skycrane.errors import InputError
from skycrane.imaging import OrbitalPass, random_site, render_pair
from skycrane.imaging.photometry import (
    PSF_FWHM_PX,
    Instrument,
    blur_and_shift,
    browse,
    cast_shadow,
    lambert_cos_incidence,
    observe,
)
from skycrane.imaging.surface import ROCK_D_MIN_M, draw_rocks, scale_to_rms_slope
from skycrane.terrain.synthetic import rock_cumulative_count

RES = 0.25


@pytest.mark.parametrize("incidence_deg", [0.0, 30.0, 60.0])
@pytest.mark.parametrize("slope_deg", [0.0, 10.0, 20.0])
def test_lambert_plane_is_cos_of_the_local_incidence(incidence_deg, slope_deg):
    """Analytic: a plane rising eastwards by ``s`` under a sun in the west at incidence
    ``i`` faces the sun: cos i_loc = cos(i - s); with the sun in the east, cos(i + s)."""
    cols = np.arange(64) * RES
    z = np.tile(cols * math.tan(math.radians(slope_deg)), (32, 1))
    west = lambert_cos_incidence(z, RES, incidence_deg, 270.0)
    east = lambert_cos_incidence(z, RES, incidence_deg, 90.0)
    assert west[5:-5, 5:-5] == pytest.approx(math.cos(math.radians(incidence_deg - slope_deg)))
    expected_east = max(math.cos(math.radians(incidence_deg + slope_deg)), 0.0)
    assert east[5:-5, 5:-5] == pytest.approx(expected_east, abs=1e-6)


@pytest.mark.parametrize("incidence_deg", [30.0, 45.0, 60.0, 70.0])
@pytest.mark.parametrize("azimuth_deg", [90.0, 270.0, 0.0, 180.0, 60.0, 200.0])
def test_shadow_of_a_step_is_h_tan_i_long(incidence_deg, azimuth_deg):
    """Analytic: a wall of height h across the sun's path shades h tan(i) of ground
    behind it, measured along the sun's azimuth (to one step of the digital line)."""
    h = 2.0
    n = 160
    rows, cols = np.indices((n, n))
    a = math.radians(azimuth_deg)
    towards_sun = np.array([-math.cos(a), math.sin(a)])  # (rows, cols)
    # the high ground is the half plane on the sun's side of the centre line
    along = (rows - n / 2) * towards_sun[0] + (cols - n / 2) * towards_sun[1]
    z = np.where(along >= 0.0, h, 0.0)
    shade = cast_shadow(z, RES, incidence_deg, azimuth_deg)
    centre = n // 2
    line = np.round(centre - np.outer(np.arange(1, 70), towards_sun)).astype(int)
    shaded = shade[line[:, 0], line[:, 1]]
    length_m = float(np.argmin(shaded)) * RES  # first lit pixel along the line away from the sun
    step_m = RES * max(abs(towards_sun[0]), abs(towards_sun[1])) ** -1
    expected = h * math.tan(math.radians(incidence_deg))
    assert abs(length_m - expected) <= step_m + RES
    assert not cast_shadow(np.zeros((32, 32)), RES, incidence_deg, azimuth_deg).any()


def test_camera_psf_noise_and_quantisation():
    """Published figures: the image of a point has the 1.43 px FWHM of the 0.5 m aperture's
    diffraction core at 694 nm (1.03 lambda/D over a 1 urad IFOV, McEwen et al. 2007);
    a uniform scene has the SNR of 150 (Bergstrom et al. 2004); values are 14-bit DN."""
    rng = np.random.default_rng(0)
    point = np.zeros((64, 64), dtype=np.float32)
    point[32, 32] = 1.0
    image = blur_and_shift(point, Instrument().psf_fwhm_px, (0.0, 0.0))
    cols = np.arange(64) - 32.0
    var = float(np.sum(image * cols[None, :] ** 2) / image.sum())
    fwhm = 2.0 * math.sqrt(2.0 * math.log(2.0) * var)
    assert fwhm == pytest.approx(PSF_FWHM_PX, rel=0.02)
    assert PSF_FWHM_PX == pytest.approx(1.43, abs=0.01)
    flat = observe(np.full((256, 256), 0.2, dtype=np.float32), rng)
    assert float(flat.mean() / flat.std()) == pytest.approx(150.0, rel=0.05)
    dn = flat * (2**14 - 1)
    assert np.allclose(dn, np.round(dn), atol=1e-3)


def test_psf_and_shift_do_not_wrap_round_the_frame():
    """Invariant: the camera sees ground continuing past the frame's edge, not the opposite
    edge's ground: a bright bottom row, blurred and shifted half a pixel down, puts under
    1 % of its light in the top rows (the half-pixel shift's band-limited interpolation
    rings at ~1e-3; a periodic Fourier product put half of the row there)."""
    scene = np.zeros((64, 64), dtype=np.float32)
    scene[-1] = 1.0
    image = blur_and_shift(scene, Instrument().psf_fwhm_px, (0.5, -0.5))
    assert image.shape == scene.shape
    assert float(np.abs(image[:4]).max()) < 0.01 * float(image[-1].max())


def test_browse_is_8_bit_and_small():
    """Invariant: the browse image is uint8, at most 2048 px a side, using the full range."""
    image = np.random.default_rng(1).random((4100, 300), dtype=np.float32)
    small = browse(image)
    assert small.dtype == np.uint8 and max(small.shape) <= 2048
    assert small.min() == 0 and small.max() == 255


def test_rock_sizes_follow_golombek_rapp():
    """Published law: counts of rocks >= D per m^2 match Golombek & Rapp (1997)'s cumulative
    number for k = 0.07 within 4 Poisson sigma at four diameters."""
    rng = np.random.default_rng(2)
    area = 2.0e5
    diam = draw_rocks(rng, area, 0.07)
    for d in (ROCK_D_MIN_M, 0.6, 1.0, 1.5):
        expected = float(rock_cumulative_count(0.07, np.array([d]))[0]) * area
        assert abs(np.sum(diam >= d) - expected) <= 4.0 * math.sqrt(expected) + 1, d


@pytest.mark.parametrize("resolution_m", [0.25, 0.5, 1.0])
def test_fine_relief_is_scaled_to_the_rms_slope_at_1_m(resolution_m):
    """Analytic solution: ``a`` solves ``<(a dF + dO)^2> = (tan s L)^2`` for the height
    differences over L = 1 m, so ``a F + O`` has the RMS bidirectional slope s (Kirk et
    al. 2008's statistic) whatever the two fields; 0 when ``O`` alone is rougher."""
    rng = np.random.default_rng(5)
    fractal = np.cumsum(rng.normal(size=(200, 200)), axis=1).astype(np.float32)
    others = (0.01 * rng.normal(size=(200, 200)) + 0.001 * fractal).astype(np.float32)
    a = scale_to_rms_slope(fractal, others, resolution_m, 5.4)
    z = a * fractal + others
    k = max(1, round(1.0 / resolution_m))
    mean_sq = 0.5 * (
        np.mean((z[:, k:] - z[:, :-k]) ** 2, dtype=np.float64)
        + np.mean((z[k:] - z[:-k]) ** 2, dtype=np.float64)
    )
    slope_deg = math.degrees(math.atan(math.sqrt(mean_sq) / (k * resolution_m)))
    assert slope_deg == pytest.approx(5.4, rel=1e-4)
    assert scale_to_rms_slope(fractal, 100.0 * others, resolution_m, 5.4) == 0.0


def test_pass_rejects_bad_geometry():
    """Bad input: each field is named with its value."""
    with pytest.raises(InputError, match="sun_incidence_deg"):
        OrbitalPass(sun_incidence_deg=95.0)
    with pytest.raises(InputError, match="gain"):
        OrbitalPass(gain=0.0)


def test_render_is_reproducible_and_shadows_move_with_the_sun():
    """Invariant: same seed, same pair; a lower sun leaves more of the ground dark."""
    marks = random_site(np.random.default_rng(3), 60.0, 60.0)
    one = render_pair(np.random.default_rng(4), marks, (240, 240), RES)
    two = render_pair(np.random.default_rng(4), marks, (240, 240), RES)
    assert np.array_equal(one.before, two.before) and np.array_equal(one.after, two.after)
    low = render_pair(
        np.random.default_rng(4), [], (240, 240), RES, after=OrbitalPass(sun_incidence_deg=70.0)
    )
    dark_high = np.mean(low.before < 0.5 * np.median(low.before))
    dark_low = np.mean(low.after < 0.5 * np.median(low.after))
    assert dark_low > dark_high
