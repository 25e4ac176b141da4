"""Checks across sections of a mission file: what no single key's bounds can see.

Each raises :class:`~skycrane.missions.fields.KeyProblem` naming the key the
user set: the engines a sky crane keeps must be among those fitted, a body may
not break up into itself, a parachute opens once and before it is released,
a flight samples at most :data:`MAX_SAMPLES` points, and a dispersion may not
draw a negative specific impulse or a lighter-than-nothing vehicle.
"""

from __future__ import annotations

from typing import Any

from skycrane.missions.fields import KeyProblem, check_name

RESERVED_BODY_NAMES = ("rover", "descent_stage", "capsule", "vehicle")
"""Names the simulation gives its own bodies (the rover and descent stage are flown
from [rover] and [powered_descent]); a [bodies] entry may not take them."""
MAX_SAMPLES = 1_000_000
"""Most trajectory samples of one flight (8 MB a column)."""
NORMAL_SUPPORT_SIGMAS = 6.0
"""A normal distribution's support is taken as mean +- 6 std: a draw beyond it has a
probability of 2e-9, under one in a thousand in a million-case Monte Carlo."""


def check_cross(spec: Any) -> None:
    """Sampling, descent stage and dispersion checks of a whole :class:`MissionSpec`."""
    sim = spec.simulation
    start = 0.0 if spec.sequence is None else min(spec.sequence.start_t_s, 0.0)
    samples = (sim.time_limit_s - start) / sim.output_interval_s
    if samples > MAX_SAMPLES:
        raise KeyProblem(
            "simulation.output_interval_s",
            sim.output_interval_s,
            f"at least {(sim.time_limit_s - start) / MAX_SAMPLES:g} s, so that the "
            f"{sim.time_limit_s - start:g} s flight is sampled at most {MAX_SAMPLES:,} times",
        )
    held = spec.site.boundary_bodies or []
    for j, name in enumerate(held):
        if name != "capsule" and name not in spec.bodies:
            raise KeyProblem(
                f"site.boundary_bodies[{j}]", name, f"'capsule' or one of {sorted(spec.bodies)}"
            )
    pd = spec.powered_descent
    if pd is not None:
        if spec.sequence is not None and spec.sequence.end_on_ground:
            raise KeyProblem(
                "sequence.end_on_ground",
                True,
                "false with a [powered_descent] section: a lander's flight ends with its rover "
                "set down, a capsule's (end_on_ground) at the ground",
            )
        if pd.throttle_min >= pd.throttle_max:
            raise KeyProblem(
                "powered_descent.throttle_min",
                pd.throttle_min,
                f"less than powered_descent.throttle_max = {pd.throttle_max:g}",
            )
        if pd.engines_sky_crane > pd.engines:
            raise KeyProblem(
                "powered_descent.engines_sky_crane",
                pd.engines_sky_crane,
                f"at most powered_descent.engines = {pd.engines} (the engines fitted)",
            )
        if spec.rover is not None and spec.rover.bridle_length_m >= pd.sky_crane_height_m:
            raise KeyProblem(
                "rover.bridle_length_m",
                spec.rover.bridle_length_m,
                f"less than powered_descent.sky_crane_height_m = {pd.sky_crane_height_m:g} m "
                "(the rover is lowered on the bridles before the stage reaches that height)",
            )
    if spec.dispersions is not None:
        _check_dispersion_support(spec)


def check_fragment_cycles(fragment_of: dict[str, str]) -> None:
    """Refuse a body that is, through its fragments' break-ups, a fragment of itself."""
    for start in fragment_of:
        seen = {start}
        body = fragment_of.get(start)
        while body is not None:
            if body in seen:
                raise KeyProblem(f"bodies.{body}.breakup.fragments", start, "no cycle of break-ups")
            seen.add(body)
            body = fragment_of.get(body)


def check_parachute_events(spec: Any) -> None:
    """The parachute is deployed at most once, and released only after it is deployed.

    Also refuses jettisoning a body that only exists as a break-up fragment:
    it is created by its parent's break-up, not carried by the vehicle.
    """
    deployed = None
    fragments = {
        frag
        for body in spec.bodies.values()
        if body.breakup is not None
        for frag in body.breakup.fragments
    }
    for k, ev in enumerate(spec.sequence.events):
        where = f"sequence.events[{k}]"
        if ev.parachute == "deploy":
            if deployed is not None:
                raise KeyProblem(
                    f"{where}.parachute",
                    ev.parachute,
                    f"no second deploy (event '{deployed}' deploys the parachute)",
                )
            deployed = ev.name
        elif ev.parachute == "release" and deployed is None:
            raise KeyProblem(
                f"{where}.parachute",
                ev.parachute,
                "a release after an earlier event deploys the parachute",
            )
        for j, name in enumerate(ev.jettison):
            if name in fragments:
                raise KeyProblem(
                    f"{where}.jettison[{j}]",
                    name,
                    "a body the vehicle carries (this one is a break-up fragment)",
                )


def support(dist: Any) -> tuple[float, float]:
    """The interval a distribution draws from (a normal: mean +- NORMAL_SUPPORT_SIGMAS std)."""
    if dist.distribution == "normal":
        half = NORMAL_SUPPORT_SIGMAS * dist.std
        return dist.mean - half, dist.mean + half
    if dist.distribution == "discrete":
        return min(dist.values), max(dist.values)
    return dist.low, dist.high


def _check_dispersion_support(spec: Any) -> None:
    """Every dispersed parameter stays physical over its whole support."""
    # the lowest draw each parameter allows, whether that value itself is allowed, and why
    floors = {
        "capsule_drag_scale": (0.0, False, "a positive drag"),
        "capsule_lift_scale": (0.0, True, "a non-negative lift"),
        "parachute_drag_scale": (0.0, False, "a positive parachute drag"),
        "density_scale": (0.0, False, "a positive density"),
        "engine_thrust_error": (-1.0, False, "a positive thrust"),
        "deorbit_burn_thrust_error": (-1.0, False, "a positive burn thrust"),
        "capsule_mass_delta_kg": (
            -spec.vehicle.capsule.mass_kg,
            False,
            "a positive vehicle mass",
        ),
    }
    if spec.powered_descent is not None:
        floors["engine_isp_delta_s"] = (-spec.powered_descent.isp_s, False, "a positive Isp")
    for name, dist in spec.dispersions.parameters.items():
        if name not in floors:
            continue
        floor, inclusive, what = floors[name]
        low, _ = support(dist)
        if low < floor or (low == floor and not inclusive):
            raise KeyProblem(
                f"dispersions.parameters.{name}",
                dist.model_dump(exclude_none=True),
                f"a distribution that only draws {what} (it reaches {low:g}; the lowest "
                f"allowed draw is above {floor:g}: narrow it, or declare the bounds with "
                "distribution = 'truncated_normal' and 'low')",
            )


def check_cluster_events(spec: Any) -> None:
    """Each parachute cluster an event names exists, deploys once, and is released after;
    an event using the ``[parachute]`` (its deploy, release or trigger) has that section."""
    clusters = spec.parachute_clusters
    for name in clusters:
        check_name(name, "parachute_clusters")
    if spec.sequence is None:
        return
    deployed: set[str] = set()
    for k, ev in enumerate(spec.sequence.events):
        uses = ev.parachute is not None or ev.trigger in ("parachute_trigger", "sufr_lead")
        if uses and spec.parachute is None:
            key = "parachute" if ev.parachute is not None else "trigger"
            value = ev.parachute if ev.parachute is not None else ev.trigger
            raise KeyProblem(
                f"sequence.events[{k}].{key}", value, "a [parachute] section in the mission"
            )
        for key in ("deploy_parachutes", "release_parachutes"):
            name = getattr(ev, key)
            if name is None:
                continue
            where = f"sequence.events[{k}].{key}"
            if name not in clusters:
                raise KeyProblem(where, name, f"one of the parachute_clusters {sorted(clusters)}")
            if key == "deploy_parachutes":
                if name in deployed:
                    raise KeyProblem(where, name, "a cluster not deployed by an earlier event")
                deployed.add(name)
            elif name not in deployed:
                raise KeyProblem(where, name, "a cluster an earlier event deployed")


def check_reference_end(spec: Any) -> None:
    """A terminal point controller flown to a trigger other than ``range`` is told where its
    entry reference ends when the file names a ``parachute.deploy.range_to_target_m``.

    The reference ends at the nominal deploy-to-target ground distance the parachute and
    powered-descent phases cover (GUIDANCE.md 1.2 and 2.2 step 1; Dutta & Way, AIAA
    2017-0245, fly both triggers behind the same guidance). The range trigger takes it from
    ``range_to_target_m``; any other trigger reads ``guidance.entry.reference_end_range_m``,
    0 when absent (deploy over the target). A file based on Mars 2020 that switches to the
    velocity trigger keeps the range trigger's ``range_to_target_m``, which would then go
    unread while the reference ends over the target and every case overflies it by the
    parachute phase's ~7 km (docs/monte_carlo.md): refused, naming the trigger the user
    changed and the field that would make it fly.
    """
    deploy = None if spec.parachute is None else spec.parachute.deploy
    entry = spec.guidance.entry
    if (
        deploy is None
        or deploy.trigger == "range"
        or deploy.range_to_target_m is None
        or entry.mode != "terminal_point_controller"
        or entry.reference_end_range_m is not None
    ):
        return
    raise KeyProblem(
        "parachute.deploy.trigger",
        deploy.trigger,
        f"'range' (parachute.deploy.range_to_target_m = {deploy.range_to_target_m:g} is "
        f"unread by the '{deploy.trigger}' trigger), or guidance.entry.reference_end_range_m "
        "set to the range to go where the entry reference ends",
    )
