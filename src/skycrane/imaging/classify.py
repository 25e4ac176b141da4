"""What made each darkened region: classification by size, shape, darkening and layout.

The rules follow the physics of :mod:`skycrane.imaging.debris`; every number is a
field of :class:`skycrane.imaging.params.DetectParams`.

1. **Secondaries** are small: regions under ``secondary_max_area_m2``.
2. **Main crash**: among large (``large_min_area_m2``), not faint regions, the one
   that maximises the closeness-weighted (inverse distance) number of small regions in a cone of
   half-angle ``cone_half_angle_deg`` around their mean bearing (within
   ``cone_reach`` region diameters), times its darkening, times
   ``1 + fan_weight * opening`` where *opening* is the correlation of the region's
   width with distance along that bearing (a fan widens downrange).  The mean
   bearing is the *downrange* direction.
3. Around the main crash: fragments leave the impact point (the fan's uprange end)
   with azimuths scattered by ~15 degrees about the direction of travel, so every
   region under ``balance_max_area_m2`` inside the debris cone of half-angle
   ``debris_cone_half_angle_deg`` (3 sigma) is a secondary, and small regions of at
   least ``balance_min_area_m2`` *outside* it cannot be fragments: they are balance
   masses.  (A balance mass inside the debris cone would be called a secondary; real
   ones land kilometres from the crash.)
4. **Blast zone**: large (``blast_min_area_m2``), round, faint regions (the plume
   only scours a thin dust layer).
5. The rest is single hardware, split by the energy of its impact, which fixes the
   size of its mark (``C E^(1/3)``): the **heat shield** hits at its terminal speed
   (80-105 m/s, 1.2-2.4 MJ, marks over ~1000 m^2), so regions of at least
   ``heat_shield_min_area_m2`` are heat shields; the **backshell** comes down under
   its parachute (25-36 m/s, 0.1-0.4 MJ, 230-470 m^2) with the canopy lying against
   it: regions of at least ``backshell_min_area_m2`` that are elongated (eccentricity
   ``backshell_min_eccentricity``, a canopy that darkened the ground with them) or
   have a brightened canopy (below) against them are backshells; tungsten **balance
   masses** make small craters (5-20 m^2) and regions under ``balance_max_area_m2``
   are balance masses.
   Anything else stays ``hardware``.

Regions that **brightened** (:func:`classify_brightened`) are what landed on the dust,
not what disturbed it: the parachute's canopy and fresh hardware, brighter than the
dusty ground (HiRISE colour view of Curiosity's white parachute beside the backshell's
darkened impact, NASA/JPL-Caltech/Univ. of Arizona PIA16142, McEwen, HiRISE release
"Curiosity on the Move", 6 September 2012).  The canopy (21.5 m across, lying folded,
a few tens of m^2) is the largest bright thing: regions of at least
``parachute_min_area_m2`` are the
``parachute``; smaller ones (rover, descent stage, backshell: 3-4.5 m across) are
``hardware``.
"""

from __future__ import annotations

import math

import numpy as np

from skycrane.imaging.params import DetectParams

CLASSES = (
    "main_crash",
    "secondary",
    "heat_shield",
    "backshell",
    "balance_mass",
    "blast_zone",
    "hardware",
    "parachute",
)


def fan_opening(prop, direction: np.ndarray) -> float:
    """Correlation of a region's width with distance along ``direction`` (> 0: opens that way).

    ``direction`` is a unit ``(drow, dcol)`` vector.
    """
    coords = prop.coords.astype(np.float64) - prop.centroid
    along = coords @ direction
    across = np.abs(coords @ np.array([-direction[1], direction[0]]))
    if along.size < 3 or along.std() == 0.0 or across.std() == 0.0:
        return 0.0
    return float(np.corrcoef(along, across)[0, 1])


def _downrange(
    props: list, centroids: np.ndarray, i: int, small: list[int], params: DetectParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Mean bearing of the small regions near region ``i``, their offsets and distances."""
    size = float(props[i].equivalent_diameter_area)
    vecs = (centroids[small] - centroids[i]).reshape(-1, 2)
    dist = np.hypot(vecs[:, 0], vecs[:, 1])
    keep = (dist > 0.0) & (dist < params.cone_reach * size)
    if not keep.any():
        return None
    mean = (vecs[keep] / dist[keep, None]).sum(axis=0)
    if not np.any(mean):
        return None
    return mean / np.hypot(*mean), vecs[keep], dist[keep]


def _main_crash(
    props: list, centroids: np.ndarray, areas_m2: np.ndarray, small: list[int], params: DetectParams
):
    """Index of the main crash and its downrange unit vector ``(drow, dcol)``, or None."""
    cone = math.cos(math.radians(params.cone_half_angle_deg))
    best, best_score, best_axis = None, 0.0, None
    for i, p in enumerate(props):
        if areas_m2[i] < params.large_min_area_m2 or p.intensity_mean < params.blast_max_darkening:
            continue  # too small, or too faint for a crash
        found = _downrange(props, centroids, i, small, params)
        if found is None:
            continue
        mean, vecs, dist = found
        size = float(p.equivalent_diameter_area)
        # Secondaries cluster downrange of the impact point: sum their closeness (inverse
        # distance, capped at the region's own size) inside the cone around their mean
        # bearing.  Not in units of the region's size: their density falls with distance
        # from the impact whatever the size of its mark, and a scale that grew with the
        # region gave a heat shield beside the fragments' field twice the fan's weight.
        weight = 1.0 / np.maximum(dist, size)
        inside = (vecs / dist[:, None]) @ mean > cone
        score = float(np.sum(weight[inside])) * float(p.intensity_mean)
        score *= 1.0 + params.fan_weight * max(fan_opening(p, mean), 0.0)
        if score > best_score:
            best, best_score, best_axis = i, score, mean
    return None if best is None else (best, best_axis)


def _beside_canopy(prop, canopies: list, resolution_m: float, params: DetectParams) -> bool:
    """Whether a brightened region of a canopy's size (:func:`classify_brightened`) lies
    against ``prop``: centroids closer than the sum of the two regions' radii plus 1 m."""
    for canopy in canopies:
        if canopy.area * resolution_m**2 < params.parachute_min_area_m2:
            continue
        gap = np.hypot(*(np.asarray(prop.centroid) - np.asarray(canopy.centroid)))
        reach = 0.5 * (prop.axis_major_length + canopy.axis_major_length) + 1.0 / resolution_m
        if gap <= reach:
            return True
    return False


def classify(
    props: list, resolution_m: float, params: DetectParams, brightened: list = ()
) -> list[str]:
    """Kind of each region (:data:`CLASSES`) from ``skimage.measure.regionprops``.

    ``props`` must carry the darkening map as intensity image; ``brightened`` are the
    regions that brightened (a canopy among them names the backshell beside it).  See
    the module docstring for the rules.
    """
    areas = np.array([p.area for p in props], dtype=np.float64) * resolution_m**2
    centroids = np.array([p.centroid for p in props], dtype=np.float64).reshape(-1, 2)
    kinds = ["hardware"] * len(props)
    small = [i for i in range(len(props)) if areas[i] < params.secondary_max_area_m2]
    for i in small:
        kinds[i] = "secondary"
    crash = _main_crash(props, centroids, areas, small, params)
    if crash is not None:
        main, axis = crash
        # Fragments leave from the impact point, the fan's uprange end, not its centroid.
        coords = props[main].coords.astype(np.float64)
        origin = coords[np.argmin(coords @ axis)]
        cone = math.cos(math.radians(params.debris_cone_half_angle_deg))
        offsets = centroids - origin
        dists = np.hypot(offsets[:, 0], offsets[:, 1])
        for j in range(len(props)):
            if j == main or dists[j] == 0.0:
                continue
            in_cone = float(offsets[j] @ axis) / dists[j] > cone
            if kinds[j] == "hardware" and areas[j] < params.balance_max_area_m2 and in_cone:
                kinds[j] = "secondary"
            elif kinds[j] == "secondary" and not in_cone:
                if areas[j] >= params.balance_min_area_m2:
                    kinds[j] = "balance_mass"
    for i, p in enumerate(props):
        if (
            areas[i] >= params.blast_min_area_m2
            and p.eccentricity < params.blast_max_eccentricity
            and p.intensity_mean < params.blast_max_darkening
        ):
            kinds[i] = "blast_zone"
    if crash is not None:
        kinds[crash[0]] = "main_crash"
    for i, p in enumerate(props):
        if kinds[i] != "hardware":
            continue
        if areas[i] >= params.heat_shield_min_area_m2:
            kinds[i] = "heat_shield"
        elif areas[i] >= params.backshell_min_area_m2 and (
            p.eccentricity >= params.backshell_min_eccentricity
            or _beside_canopy(p, brightened, resolution_m, params)
        ):
            kinds[i] = "backshell"
        elif areas[i] < params.balance_max_area_m2:
            kinds[i] = "balance_mass"
    return kinds


def classify_brightened(props: list, resolution_m: float, params: DetectParams) -> list[str]:
    """Kind of each region that brightened: ``parachute`` or ``hardware`` (module docstring)."""
    return [
        "parachute" if p.area * resolution_m**2 >= params.parachute_min_area_m2 else "hardware"
        for p in props
    ]
