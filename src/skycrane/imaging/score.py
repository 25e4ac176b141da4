"""Scoring detections against the truth of a rendered pair.

The truth is the set of connected *blobs* of the truth mask (pixels covered
>= 50 % by a mark); a blob's position is the centroid of its covered pixels and
its area their count.  Blobs closer than ``merge_px`` pixels blur into one region
in any detector, so each blob also has a *group* centroid (all blobs within
``merge_px`` joined).

* a blob is **found** when a detection's centroid lies within ``tol_px`` of the
  blob's centroid or of its group's centroid;
* a detection is **false** when no blob centroid lies within ``tol_px`` and its
  centroid is not on the truth mask either (a piece of a real mark is not false,
  only imprecise).
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
from skycrane.imaging.marks import Mark, pixel_grid, rasterise
from skycrane.imaging.photometry import OrbitalPass
from skycrane.imaging.render import render_pair


@dataclass(frozen=True, slots=True)
class Score:
    """Outcome of :func:`score`."""

    n_truth: int  # blobs with area >= min_area_m2
    n_found: int
    n_detections: int
    n_false: int
    position_errors_px: list[float]  # one per found blob
    kinds: list[tuple[str, str]]  # (dominant truth kind, detected kind) per found blob

    @property
    def recall(self) -> float:
        """Fraction of truth blobs found (1 when there are none)."""
        return self.n_found / self.n_truth if self.n_truth else 1.0

    @property
    def false_fraction(self) -> float:
        """Fraction of detections that are false (0 when there are none)."""
        return self.n_false / self.n_detections if self.n_detections else 0.0


def truth_blobs(
    labels: np.ndarray, marks: list[Mark], resolution_m: float, merge_px: int = 3
) -> list[dict]:
    """Connected truth blobs: centroid ``(row, col)``, ``area_m2``, dominant kind, group centroid.

    Blobs are 8-connected components of the truth mask; a blob's *group* joins it to
    every blob within ``merge_px`` pixels (marks that close blur together in any detector).
    """
    mask = labels > 0
    blob_ids = measure.label(mask, connectivity=2)
    grouped = measure.label(ndimage.binary_dilation(mask, morphology.disk(merge_px)))
    grouped = np.where(mask, grouped, 0)
    group_centroid = {r.label: np.asarray(r.centroid) for r in measure.regionprops(grouped)}
    blobs = []
    for region in measure.regionprops(blob_ids):
        ids = labels[region.slice][region.image]
        counts = np.bincount(ids)
        dominant = marks[int(np.argmax(counts[1:]))]  # label k is marks[k - 1]
        r, c = region.coords[0]
        blobs.append(
            {
                "centroid": np.asarray(region.centroid),
                "group_centroid": group_centroid[int(grouped[r, c])],
                "area_m2": float(region.area) * resolution_m**2,
                "kind": dominant.kind,
            }
        )
    return blobs


def score(
    detections: list[Detection],
    labels: np.ndarray,
    marks: list[Mark],
    resolution_m: float,
    min_area_m2: float = 1.0,
    tol_px: float = 2.0,
) -> Score:
    """Score ``detections`` against the truth label image of a rendered pair."""
    blobs = truth_blobs(labels, marks, resolution_m)
    xs, ys = pixel_grid(labels.shape, resolution_m)
    det_rc = np.array(
        [[(ys[0] - d.y_m) / resolution_m, (d.x_m - xs[0]) / resolution_m] for d in detections]
    ).reshape(-1, 2)
    dist = np.full((det_rc.shape[0], len(blobs)), np.inf)
    for key in ("centroid", "group_centroid"):
        blob_rc = np.array([b[key] for b in blobs]).reshape(-1, 2)
        if det_rc.size and blob_rc.size:
            d = np.hypot(*(det_rc[:, None, :] - blob_rc[None, :, :]).transpose(2, 0, 1))
            dist = np.minimum(dist, d)
    on_mask = ndimage.binary_dilation(labels > 0, iterations=2)
    n_false = 0
    for i, (r, c) in enumerate(det_rc):
        near = dist.shape[1] and dist[i].min() <= tol_px
        ri, ci = round(r), round(c)
        inside = 0 <= ri < labels.shape[0] and 0 <= ci < labels.shape[1] and on_mask[ri, ci]
        if not near and not inside:
            n_false += 1
    n_truth = n_found = 0
    errors: list[float] = []
    kinds: list[tuple[str, str]] = []
    for j, blob in enumerate(blobs):
        if blob["area_m2"] < min_area_m2:
            continue
        n_truth += 1
        if dist.shape[0] and dist[:, j].min() <= tol_px:
            n_found += 1
            i = int(np.argmin(dist[:, j]))
            errors.append(float(dist[i, j]))
            kinds.append((blob["kind"], detections[i].kind))
    return Score(n_truth, n_found, len(detections), n_false, errors, kinds)


# The kinds a detection of each truth kind may be named.  The parachute's mark lies
# against the backshell's and merges with it when it darkens the ground (the region is
# reported as the backshell); a canopy brighter than the ground is found on its own, a
# brightened region, as the parachute (see skycrane.imaging.classify).
EXPECTED_KIND = {"parachute": ("backshell", "parachute")}


@dataclass(frozen=True, slots=True)
class SiteStats:
    """Totals of :func:`score` over many rendered sites (see :func:`evaluate_sites`)."""

    n_sites: int
    n_truth: int
    n_found: int
    n_detections: int
    n_false: int
    position_errors_px: list[float]
    confusion: dict[tuple[str, str], int]  # (truth kind, detected kind) -> found blobs
    worst_recall: float

    @property
    def recall(self) -> float:
        """Fraction of truth blobs >= 1 m^2 found."""
        return self.n_found / self.n_truth if self.n_truth else 1.0

    @property
    def false_fraction(self) -> float:
        """Fraction of detections that are false."""
        return self.n_false / self.n_detections if self.n_detections else 0.0

    def accuracy(self, kind: str) -> tuple[int, int]:
        """``(correct, found)`` blobs of truth ``kind``; correct when classified as expected."""
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
        s = score(
            detect(pair.before, pair.after, resolution_m), pair.truth_labels, marks, resolution_m
        )
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

    The truth marks are rasterised on the image's grid, whose centre lies at ``centre_m``
    in the marks' frame (the sidecar's ``centre_x_m``, ``centre_y_m``).

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
    _, labels, _ = rasterise(marks, shape, resolution_m, origin_m=centre_m)
    s = score(detections, labels, marks, resolution_m)
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
