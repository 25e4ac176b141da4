"""Benchmark: rendering and impact detection of a 4000 x 4000 before/after pair
(issue 18 asks < 20 s to render, < 10 s to detect).

Renders one random landing site at HiRISE's 0.25 m/pixel (1 km square), the after
pass with the sun 20 degrees lower and 30 degrees round, a 0.5-pixel
mis-registration and a 10 % illumination change, then times
:func:`skycrane.imaging.detect` (registration, prediction, thresholding,
regions, classification), the best and the worst of a few repeats.

    python benchmarks/bench_detect.py [--size 4000] [--repeats 3] [--seed 0] [--fill-px 1200]

``--fill-px`` blanks a wedge of each image (a map-projected footprint's fill; marks
under it are then missed and counted so).

With ``--sites N`` it instead scores N random sites of ``--size`` pixels (seeds
0..N-1) under the same sun and under the moved sun
(:func:`skycrane.imaging.score.evaluate_sites`): recall of marks >= 1 m^2, false
detections, position errors and classification, the table of docs/imaging.md.

    python benchmarks/bench_detect.py --sites 20 --size 800
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4000, help="image side, pixels")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sites", type=int, default=0, help="score this many sites instead")
    parser.add_argument(
        "--fill-px",
        type=float,
        default=0.0,
        help="no-data fill of 0 in a wedge of these legs, before upper-left, after lower-right "
        "(1.25x)",
    )
    args = parser.parse_args()
    import numpy as np

    from skycrane.imaging import detect, random_site, render_pair
    from skycrane.imaging.photometry import MOVED_SUN_AFTER, MOVED_SUN_BEFORE
    from skycrane.imaging.score import score

    resolution_m = 0.25
    before, after = MOVED_SUN_BEFORE, MOVED_SUN_AFTER
    if args.sites:
        same_sun = dataclasses.replace(
            after,
            sun_incidence_deg=before.sun_incidence_deg,
            sun_azimuth_deg=before.sun_azimuth_deg,
        )
        for name, second in (("same sun", same_sun), ("sun moved 20/30 deg", after)):
            sites(name, args.sites, args.size, before, second)
        return
    rng = np.random.default_rng(args.seed)
    side_m = args.size * resolution_m
    marks = random_site(rng, side_m, side_m)
    t0 = time.perf_counter()
    pair = render_pair(rng, marks, (args.size, args.size), resolution_m, before, after)
    render_s = time.perf_counter() - t0
    images = (pair.before, pair.after)
    if args.fill_px > 0.0:
        from skycrane.imaging.pasted import with_no_data

        images = tuple(
            with_no_data(image, corner, leg, 0.0)[0].astype(np.float32)
            for image, corner, leg in zip(
                images, ("tl", "br"), (args.fill_px, 1.25 * args.fill_px), strict=True
            )
        )
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        found = detect(*images, resolution_m, suns=(before, after))
        times.append(time.perf_counter() - t0)
    print(
        f"{args.size} x {args.size} pair ({len(marks)} marks, rendered in {render_s:.1f} s, "
        f"{os.cpu_count()} CPUs): detection {min(times):.2f} s best, {max(times):.2f} s worst "
        f"of {args.repeats}; {len(found)} regions"
    )
    s = score(found, marks, (args.size, args.size), resolution_m)
    print(
        f"marks >= 1 m2: {s.n_truth}, found {s.recall:.1%}; "
        f"false detections {s.n_false} / {s.n_detections}"
    )


def sites(name: str, n_sites: int, size_px: int, before, after) -> None:
    """Print the scores of ``n_sites`` rendered sites seen by ``before`` and ``after``."""
    import numpy as np

    from skycrane.imaging.score import EXPECTED_KIND, evaluate_sites

    t0 = time.perf_counter()
    s = evaluate_sites(range(n_sites), size_px, 0.25, before, after)
    errors = np.asarray(s.position_errors_px)
    right = sum(n for (t, d), n in s.confusion.items() if d in EXPECTED_KIND.get(t, (t,)))
    print(
        f"{name}: {n_sites} sites of {size_px}^2 ({time.perf_counter() - t0:.0f} s): "
        f"marks >= 1 m2 {s.n_truth}, found {s.recall:.1%}, false {s.n_false} / "
        f"{s.n_detections} ({s.false_fraction:.1%}), position error median / p95 / max "
        f"{np.median(errors):.2f} / {np.percentile(errors, 95):.2f} / {errors.max():.2f} px, "
        f"named right {right} / {s.n_found}"
    )
    kinds = sorted({t for t, _ in s.confusion})
    print(
        "  by kind (right / found): "
        + ", ".join("{} {}/{}".format(k, *s.accuracy(k)) for k in kinds)
    )


if __name__ == "__main__":
    main()
