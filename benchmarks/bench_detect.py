"""Benchmark: rendering and impact detection of a 4000 x 4000 before/after pair
(issue 18 asks < 20 s to render, < 10 s to detect).

Renders one random landing site at HiRISE's 0.25 m/pixel (1 km square), the after
pass with the sun 20 degrees lower and 30 degrees round, a 0.5-pixel
mis-registration and a 10 % illumination change, then times
:func:`skycrane.imaging.detect` (registration, prediction, thresholding,
regions, classification), the best and the worst of a few repeats.

    python benchmarks/bench_detect.py [--size 4000] [--repeats 3] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4000, help="image side, pixels")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    import numpy as np

    from skycrane.imaging import OrbitalPass, detect, random_site, render_pair
    from skycrane.imaging.score import score

    resolution_m = 0.25
    rng = np.random.default_rng(args.seed)
    side_m = args.size * resolution_m
    marks = random_site(rng, side_m, side_m)
    t0 = time.perf_counter()
    before = OrbitalPass(sun_incidence_deg=40.0, sun_azimuth_deg=250.0)
    after = OrbitalPass(60.0, 220.0, gain=0.9, shift_px=(0.5, -0.5))
    pair = render_pair(rng, marks, (args.size, args.size), resolution_m, before, after)
    render_s = time.perf_counter() - t0
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        found = detect(pair.before, pair.after, resolution_m)
        times.append(time.perf_counter() - t0)
    print(
        f"{args.size} x {args.size} pair ({len(marks)} marks, rendered in {render_s:.1f} s, "
        f"{os.cpu_count()} CPUs): detection {min(times):.2f} s best, {max(times):.2f} s worst "
        f"of {args.repeats}; {len(found)} regions"
    )
    s = score(found, pair.truth_labels, marks, resolution_m)
    print(
        f"marks >= 1 m2: {s.n_truth}, found {s.recall:.1%}; "
        f"false detections {s.n_false} / {s.n_detections}"
    )


if __name__ == "__main__":
    main()
