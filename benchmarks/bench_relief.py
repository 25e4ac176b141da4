"""Benchmark: slope statistics of the rendered ground at HiRISE scales, against the
landing sites' published figures (docs/imaging.md, "Relief against the landing sites").

For each seed, the ground of :func:`skycrane.imaging.surface.make_surface` (800 x 800 px
at 0.25 m, the synthetic site of ``--site``) and its parts: the RMS *bidirectional*
slope over a baseline L, ``atan(sqrt(<(z(x + L) - z(x))^2>) / L)`` averaged over the
rows' and the columns' directions, the statistic of Kirk et al. (2008, JGR 113 E00A24),
at L = 0.25, 1, 2 and 5 m, beside the fine relief's target at 1 m
(``SurfaceParams.fine_relief_rms_slope_1m_deg``, the cited analogue; ``--rms-slope-1m-deg none``
keeps the fractal at the site statistic alone, as before).

    python benchmarks/bench_relief.py [--site jezero] [--seeds 4] [--size 800]
        [--rms-slope-1m-deg 5.4]
"""

from __future__ import annotations

import argparse


def rms_slope_deg(z, baseline_px: int, resolution_m: float) -> float:
    """RMS bidirectional slope [deg] of heights ``z`` over ``baseline_px`` pixels."""
    import numpy as np

    k = baseline_px
    dx = z[:, k:] - z[:, :-k]
    dy = z[k:, :] - z[:-k, :]
    rms = np.sqrt(0.5 * (np.mean(dx * dx) + np.mean(dy * dy))) / (k * resolution_m)
    return float(np.degrees(np.arctan(rms)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default="jezero", help="synthetic site type")
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--size", type=int, default=800, help="image side, pixels")
    parser.add_argument(
        "--rms-slope-1m-deg", default=None, help="target at 1 m (default: SurfaceParams'; none)"
    )
    args = parser.parse_args()

    from dataclasses import replace

    import numpy as np

    from skycrane.imaging.surface import SurfaceParams, make_surface
    from skycrane.terrain.synthetic import SITES

    resolution_m = 0.25
    params = SurfaceParams(site=SITES[args.site])
    if args.rms_slope_1m_deg is not None:
        target = None if args.rms_slope_1m_deg == "none" else float(args.rms_slope_1m_deg)
        params = replace(params, fine_relief_rms_slope_1m_deg=target)
    shape = (args.size, args.size)
    baselines_m = (0.25, 1.0, 2.0, 5.0)
    print(
        f"site {args.site}: {params.site}; "
        f"fine relief at 1 m: {params.fine_relief_rms_slope_1m_deg} deg"
    )
    print("seed  RMS bidirectional slope [deg] at " + ", ".join(f"{b:g} m" for b in baselines_m))
    for seed in range(args.seeds):
        ground = make_surface(np.random.default_rng(seed), shape, resolution_m, params)
        slopes = [
            rms_slope_deg(ground.height_m, round(b / resolution_m), resolution_m)
            for b in baselines_m
        ]
        print(f"{seed:4d}  " + "  ".join(f"{s:5.1f}" for s in slopes))


if __name__ == "__main__":
    main()
