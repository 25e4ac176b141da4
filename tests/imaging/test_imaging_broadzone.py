"""The window response and the window-mean score of :mod:`skycrane.imaging.broadzone`."""

import math

import numpy as np

from skycrane.imaging.broadzone import _window_mean_score, window_response


def test_window_response_limits_and_a_uniform_zone():
    """Invariants: a zone much wider than the window fills it (1), a much narrower one
    does not (-> 0); analytic: for a disc of radius R (the profile's limit, exponent -> oo)
    the gaussian window's mean is 1 - exp(-R^2 / 2 sigma^2), and the scour profile
    ``1 - exp(-ln 2 (R/r)^4)`` lies within 0.1 of it at R = 2 sigma."""
    assert window_response(1000.0, 5.0) > 0.999
    assert window_response(0.1, 5.0) < 1e-3
    disc = 1.0 - math.exp(-2.0)
    assert abs(window_response(10.0, 5.0) - disc) < 0.1


def test_window_mean_score_of_white_noise_is_unit_normal():
    """Analytic: on white gaussian noise of known sigma the score is the window mean over
    its standard error, so its spread over the frame is 1 (the correlation factor 1) and a
    uniform darkening of 0.1 sigma over the frame raises its mean by 0.1 sigma / standard
    error of the window mean, i.e. by 0.1 sqrt(4 pi sigma_w^2)."""
    rng = np.random.default_rng(0)
    noise = np.full((800, 800), 0.05, dtype=np.float32)
    dark = (0.05 * rng.standard_normal((800, 800))).astype(np.float32)
    shadow = np.zeros((800, 800), dtype=bool)
    _, score = _window_mean_score(dark, shadow, noise, 5.0, 4, 3.0)
    core = score[20:-20, 20:-20]
    spread = 1.4826 * np.median(np.abs(core - np.median(core)))
    assert abs(spread - 1.0) < 0.1
    _, shifted = _window_mean_score(dark + np.float32(0.005), shadow, noise, 5.0, 4, 3.0)
    gain = float(np.median(shifted[20:-20, 20:-20] - core))
    assert abs(gain - 0.1 * math.sqrt(4.0 * math.pi * 20.0**2)) < 0.15 * gain
