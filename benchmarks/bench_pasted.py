"""Benchmark: the detector on pairs skycrane's renderer did not make (issue 18).

scikit-image's bundled pictures (moon, brick, grass, gravel; seeds 0-1) with pasted marks
(:mod:`skycrane.imaging.pasted`), each property of real orbital products in turn: no-data
fill outside the footprints (0, the largest value, NaN), misregistration of 1-5 px, an
after image 2 rows longer, 8-bit JPEG browse products with clipped highlights, 8-bit
products each stretched from its own percentiles with an offset (and a gamma).  Prints,
per property, the pasted marks (those 10 px or more from the fill), those found within
2 px with the right sign, the darkened ones found, and the other detections: the table
of docs/imaging.md, "Pairs the renderer did not make".

    python benchmarks/bench_pasted.py [--seeds 2] [--first-seed 0]

``--moved-sun``: instead, the pairs of :mod:`skycrane.imaging.foreign` (relief, light and
marks of another make; 33 marks a seed), under one sun and under issue 18's two suns
(40 deg at 250 deg, then 60 deg at 220 deg, gain 0.9, a 0.5 px shift; the suns passed to
the detector), and the same ground without marks; then the marks found by band of
darkening and area: docs/imaging.md, "Pairs of another make under two suns".

    python benchmarks/bench_pasted.py --moved-sun [--seeds 8] [--first-seed 0]
"""

from __future__ import annotations

import argparse
import math

PICTURES = ("moon", "brick", "grass", "gravel")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--moved-sun", action="store_true")
    args = parser.parse_args()
    if args.moved_sun:
        moved_sun(range(args.first_seed, args.first_seed + args.seeds))
        return
    import numpy as np
    from scipy import ndimage

    from skycrane.errors import InputError
    from skycrane.imaging import detect
    from skycrane.imaging.pasted import (
        STRETCHES,
        PastedPair,
        as_browse,
        pasted_pair,
        score_pasted,
        stretched,
        with_no_data,
    )

    def plain(name, seed):
        pair = pasted_pair(name, seed)
        return pair.before, pair.after, pair, None

    def fill(value):
        def make(name, seed):
            pair = pasted_pair(name, seed)
            before, fill_b = with_no_data(pair.before, "tl", 120.0, value)
            after, fill_a = with_no_data(pair.after, "br", 180.0, value)
            return before, after, pair, ndimage.binary_dilation(fill_b | fill_a, iterations=10)

        return make

    def shifted(shift, extra_rows=0):
        def make(name, seed):
            pair = pasted_pair(name, seed, shift_px=shift, margin_px=8, extra_rows=extra_rows)
            return pair.before, pair.after, pair, None

        return make

    def browse(quality, clip_percent):
        def make(name, seed):
            pair = pasted_pair(name, seed)
            return (
                as_browse(pair.before, quality, clip_percent),
                as_browse(pair.after, quality, clip_percent),
                pair,
                None,
            )

        return make

    def stretch(label):
        def make(name, seed):
            pair = pasted_pair(name, seed)
            (low_b, high_b, gamma_b), (low_a, high_a, gamma_a) = STRETCHES[label]
            return (
                stretched(pair.before, low_b, high_b, gamma_b),
                stretched(pair.after, low_a, high_a, gamma_a),
                pair,
                None,
            )

        return make

    cases = {
        "as rendered by the generator (0.5 px)": plain,
        "fill 0, 120/180 px wedges": fill(0.0),
        "fill above every value": fill(10.0),
        "fill NaN": fill(np.nan),
        **{f"shift {s} px": shifted(s) for s in [(0.5, -0.5), (1.0, -1.0), (2.3, 1.6)]},
        **{f"shift {s} px": shifted(s) for s in [(-3.4, 2.7), (4.6, -4.2)]},
        "shift (2.3, 1.6) px, 2 rows more": shifted((2.3, 1.6), 2),
        "8-bit, 1 % clipped": browse(None, 1.0),
        "JPEG q90, 1 % clipped": browse(90, 1.0),
        "JPEG q75, 1 % clipped": browse(75, 1.0),
        "JPEG q85, 5 % clipped": browse(85, 5.0),
        **{f"8-bit stretched {label}": stretch(label) for label in STRETCHES},
    }
    print("| pairs | marks | found | darkened found | false detections |")
    print("|---|---|---|---|---|")
    for label, make in cases.items():
        totals = np.zeros(5, dtype=int)
        errors = 0
        for name in PICTURES:
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                try:
                    before, after, pair, ignore = make(name, seed)
                    found = detect(before, after, 1.0)
                except InputError:
                    errors += 1
                    continue
                marks, hits, false = score_pasted(found, pair, 1.0, ignore)
                dark = PastedPair(pair.before, pair.after, pair.blobs[:8])
                darkened = [d for d in found if d.darkening > 0]
                dark_marks, dark_hits, _ = score_pasted(darkened, dark, 1.0, ignore)
                totals += (marks, hits, dark_marks, dark_hits, false)
        note = f" ({errors} pairs refused)" if errors else ""
        print(
            f"| {label}{note} | {totals[0]} | {totals[1]} | {totals[3]} / {totals[2]} "
            f"| {totals[4]} |"
        )


def moved_sun(seeds: range) -> None:
    """The table of foreign pairs under one sun and under the moved sun."""
    import dataclasses
    import time

    import numpy as np

    from skycrane.imaging import detect
    from skycrane.imaging.foreign import foreign_pair
    from skycrane.imaging.pasted import found_marks, score_pasted
    from skycrane.imaging.photometry import MOVED_SUN_AFTER as AFTER
    from skycrane.imaging.photometry import MOVED_SUN_BEFORE as BEFORE

    one_sun = dataclasses.replace(
        AFTER, sun_incidence_deg=BEFORE.sun_incidence_deg, sun_azimuth_deg=BEFORE.sun_azimuth_deg
    )
    print("| suns | marks | found | false detections | unchanged with detections | s a pair |")
    print("|---|---|---|---|---|---|")
    per_mark = {}
    for label, after in (("one sun", one_sun), ("moved sun", AFTER)):
        totals = np.zeros(3, dtype=int)
        hit = 0
        start = time.perf_counter()
        marks = []
        for seed in seeds:
            pair = foreign_pair(seed, suns=(BEFORE, after))
            found = detect(pair.before, pair.after, 0.25, suns=(BEFORE, after))
            totals += score_pasted(found, pair, 0.25)
            marks += zip(pair.areas_m2, pair.contrasts, found_marks(found, pair, 0.25), strict=True)
            bare = foreign_pair(seed, suns=(BEFORE, after), with_marks=False)
            hit += bool(detect(bare.before, bare.after, 0.25, suns=(BEFORE, after)))
        per_pair = (time.perf_counter() - start) / (2 * len(seeds))
        print(
            f"| {label} | {totals[0]} | {totals[1]} ({100 * totals[1] / totals[0]:.1f} %) "
            f"| {totals[2]} | {hit} / {len(seeds)} | {per_pair:.1f} |"
        )
        per_mark[label] = np.array(marks, dtype=float).reshape(-1, 3)
    by_kind(per_mark)


CONTRAST_BANDS = ((0.15, 0.25), (0.25, 0.35), (0.35, 0.5), (-3.0, -1.0))
"""The foreign marks' darkening bands (the last: brightened 2-3 times)."""
AREA_BANDS_M2 = ((1.0, 4.0), (4.0, 30.0), (30.0, math.inf))


def by_kind(per_mark: dict) -> None:
    """Found / marks in each band of darkening (rows) and area (columns), per suns."""
    heads = " | ".join(
        f"{lo:g}-{hi:g} m²" if math.isfinite(hi) else f"{lo:g} m² and more"
        for lo, hi in AREA_BANDS_M2
    )
    print(f"\n| suns | darkening | {heads} |")
    print("|---|---|" + "---|" * len(AREA_BANDS_M2))
    for label, marks in per_mark.items():
        for lo, hi in CONTRAST_BANDS:
            name = f"{lo:.2f}-{hi:.2f}" if lo > 0 else "brightened 2-3x"
            cells = []
            for a_lo, a_hi in AREA_BANDS_M2:
                band = marks[
                    (marks[:, 1] >= lo)
                    & (marks[:, 1] < hi)
                    & (marks[:, 0] >= a_lo)
                    & (marks[:, 0] < a_hi)
                ]
                cells.append(f"{int(band[:, 2].sum())} / {len(band)}")
            print(f"| {label} | {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
