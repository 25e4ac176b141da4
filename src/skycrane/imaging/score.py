"""Scoring detections against the truth of a rendered pair.

The truth is the renderer's own list of marks: each mark is **one** truth, whatever
its shape, with its footprint (the pixels where it disturbs at least half the dust,
:func:`skycrane.imaging.marks.footprints`: a rayed crash fan or a streaked blast zone
is one mark, not the pieces a threshold would cut it into), the centroid of that
footprint and its area in the frame.  Marks whose footprints come within ``merge_px``
pixels of each other blur into one region in any detector (a secondary on the crash's
fan), so each mark also belongs to a *group*, with the centroid of the group's
footprints.

* every detection whose centroid lies on a mark's footprint (grown by ``tol_px``)
  belongs to that mark; those of one mark are merged into one, at their area-weighted
  centroid, named by the largest of them (a mark found in pieces is found once);
* a mark is **found** when the merged detection of the mark lies within ``tol_px`` of
  the mark's centroid, or the merged detection of its group (every detection on the
  group's footprints) within ``tol_px`` of the group's centroid;
* a detection is **false** when it lies on no mark's footprint grown by ``tol_px``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import ndimage
from skimage import measure, morphology

from skycrane.errors import InputError
from skycrane.imaging.debris import random_site
from skycrane.imaging.detect import Detection, detect
from skycrane.imaging.marks import Mark, footprints, pixel_grid
from skycrane.imaging.photometry import OrbitalPass
from skycrane.imaging.render import render_pair


@dataclass(frozen=True, slots=True)
class Score:
    """Outcome of :func:`score`."""

    n_truth: int  # marks whose footprint in the frame is >= min_area_m2
    n_found: int
    n_detections: int
    n_false: int
    position_errors_px: list[float]  # one per found mark
    kinds: list[tuple[str, str]]  # (truth kind, detected kind) per found mark

    @property
    def recall(self) -> float:
        """Fraction of truth marks found (1 when there are none)."""
        return self.n_found / self.n_truth if self.n_truth else 1.0

    @property
    def false_fraction(self) -> float:
        """Fraction of detections that are false (0 when there are none)."""
        return self.n_false / self.n_detections if self.n_detections else 0.0


def truth_marks(
    marks: list[Mark],
    shape: tuple[int, int],
    resolution_m: float,
    origin_m: tuple[float, float] = (0.0, 0.0),
    merge_px: int = 3,
) -> list[dict]:
    """One truth per mark that has pixels in the frame: ``index`` in ``marks``, ``kind``,
    footprint ``window`` and ``mask``, ``centroid`` ``(row, col)``, ``area_m2`` in the
    frame, ``group`` and ``group_centroid`` (footprints within ``merge_px`` joined)."""
    union = np.zeros(shape, dtype=bool)
    truths = []
    for index, found in enumerate(footprints(marks, shape, resolution_m, origin_m=origin_m)):
        if found is None:
            continue
        window, mask = found
        union[window] |= mask
        rows, cols = np.nonzero(mask)
        truths.append(
            {
                "index": index,
                "kind": marks[index].kind,
                "window": window,
                "mask": mask,
                "centroid": np.array(
                    [rows.mean() + window[0].start, cols.mean() + window[1].start]
                ),
                "area_m2": float(rows.size) * resolution_m**2,
                "first_px": (rows[0] + window[0].start, cols[0] + window[1].start),
            }
        )
    grouped = measure.label(ndimage.binary_dilation(union, morphology.disk(merge_px)))
    grouped = np.where(union, grouped, 0)
    group_centroid = {r.label: np.asarray(r.centroid) for r in measure.regionprops(grouped)}
    for truth in truths:
        truth["group"] = int(grouped[truth.pop("first_px")])
        truth["group_centroid"] = group_centroid[truth["group"]]
    return truths


def _merged(detections: list[Detection], members: np.ndarray, det_rc: np.ndarray):
    """Area-weighted centroid ``(row, col)`` and kind (the largest's) of the member
    detections, or None when there are none."""
    if not members.any():
        return None
    areas = np.array([d.area_m2 for d in detections])[members]
    centroid = (det_rc[members] * areas[:, None]).sum(axis=0) / areas.sum()
    largest = np.flatnonzero(members)[int(np.argmax(areas))]
    return centroid, detections[largest].kind


def match(
    detections: list[Detection],
    marks: list[Mark],
    shape: tuple[int, int],
    resolution_m: float,
    origin_m: tuple[float, float] = (0.0, 0.0),
    tol_px: float = 2.0,
) -> tuple[list[dict], np.ndarray]:
    """Match ``detections`` (metres from the image centre) to the ``marks`` rendered on a
    ``shape`` grid whose centre lies at ``origin_m`` in the marks' frame (module docstring).

    Returns the truths (:func:`truth_marks`), each with ``error_px`` and ``found_kind``
    (None when not found), and whether each detection is false.
    """
    truths = truth_marks(marks, shape, resolution_m, origin_m)
    xs, ys = pixel_grid(shape, resolution_m)
    det_rc = np.array(
        [[(ys[0] - d.y_m) / resolution_m, (d.x_m - xs[0]) / resolution_m] for d in detections]
    ).reshape(-1, 2)
    pixels = np.round(det_rc).astype(int)
    grow = morphology.disk(int(np.ceil(tol_px)))
    pad = grow.shape[0] // 2
    # on[j, i]: detection i lies on truth j's footprint grown by tol_px
    on = np.zeros((len(truths), len(detections)), dtype=bool)
    for j, truth in enumerate(truths):
        window = truth["window"]
        grown = ndimage.binary_dilation(np.pad(truth["mask"], pad), grow)
        rows = pixels[:, 0] - window[0].start + pad
        cols = pixels[:, 1] - window[1].start + pad
        inside = (rows >= 0) & (rows < grown.shape[0]) & (cols >= 0) & (cols < grown.shape[1])
        on[j, inside] = grown[rows[inside], cols[inside]]
    groups = np.array([t["group"] for t in truths])
    for j, truth in enumerate(truths):
        best = (np.inf, None)
        for members, centre in (
            (on[j], truth["centroid"]),
            (on[groups == truth["group"]].any(axis=0), truth["group_centroid"]),
        ):
            merged = _merged(detections, members, det_rc)
            if merged is not None:
                error = float(np.hypot(*(merged[0] - centre)))
                best = min(best, (error, merged[1]), key=lambda pair: pair[0])
        truth["error_px"] = best[0]
        truth["found_kind"] = best[1] if best[0] <= tol_px else None
    return truths, ~on.any(axis=0)


def score(
    detections: list[Detection],
    marks: list[Mark],
    shape: tuple[int, int],
    resolution_m: float,
    origin_m: tuple[float, float] = (0.0, 0.0),
    min_area_m2: float = 1.0,
    tol_px: float = 2.0,
) -> Score:
    """Score ``detections`` against the marks of ``min_area_m2`` and more in the frame
    (:func:`match`)."""
    truths, false = match(detections, marks, shape, resolution_m, origin_m, tol_px)
    counted = [t for t in truths if t["area_m2"] >= min_area_m2]
    found = [t for t in counted if t["found_kind"] is not None]
    return Score(
        len(counted),
        len(found),
        len(detections),
        int(false.sum()),
        [t["error_px"] for t in found],
        [(t["kind"], t["found_kind"]) for t in found],
    )


# The kinds a detection of each truth kind may be named.  The parachute's mark lies
# against the backshell's and merges with it when it darkens the ground (the region is
# reported as the backshell); a canopy brighter than the ground is found on its own, a
# brightened region, as the parachute (see skycrane.imaging.classify).  A secondary
# lying on the crash's fan is found in the crash's region (its group), the main crash.
EXPECTED_KIND = {
    "parachute": ("backshell", "parachute"),
    "secondary": ("secondary", "main_crash"),
}


@dataclass(frozen=True, slots=True)
class SiteStats:
    """Totals of :func:`score` over many rendered sites (see :func:`evaluate_sites`)."""

    n_sites: int
    n_truth: int
    n_found: int
    n_detections: int
    n_false: int
    position_errors_px: list[float]
    confusion: dict[tuple[str, str], int]  # (truth kind, detected kind) -> found marks
    worst_recall: float

    @property
    def recall(self) -> float:
        """Fraction of truth marks >= 1 m^2 found."""
        return self.n_found / self.n_truth if self.n_truth else 1.0

    @property
    def false_fraction(self) -> float:
        """Fraction of detections that are false."""
        return self.n_false / self.n_detections if self.n_detections else 0.0

    def accuracy(self, kind: str) -> tuple[int, int]:
        """``(correct, found)`` marks of truth ``kind``; correct when classified as expected."""
        expected = EXPECTED_KIND.get(kind, (kind,))
        found = sum(n for (t, _), n in self.confusion.items() if t == kind)
        return sum(self.confusion.get((kind, e), 0) for e in expected), found


def evaluate_sites(
    seeds,
    size_px: int = 800,
    resolution_m: float = 0.25,
    before: OrbitalPass = OrbitalPass(),
    after: OrbitalPass = OrbitalPass(),
) -> SiteStats:
    """Render :func:`~skycrane.imaging.debris.random_site` for each seed, detect and score.

    Each seed gives one ``size_px`` square pair at ``resolution_m`` seen by the
    ``before`` and ``after`` passes (sun, pointing error, radiometry).
    """
    n = [0, 0, 0, 0, 0]
    errors: list[float] = []
    confusion: dict[tuple[str, str], int] = {}
    worst = 1.0
    for seed in seeds:
        rng = np.random.default_rng(seed)
        side_m = size_px * resolution_m
        marks = random_site(rng, side_m, side_m)
        pair = render_pair(rng, marks, (size_px, size_px), resolution_m, before, after)
        found = detect(pair.before, pair.after, resolution_m, suns=(before, after))
        s = score(found, marks, (size_px, size_px), resolution_m)
        for i, v in enumerate((1, s.n_truth, s.n_found, s.n_detections, s.n_false)):
            n[i] += v
        errors += s.position_errors_px
        worst = min(worst, s.recall)
        for pair_kinds in s.kinds:
            confusion[pair_kinds] = confusion.get(pair_kinds, 0) + 1
    return SiteStats(*n, errors, confusion, worst)


def score_truth_file(
    detections: list[Detection],
    path: str | Path,
    shape: tuple[int, int],
    resolution_m: float,
    centre_m: tuple[float, float] = (0.0, 0.0),
) -> dict:
    """Score detections against a ``truth.json`` (as :func:`~skycrane.imaging.render.write_pair`
    writes): recall of marks >= 1 m^2, false detections, position errors and kinds.

    The truth marks' footprints are drawn on the image's grid, whose centre lies at
    ``centre_m`` in the marks' frame (the sidecar's ``centre_x_m``, ``centre_y_m``).

    Raises
    ------
    InputError
        When the file is missing or is not a list of marks.
    """
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        fields = Mark.__dataclass_fields__
        marks = [Mark(**{k: v for k, v in t.items() if k in fields}) for t in doc]
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise InputError("--truth", str(path), f"a truth.json list of marks ({exc})") from None
    s = score(detections, marks, shape, resolution_m, centre_m)
    by_kind: dict[str, dict[str, int]] = {}
    for truth_kind, found_kind in s.kinds:
        entry = by_kind.setdefault(truth_kind, {"found": 0, "named_right": 0})
        entry["found"] += 1
        entry["named_right"] += found_kind in EXPECTED_KIND.get(truth_kind, (truth_kind,))
    errors = np.asarray(s.position_errors_px)
    return {
        "marks_1m2": s.n_truth,
        "found": s.n_found,
        "recall": s.recall,
        "detections": s.n_detections,
        "false_detections": s.n_false,
        "position_error_median_px": float(np.median(errors)) if errors.size else None,
        "position_error_max_px": float(errors.max()) if errors.size else None,
        "by_kind": by_kind,
    }
