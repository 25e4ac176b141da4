"""One reduction of a batch's kernel output into named columns, one row per case.

Everything a flight's outcome says beyond its trajectory is computed here,
once, vectorised over the cases of a batch: the Monte Carlo table is
:attr:`Columns.table` (``skycrane.montecarlo``), and a single run's
:class:`skycrane.results.Result` is a one-row view of :class:`Columns` plus its
trajectory. Conditions at events come from the kernel's own right-hand side
(:func:`skycrane.propagate.derived.derived_cases`), with each case's
parameters, so they can never disagree with what the integration flew.

Table columns (every name carries its unit; times are seconds from the case's
own entry interface):

``status`` (kernel code, 0 = flight complete), ``failure`` (the reason in
words, empty when the landing succeeded: the kernel's status and every
:data:`LIMITS` entry the case exceeded);
``<event>.t_s|altitude_m|altitude_above_ground_m|speed_m_s|mach|dynamic_pressure_pa`` for every
sequence, guidance and peak event and the descent stage's impact (NaN where it
did not happen; ``altitude_above_ground_m`` is above the target's ground);
``peak.<quantity>`` and ``heat_load_j_cm2`` (convective + radiative), and the
heating pulses' columns (:mod:`skycrane.reduction_heating`);
``touchdown.vertical_speed_m_s|horizontal_speed_m_s|miss_distance_m`` and
``propellant_remaining_kg``; for a capsule landing on ``[vehicle.airbags]`` the
landing's columns (:data:`skycrane.landing_airbag.AIRBAG_COLUMNS`: the surface
wind, the bags' peak deceleration, stroke, bottoming speed, the rebound and the
slide);
``body.<name>.east_m|north_m|latitude_deg|longitude_deg|distance_from_rover_m|
impact_speed_m_s|surface`` for the rover, the descent stage and every jettisoned body
(``surface``: ``"land"`` or ``"ocean"`` under the rest point on Earth, None on Mars).
East/north are the azimuthal-equidistant coordinates of the rest point about
the target (great-circle distance along the initial bearing; exact distances
from the target however far the body fell).

Detail columns (the single run's view; not in the table): the start of the
flight (``simulation_start`` or ``entry_interface``) and a ground impact
before the bridles are cut (``surface_impact``) as events;
``<event>.airspeed_m_s|latitude_deg|longitude_deg|flight_path_angle_deg|
heading_deg|mass_kg``; ``body.<name>.bearing_from_rover_deg|t_separation_s|
t_rest_s|status|impact_angle_deg|impact_azimuth_deg``; ``limits_exceeded``
(tuple of reasons), ``t_entry_s`` (the entry interface on the kernel's clock)
and ``n_steps``.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

import numpy as np

from skycrane.contract import layout as L
from skycrane.contract.columns import BODY_COLUMNS, EVENT_COLUMNS
from skycrane.landing_airbag import airbag_columns
from skycrane.missions.loader import Mission
from skycrane.planets import east_north_m, great_circle, lla_from_pf, local_from_velocity_pf
from skycrane.planets.surface import has_sea, surface_kind
from skycrane.propagate.derived import derived_cases
from skycrane.propagate.kernel import RawBatch
from skycrane.reduction_heating import heating_columns
from skycrane.sequence.bodies import BodyFlights
from skycrane.sequence.build import Batch
from skycrane.sequence.orbit_start import with_burn_ends

__all__ = [
    "BODY_FIELDS",
    "EVENT_FIELDS",
    "INTERNAL_EVENTS",
    "LIMITS",
    "PEAK_NAMES",
    "PEAK_SCALE",
    "Columns",
    "Limit",
    "body_names",
    "event_slots",
    "reduce_batch",
    "sequence_events",
]

INTERNAL_EVENTS = L.PUBLIC_EVENTS
"""Events the kernel's flight software records (slot -> name), as declared in contract.fields."""
PEAK_NAMES = {ev: (public, key) for ev, (public, key, _) in L.PEAKS.items()}
"""Peak events: slot -> (event name, quantity key of ``peak.<key>``)."""
PEAK_SCALE = {ev: scale for ev, (_, _, scale) in L.PEAKS.items()}
"""SI peak value to its reported unit (heat rate W/cm², deceleration Earth g)."""

GROUND_EVENTS = ("descent_stage_impact", "surface_impact")
"""Names of the main vehicle's ground impact: after the bridles are cut, or before."""

EVENT_FIELDS = tuple(c.name for c in EVENT_COLUMNS if c.table)
"""Per-event table columns (declared in contract.columns)."""
EVENT_DETAIL_FIELDS = tuple(c.name for c in EVENT_COLUMNS if not c.table)
"""Per-event detail columns (the single run's timeline)."""
BODY_FIELDS = tuple(c.name for c in BODY_COLUMNS if c.table)
"""Per-body table columns."""


@dataclass(frozen=True, slots=True)
class Limit:
    """A qualification limit checked on every flown case.

    Attributes
    ----------
    name : str
        Short identifier.
    column : str
        The column whose value must not exceed the limit.
    key : str
        Dotted path of the limit in the mission spec (``mission.spec.<key>``).
    wording : str
        The reason given when a case exceeds it; formatted with ``limit``.
        Fixed per mission (no flown value), so that failures count by reason.
    phase : str
        The phase of flight it judges.
    """

    name: str
    column: str
    key: str
    wording: str
    phase: str

    def limit(self, mission: Mission) -> float:
        """The limit's value for ``mission``."""
        return float(operator.attrgetter(self.key)(mission.spec))

    def reason(self, mission: Mission) -> str:
        """The reason in words for ``mission``."""
        return self.wording.format(limit=operator.attrgetter(self.key)(mission.spec))


LIMITS = (
    Limit(
        "parachute_deploy_mach",
        "parachute_deploy.mach",
        "parachute.mach_max",
        "parachute deployed outside its qualified envelope: above Mach {limit}",
        "parachute deploy",
    ),
    Limit(
        "parachute_deploy_dynamic_pressure",
        "parachute_deploy.dynamic_pressure_pa",
        "parachute.dynamic_pressure_max_pa",
        "parachute deployed outside its qualified envelope: above {limit:.0f} Pa",
        "parachute deploy",
    ),
    Limit(
        "touchdown_vertical_speed",
        "touchdown.vertical_speed_m_s",
        "rover.touchdown_vertical_speed_max_m_s",
        "touchdown faster than the rover's landing system allows: above {limit} m/s down",
        "touchdown",
    ),
    Limit(
        "touchdown_horizontal_speed",
        "touchdown.horizontal_speed_m_s",
        "rover.touchdown_horizontal_speed_max_m_s",
        "touchdown faster than the rover's landing system allows: above {limit} m/s horizontal",
        "touchdown",
    ),
    Limit(
        "surface_wind",
        "touchdown.surface_wind_m_s",
        "vehicle.airbags.surface_wind_max_m_s",
        "surface wind above the landing rules' limit: above {limit} m/s",
        "touchdown",
    ),
)
"""Every envelope check: the single run's warnings and the Monte Carlo's failure reasons.

A touchdown above the rover's limits is a crash, not a landing: the rover is
reported ``crashed``, never ``at rest`` (issue 19, honest outcomes)."""

LANDING_LIMITS = frozenset({"touchdown_vertical_speed", "touchdown_horizontal_speed"})
"""The :data:`LIMITS` whose violation means the rover crashed."""
EARLY_GROUND = "the rover reached the ground before powered descent began"
NO_TOUCHDOWN = "the flight ended without a touchdown"
PROPELLANT_BOOKS = "propellant at touchdown below zero or above what was loaded"
BOTTOMED = "the airbags ran out of stroke: the capsule's structure met the ground"
"""Failure reasons of a flight the kernel completed but that did not land (fixed wording,
so that a Monte Carlo counts them by reason)."""


@dataclass(frozen=True, slots=True)
class Columns:
    """The reduced output of a batch: named columns of one row per case.

    Attributes
    ----------
    table : dict of str to numpy.ndarray
        The Monte Carlo table's columns, in the table's order (module docstring).
    detail : dict of str to numpy.ndarray
        Further columns a single run's view needs (module docstring).
    event_order : tuple of str
        Every event name with columns, in the order a timeline lists events
        that happen at the same time.
    body_order : tuple of str
        Every body name with columns, first-pass bodies first.
    """

    table: dict[str, np.ndarray]
    detail: dict[str, np.ndarray]
    event_order: tuple[str, ...]
    body_order: tuple[str, ...]

    def __contains__(self, name: str) -> bool:
        return name in self.table or name in self.detail

    def __getitem__(self, name: str) -> np.ndarray:
        """The column called ``name``, from the table or the detail."""
        return self.table[name] if name in self.table else self.detail[name]


def event_slots(batch: Batch) -> list[tuple[str, int]]:
    """(table name, event slot) of every event a row records, in slot order."""
    slots = [(name, L.EV_SEQ0 + k) for k, name in enumerate(batch.event_names)]
    slots += [(name, ev) for ev, name in INTERNAL_EVENTS.items()]
    slots += [(name, ev) for ev, (name, _) in PEAK_NAMES.items()]
    slots.append((GROUND_EVENTS[0], L.EV_GROUND))
    return sorted(slots, key=lambda item: item[1])


def body_names(batch: Batch, mission: Mission) -> list[str]:
    """Every body a row has columns for: jettisoned bodies, their fragments, the descent stage."""
    names = list(batch.body_names)
    for name in batch.body_names:
        body = mission.spec.bodies.get(name)
        if body is not None and body.breakup is not None:
            names += [f"{name}/{frag}" for frag in body.breakup.fragments]
    if mission.spec.powered_descent is not None:
        names.append("descent_stage")
    return names


def _start_event(batch: Batch, mission: Mission) -> str | None:
    """The timeline's first point when no fired event marks it (flown from ``batch.y0``).

    None when a sequence event is timed at the start itself (Mars 2020's
    cruise-stage separation at E-600 s): that event already is the first point,
    and a second name at the same instant would list the start twice.
    """
    sequence = mission.spec.sequence
    if sequence is not None and any(
        ev.trigger == "time" and ev.t_s == sequence.start_t_s for ev in sequence.events
    ):
        return None
    if batch.t0_s < 0.0:
        return "simulation_start"
    if "entry_interface" not in batch.event_names:
        return "entry_interface"
    return None


def _event_order(batch: Batch, mission: Mission) -> tuple[str, ...]:
    """Start, sequence, flight-software, peak and ground events: a timeline's tie order."""
    start = _start_event(batch, mission)
    return (
        *(() if start is None else (start,)),
        *batch.event_names,
        *INTERNAL_EVENTS.values(),
        *(name for name, _ in PEAK_NAMES.values()),
        *GROUND_EVENTS,
    )


def reduce_batch(
    raw: RawBatch, batch: Batch, mission: Mission, flights: BodyFlights | None
) -> Columns:
    """Reduce a batch's kernel output (and its bodies' flights) to :class:`Columns`."""
    n = raw.status.shape[0]
    table: dict[str, np.ndarray] = {"status": raw.status.astype(np.int64)}
    detail: dict[str, np.ndarray] = {"n_steps": raw.n_steps.copy()}
    fired = raw.event_fired
    t_e = np.zeros(n)
    if "entry_interface" in batch.event_names:
        slot = L.EV_SEQ0 + batch.event_names.index("entry_interface")
        t_e = np.where(fired[:, slot], raw.event_t_s[:, slot], 0.0)
    detail["t_entry_s"] = t_e
    _events(raw, batch, mission, t_e, table, detail)
    for ev, (_, key) in PEAK_NAMES.items():
        value = raw.event_value[:, ev] * PEAK_SCALE.get(ev, 1.0)
        if ev == L.EV_PEAK_CHUTE_LOAD:
            value = np.where(value > 0.0, value, np.nan)
        table[f"peak.{key}"] = value
    table["heat_load_j_cm2"] = raw.y_end[:, L.S_HEAT_LOAD] / 1e4
    heating_columns(raw, batch.params, batch.model, t_e, table, detail)
    bodies: tuple[str, ...] = ()
    if flights is not None and (mission.spec.powered_descent is not None or lands_itself(mission)):
        bodies = _hardware(raw, batch, mission, flights, t_e, table, detail)
        if lands_itself(mission) and mission.spec.vehicle.airbags is not None:
            airbag_columns(raw, batch, mission, table)
    exceeded = _limits_exceeded(table, mission)
    detail["limits_exceeded"] = exceeded
    phase = _phase_at(raw, batch, mission)
    failures = _landing_failures(raw, mission, table, phase)
    crashed = _crashed(mission, exceeded, failures)
    if "propellant_remaining_kg" in table:  # no balance to report for a rover that fell
        books = [any(r.endswith((EARLY_GROUND, PROPELLANT_BOOKS)) for r in f) for f in failures]
        table["propellant_remaining_kg"] = np.where(books, np.nan, table["propellant_remaining_kg"])
    reasons = []
    for i in range(n):
        status = int(raw.status[i])
        kernel = [f"during {phase(i, np.inf)}: {L.STATUS_TEXT[status]}"] if status else []
        reasons.append(kernel + list(exceeded[i]) + list(failures[i]))
    table["failure"] = np.array(["; ".join(r) for r in reasons], dtype=object)
    detail["failure_phase"] = np.array(
        [_phase_of(r[0], phase(i, np.inf)) if r else "" for i, r in enumerate(reasons)],
        dtype=object,
    )
    if "body.rover.status" in detail:
        status = detail["body.rover.status"]
        detail["body.rover.status"] = np.where(crashed & (status != None), "crashed", status)  # noqa: E711
    return Columns(table, detail, _event_order(batch, mission), bodies)


def _phase_of(reason: str, end_phase: str) -> str:
    """The phase of flight a failure reason names (its "during ..." prefix, or its limit's)."""
    if reason.startswith("during "):
        return reason[len("during ") : reason.index(":")]
    for lim in LIMITS:
        if reason.startswith(lim.wording.split("{")[0]):
            return lim.phase
    return end_phase


def _phase_at(raw: RawBatch, batch: Batch, mission: Mission):
    """A function ``phase(i, t_s)``: the phase of flight case ``i`` was in at kernel time ``t_s``.

    The phase is the latest of these to have begun by then: cruise (the start),
    entry (the entry interface), parachute descent (the deploy), powered
    descent, sky crane, flyaway (the bridles cut).
    """
    starts = [
        ("entry", _seq_slot(batch, mission, lambda ev: ev.name == "entry_interface")),
        ("parachute descent", _seq_slot(batch, mission, lambda ev: ev.parachute == "deploy")),
        ("powered descent", L.EV_POWERED_APPROACH),
        ("sky crane", L.EV_SKY_CRANE),
        ("flyaway", L.EV_BRIDLES_CUT),
    ]
    starts = [(name, slot) for name, slot in starts if slot is not None]
    fired = raw.event_fired
    times = raw.event_t_s

    def phase(i: int, t_s: float) -> str:
        began = [(times[i, s], name) for name, s in starts if fired[i, s] and times[i, s] <= t_s]
        return max(began)[1] if began else "cruise"

    return phase


def _landing_failures(raw: RawBatch, mission: Mission, table: dict, phase) -> np.ndarray:
    """Per case, why a flight the kernel completed did not land (empty tuple: it did).

    A landing needs a touchdown (a flight the kernel ends without one did not
    land), after powered descent began (a rover that meets the ground earlier,
    e.g. on bridles longer than the altitude it flew at, fell), with a
    propellant balance within what was loaded.
    """
    n = raw.status.shape[0]
    out = [[] for _ in range(n)]
    if mission.spec.powered_descent is not None:
        fired = raw.event_fired
        td = fired[:, L.EV_TOUCHDOWN]
        t_td = raw.event_t_s[:, L.EV_TOUCHDOWN]
        t_pd = np.where(
            fired[:, L.EV_POWERED_APPROACH], raw.event_t_s[:, L.EV_POWERED_APPROACH], np.inf
        )
        for i in np.flatnonzero(td & (t_td < t_pd)):
            out[i].append(f"during {phase(i, raw.event_t_s[i, L.EV_TOUCHDOWN])}: {EARLY_GROUND}")
        if not any(ev.stop for ev in sequence_events(mission)):  # no planned earlier end
            for i in np.flatnonzero((raw.status == L.ST_STOPPED) & ~td):
                out[i].append(f"during {phase(i, np.inf)}: {NO_TOUCHDOWN}")
        prop = table.get("propellant_remaining_kg")
        if prop is not None:
            loaded = mission.spec.powered_descent.propellant_kg
            tol = 1e-6 * loaded
            for i in np.flatnonzero(td & ((prop < -tol) | (prop > loaded + tol))):
                out[i].append(PROPELLANT_BOOKS)
    if lands_itself(mission):
        for i, reason in _reefed_at_touchdown(raw, mission):
            out[i].append(reason)
    for i in np.flatnonzero(table.get("touchdown.airbag_bottoming_speed_m_s", np.zeros(n)) > 0.0):
        out[i].append(BOTTOMED)
    return _tuples(out)


def _reefed_at_touchdown(raw: RawBatch, mission: Mission) -> list[tuple[int, str]]:
    """(case, reason) of each capsule that touched down under a cluster still reefed.

    A reefing stage longer than the descent leaves the canopies partly closed at
    the ground: a landing faster than the design's, reported as a failure.
    """
    events = sequence_events(mission)
    clusters = mission.spec.parachute_clusters
    fired = raw.event_fired
    t_td = np.where(fired[:, L.EV_TOUCHDOWN], raw.event_t_s[:, L.EV_TOUCHDOWN], np.nan)
    out = []
    for k, ev in enumerate(events):
        spec = clusters.get(ev.deploy_parachutes) if ev.deploy_parachutes else None
        if spec is None or not spec.reefing:
            continue
        released = [j for j, e in enumerate(events) if e.release_parachutes == ev.deploy_parachutes]
        slot = L.EV_SEQ0 + k
        t_open = raw.event_t_s[:, slot] + spec.line_stretch_s + spec.reefing[-1].disreef_s
        still = fired[:, slot] & (t_td < t_open)
        for j in released:  # cut away before the ground: not landed under
            still &= ~(fired[:, L.EV_SEQ0 + j] & (raw.event_t_s[:, L.EV_SEQ0 + j] < t_td))
        for i in np.flatnonzero(still):
            out.append(
                (
                    int(i),
                    f"the {ev.deploy_parachutes} were still reefed at touchdown: fully open "
                    f"{t_open[i] - raw.event_t_s[i, slot]:.0f} s after their deploy, the ground "
                    f"reached after {t_td[i] - raw.event_t_s[i, slot]:.0f} s",
                )
            )
    return out


def _crashed(mission: Mission, exceeded: np.ndarray, failures: np.ndarray) -> np.ndarray:
    """Per case, whether the rover's meeting with the ground was a crash, not a landing."""
    words = {
        lim.reason(mission) for lim in LIMITS if lim.name in LANDING_LIMITS and _has(mission, lim)
    }
    return np.array(
        [bool(set(e) & words) or bool(f) for e, f in zip(exceeded, failures, strict=True)],
        dtype=bool,
    )


def sequence_events(mission: Mission) -> tuple:
    """The mission's ``[[sequence.events]]`` as flown, each burn followed by its end event
    (none for an entry-only flight)."""
    sequence = mission.spec.sequence
    return () if sequence is None else tuple(with_burn_ends(sequence.events))


def _tuples(rows: list[list[str]]) -> np.ndarray:
    """One tuple per case in an object array (never broadcast as a sequence)."""
    arr = np.empty(len(rows), dtype=object)
    for i, reasons in enumerate(rows):
        arr[i] = tuple(reasons)
    return arr


def _seq_slot(batch: Batch, mission: Mission, match) -> int | None:
    """Event slot of the first sequence event ``match(event spec)`` accepts, None if none does."""
    for ev in sequence_events(mission):
        if match(ev) and ev.name in batch.event_names:
            return L.EV_SEQ0 + batch.event_names.index(ev.name)
    return None


def _has(mission: Mission, lim: Limit) -> bool:
    """Whether the mission has the section a limit's key lives in (an entry-only flight has
    no rover)."""
    try:
        lim.limit(mission)
    except AttributeError:
        return False
    return True


def _events(raw: RawBatch, batch: Batch, mission: Mission, t_e, table, detail) -> None:
    """Conditions at every event, in each case's own atmosphere and winds."""
    n = raw.status.shape[0]
    fired = raw.event_fired
    slots = event_slots(batch)
    idx = np.array([s for _, s in slots])
    ys = np.where(fired[:, idx, None], raw.event_y[:, idx], np.nan)
    t_ev = raw.event_t_s[:, idx] - t_e[:, None]
    oks = [fired[:, s] for _, s in slots]
    names = [name for name, _ in slots]
    cut = fired[:, L.EV_BRIDLES_CUT]
    j_ground = idx.tolist().index(L.EV_GROUND)
    oks[j_ground] = fired[:, L.EV_GROUND] & cut
    start = _start_event(batch, mission)
    # detail events: a ground impact before the cut, the start of the flight
    capsule = batch.params[:, L.P_GROUND_OK] > 1.0  # its ground contact is its touchdown
    extra = [(GROUND_EVENTS[1], j_ground, fired[:, L.EV_GROUND] & ~cut & ~capsule)]
    if start is not None:
        ys = np.concatenate([ys, batch.y0[:, None, :]], axis=1)
        t_ev = np.concatenate([t_ev, (batch.t0_s - t_e)[:, None]], axis=1)
        extra.append((start, ys.shape[1] - 1, np.ones(n, dtype=bool)))
    aux = derived_cases(ys, batch.params, batch.model)
    lat, lon, _ = lla_from_pf(ys[..., 0:3], mission.planet)
    _, fpa, heading = local_from_velocity_pf(ys[..., 3:6], lat, lon, mission.planet)
    ground = batch.params[:, L.P_GROUND_ALT_M]
    nan = np.full(n, np.nan)
    rows = [(name, j, ok, table) for j, (name, ok) in enumerate(zip(names, oks, strict=True))]
    for name, j, ok, out in rows + [(name, j, ok, detail) for name, j, ok in extra]:
        out[f"{name}.t_s"] = np.where(ok, t_ev[:, j], nan)
        out[f"{name}.altitude_m"] = np.where(ok, aux[:, j, L.A_ALT_M], nan)
        out[f"{name}.altitude_above_ground_m"] = np.where(ok, aux[:, j, L.A_ALT_M] - ground, nan)
        out[f"{name}.speed_m_s"] = np.where(ok, aux[:, j, L.A_SPEED_M_S], nan)
        out[f"{name}.mach"] = np.where(ok, aux[:, j, L.A_MACH], nan)
        out[f"{name}.dynamic_pressure_pa"] = np.where(ok, aux[:, j, L.A_DYN_PRESSURE_PA], nan)
        detail[f"{name}.airspeed_m_s"] = np.where(ok, aux[:, j, L.A_AIRSPEED_M_S], nan)
        detail[f"{name}.latitude_deg"] = np.where(ok, lat[:, j], nan)
        detail[f"{name}.longitude_deg"] = np.where(ok, lon[:, j], nan)
        detail[f"{name}.flight_path_angle_deg"] = np.where(ok, fpa[:, j], nan)
        detail[f"{name}.heading_deg"] = np.where(ok, heading[:, j], nan)
        detail[f"{name}.mass_kg"] = np.where(ok, ys[:, j, L.S_MASS], nan)


def _limits_exceeded(table: dict, mission: Mission) -> np.ndarray:
    """Per case, the reasons (:data:`LIMITS` order) of every limit it exceeded."""
    n = table["status"].shape[0]
    out = [[] for _ in range(n)]
    for lim in LIMITS:
        value = table.get(lim.column)
        if value is None or not _has(mission, lim):  # a capsule has no rover limits
            continue
        for i in np.flatnonzero(value > lim.limit(mission)):  # NaN: not flown, not exceeded
            out[i].append(lim.reason(mission))
    return _tuples(out)


def _impact_direction(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flight-path angle below the local horizontal and azimuth (deg) of each row's velocity.

    Local vertical along the planet-fixed position (spherical); east = z x up,
    north = up x east; azimuth clockwise from north in [0, 360).
    """
    r = y[:, 0:3]
    v = y[:, 3:6]
    up = r / np.linalg.norm(r, axis=1)[:, None]
    east = np.cross([0.0, 0.0, 1.0], up)
    east /= np.linalg.norm(east, axis=1)[:, None]
    north = np.cross(up, east)
    v_up = np.sum(v * up, axis=1)
    v_e = np.sum(v * east, axis=1)
    v_n = np.sum(v * north, axis=1)
    angle = np.degrees(np.arctan2(-v_up, np.hypot(v_e, v_n)))
    azimuth = np.degrees(np.arctan2(v_e, v_n)) % 360.0
    return angle, azimuth


def lands_itself(mission: Mission) -> bool:
    """A capsule that lands itself: its own ground (or sea) contact is its touchdown
    (``end_on_ground``), with no descent stage lowering a rover."""
    seq = mission.spec.sequence
    return seq is not None and bool(seq.end_on_ground) and mission.spec.powered_descent is None


def _surfaces(where: dict, planet_name: str) -> dict[str, np.ndarray]:
    """Land or ocean under each body's rest points ``where[name] = (lat_deg, lon_deg)``, in
    one look-up of the GLOBE mask (skycrane.planets.surface); None off Earth (no sea) and
    where a body did not come to rest."""
    n = {name: len(lat) for name, (lat, _) in where.items()}
    if not where or not has_sea(planet_name):
        return {name: np.full(k, None, dtype=object) for name, k in n.items()}
    kinds = surface_kind(
        np.concatenate([lat for lat, _ in where.values()]),
        np.concatenate([lon for _, lon in where.values()]),
    )
    cuts = np.cumsum(list(n.values()))[:-1]
    return dict(zip(where, np.split(kinds, cuts), strict=True))


def _hardware(raw, batch, mission, flights, t_e, table, detail) -> tuple[str, ...]:
    """Touchdown, propellant and where every body came to rest; returns the body order.

    Distances and bearings are from the landed vehicle: the rover (``*_from_rover_*``)
    or, for a capsule that lands itself, the capsule (``*_from_capsule_*``), which is
    then a body of the list, at rest where it touched down.
    """
    n = raw.status.shape[0]
    planet = mission.planet
    fired = raw.event_fired
    td = fired[:, L.EV_TOUCHDOWN]
    y_td = raw.event_y[:, L.EV_TOUCHDOWN]
    r_hat = y_td[:, 0:3] / np.linalg.norm(y_td[:, 0:3], axis=1)[:, None]
    # the wheels' velocity: the stage's less the rover's drop rate below it, along the vertical
    v_td = y_td[:, 3:6] - y_td[:, L.S_ROVER_DROP_RATE_M_S, None] * r_hat
    v_vert = np.sum(v_td * r_hat, axis=1)
    v_horiz = np.linalg.norm(v_td - v_vert[:, None] * r_hat, axis=1)
    p = batch.params
    table["touchdown.vertical_speed_m_s"] = np.where(td, -v_vert, np.nan)
    table["touchdown.horizontal_speed_m_s"] = np.where(td, v_horiz, np.nan)
    table["propellant_remaining_kg"] = np.where(
        td & (mission.spec.powered_descent is not None),
        y_td[:, L.S_MASS] - p[:, L.P_PD0 + L.PDP_DRY_MASS_KG] - p[:, L.P_PD0 + L.PDP_ROVER_MASS_KG],
        np.nan,
    )
    names = np.asarray(flights.name, dtype=object)
    rest: dict[str, np.ndarray] = {}
    for name in body_names(batch, mission):
        y = np.full((n, L.N_STATE), np.nan)
        t_sep = np.full(n, np.nan)
        t_rest = np.full(n, np.nan)
        status = np.full(n, None, dtype=object)
        if name == "descent_stage":
            # a body of its own once the rover has left it (touchdown or cut)
            ok = fired[:, L.EV_GROUND] & (td | fired[:, L.EV_BRIDLES_CUT])
            y[ok] = raw.event_y[ok, L.EV_GROUND]
            t_rest[ok] = raw.event_t_s[ok, L.EV_GROUND] - t_e[ok]
            status[ok] = "at rest"
        else:
            sel = np.flatnonzero(names == name)
            case = flights.case[sel]
            t_sep[case] = flights.t_separation_s[sel] - t_e[case]
            if name == "rover":  # it rests where it touched down
                y[case] = flights.y_separation[sel]
                t_rest[case] = t_sep[case]
                status[case] = "at rest"
            else:
                y[case] = flights.y_rest[sel]
                landed = np.isfinite(flights.t_rest_s[sel])
                t_rest[case] = np.where(landed, flights.t_rest_s[sel] - t_e[case], np.nan)
                status[case] = [
                    "at rest"
                    if ok
                    else ("broke up" if s == 0 else L.STATUS_TEXT.get(int(s), "unknown"))
                    for ok, s in zip(landed, flights.status[sel], strict=True)
                ]
        rest[name] = y
        detail[f"body.{name}.t_separation_s"] = t_sep
        detail[f"body.{name}.t_rest_s"] = t_rest
        detail[f"body.{name}.status"] = status
    if lands_itself(mission):  # the capsule rests where it touched down
        rest["capsule"] = np.where(td[:, None], y_td, np.nan)
        t_td = np.where(td, raw.event_t_s[:, L.EV_TOUCHDOWN] - t_e, np.nan)
        detail["body.capsule.t_separation_s"] = np.full(n, np.nan)
        detail["body.capsule.t_rest_s"] = t_td
        detail["body.capsule.status"] = np.where(td, "at rest", None)
    anchor = "rover" if "rover" in rest else ("capsule" if "capsule" in rest else None)
    if anchor is not None:
        lat_r, lon_r, _ = lla_from_pf(rest[anchor][:, 0:3], planet)
    tgt = mission.spec.target
    radius = planet.mean_radius_m
    where = {name: lla_from_pf(y[:, 0:3], planet)[0:2] for name, y in rest.items()}
    surface = _surfaces(where, planet.name)
    for name, y in rest.items():
        lat, lon = where[name]
        east, north = east_north_m(tgt.latitude_deg, tgt.longitude_deg, lat, lon, radius)
        key = f"body.{name}."
        table[key + "east_m"] = east
        table[key + "north_m"] = north
        table[key + "latitude_deg"] = lat
        table[key + "longitude_deg"] = lon
        if anchor is not None:
            dist, bearing_r = great_circle(lat_r, lon_r, lat, lon, radius)
            table[key + f"distance_from_{anchor}_m"] = dist
            detail[key + f"bearing_from_{anchor}_deg"] = bearing_r
        table[key + "impact_speed_m_s"] = np.linalg.norm(y[:, 3:6], axis=1)
        table[key + "surface"] = surface[name]
        angle, azimuth = _impact_direction(y)
        detail[key + "impact_angle_deg"] = angle
        detail[key + "impact_azimuth_deg"] = azimuth
        if name == anchor:
            miss_m = np.hypot(east, north)  # the great-circle distance (the projection keeps it)
    if anchor is not None:
        table["touchdown.miss_distance_m"] = miss_m
    return tuple(rest)
