"""The thresholds of change detection and of the classification of its regions.

One record read by both :func:`skycrane.imaging.detect.detect` (registration,
smoothing, hysteresis, minimum area) and :func:`skycrane.imaging.classify.classify`
(sizes, shapes and layout of each kind of mark); it sits below both modules so
that neither imports the other for it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DetectParams:
    """Tunable thresholds of :func:`~skycrane.imaging.detect.detect` and its classification."""

    smooth_sigma_px: float = 1.0
    spectrum_sigma_bins: float = 2.0
    frame_pad_px: int = 32
    shadow_fraction: float = 0.45
    max_mark_darkening: float = 0.3
    shadow_margin_px: int = 3
    max_moved_shadow_fraction: float = 0.5
    max_dim_fraction: float = 0.5
    refit_clip: float = 3.0
    refit_margin_px: int = 2
    noise_block_px: int = 64
    # the regional level's blocks (predict.regional_level; E: at 128 and 192 px the level
    # of a crater's bright wall reached its dark wall, docs/imaging.md, session 21)
    level_block_px: int = 256
    k_high: float = 9.0
    k_low: float = 2.5
    low_fraction: float = 0.6
    min_darkening: float = 0.12
    min_brightening: float = 0.5
    min_area_m2: float = 0.6
    peak_depth: float = 2.0
    blob_scales_px: tuple[float, ...] = (2.0, 3.0)
    broad_scale_px: float = 8.0
    spectrum_clip: float = 3.0
    relief_highpass_px: float = 4.0
    relief_window_px: float = 3.0
    relief_bins: int = 20
    no_data_margin_px: int = 4
    min_valid_fraction: float = 0.25
    register_crop_px: int = 1024
    upsample_factor: int = 20
    secondary_max_area_m2: float = 8.0
    large_min_area_m2: float = 30.0
    main_min_eccentricity: float = 0.6
    blast_max_eccentricity: float = 0.7
    blast_max_darkening: float = 0.25
    blast_min_area_m2: float = 80.0
    cone_half_angle_deg: float = 35.0
    cone_reach: float = 6.0
    fan_weight: float = 4.0
    debris_cone_half_angle_deg: float = 45.0
    balance_min_area_m2: float = 3.0
    balance_max_area_m2: float = 60.0
    backshell_min_area_m2: float = 150.0
    backshell_min_eccentricity: float = 0.7
    heat_shield_min_area_m2: float = 700.0
    parachute_min_area_m2: float = 25.0
    # the crater-wall veto, used when the suns are known (:mod:`skycrane.imaging.wallveto`
    # gives the sources and how each was chosen)
    wall_band_px: tuple[float, float] = (4.0, 64.0)
    wall_band_step_px: int = 4
    wall_log_floor: float = 0.3
    wall_floor_px: float = 136.0
    wall_floor_step_px: int = 8
    wall_ring_px: int = 8
    wall_kappa: float = 5.3
    wall_min_area_m2: float = 3.0
    wall_min_conditioning: float = 0.25
    # new-shadow components released as possible marks where no relief could cast them
    # (:mod:`skycrane.imaging.flatshadow` gives how each was chosen)
    flat_max_contrast: float = 1.3
    flat_min_level: float = 0.85
    flat_ring_px: int = 8
    # the window-mean test of broad, faint darkening (:mod:`skycrane.imaging.broadzone`
    # gives the source: half the blast zone's scour radius)
    blast_window_m: float = 5.0
