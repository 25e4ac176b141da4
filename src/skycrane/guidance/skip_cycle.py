"""The skip-entry guidance as flight software: one kernel cycle on what is sensed.

The kernel (propagate/discrete.py) builds the SENSED bundle (navigated
planet-fixed position and velocity, sensed drag; propagate/sensing.py) and,
at the rate of ``[guidance.skip] rate_hz``, calls :func:`skip_cycle`. It runs
:func:`skycrane.guidance.skip.skip_guidance_cycle` (FNPEG after Lu, "Entry
Guidance: A Unified Method", JGCD 37(3), 2014) on the case's parameter block
(``P_SKIP0``, indexed by ``skip_layout.SP_*``), its memory block (``M_SKIP0``,
``SM_*``) and the guidance's own density table (model slot ``SKIP_DENSITY``),
and leaves the bank command in ``M_BANK_CMD`` for the roll response.

It also follows the trajectory's phases on the same sensed quantities, for
the kernel to record as events (``M_SKIP_PHASE``, ``SKIPPH_*``):

* exit: the sensed drag falls below the Kepler-phase threshold while the
  navigated altitude rises. The threshold is ``SP_DIRECT_DRAG_MIN_M_S2``,
  6 ft/s^2 by default: Apollo's entry guidance enters its Kepler (ballistic)
  phase when drag falls below it (R). An altitude threshold such as 120 km
  would miss most skips: their lofts peak at 80-112 km for 2,500-4,800 nmi
  (docs/skip_guidance.md);
* apogee: the navigated altitude rate turns from positive to not positive
  after the exit (to the cycle's resolution);
* re-entry: the sensed drag rises through the same threshold after apogee.

Two hand-overs bracket the predictor-corrector when ``[guidance.skip]`` asks:

* Apollo's initial roll (``initial_roll``): the lift is held up from entry
  until the sensed drag reaches 0.05 g and the navigated altitude rate rises
  above -700 ft/s (the descent levels off), then the predictor-corrector
  flies (Graves & Harpold, NASA TN D-6725: initial roll, then the range
  steering; R for the two thresholds);
* the Apollo final phase (``final_phase``): at re-entry after a skip, or,
  without a skip, once the navigated speed is below ``SP_FINAL_V_M_S`` while
  descending in the first pulse, the terminal point controller
  (:mod:`skycrane.guidance.entry`, flying a reference recomputed for the final
  phase, sequence/final_phase.py) takes over: PredGuid keeps "the Apollo
  final phase with a recomputed reference trajectory" (Bairstow, MIT SM
  thesis 2006).

A vehicle above the sensible atmosphere (``SP_H_ATM_M``), climbing, whose
navigated two-body conic escapes or keeps its perigee above that altitude
has left for good: the cycle reports it and the kernel ends the case
(``ST_SKIP_OUT``) rather than coasting to the time limit.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import STEP_PATH
from skycrane.contract.layout import (
    EV_REENTRY,
    EV_SKIP_APOGEE,
    EV_SKIP_EXIT,
    GUID_ENTRY,
    M_BANK_CMD,
    M_DRAG_FILT,
    M_ETPC_PHASE,
    M_GUIDANCE,
    M_LIFT_SIGN,
    M_NEXT_GUIDE_T,
    M_SKIP0,
    M_SKIP_PHASE,
    P_SKIP0,
    SKIPPH_BEFORE_ENTRY,
    SKIPPH_EXITED,
    SKIPPH_FIRST_PULSE,
    SKIPPH_PAST_APOGEE,
    SKIPPH_REENTERED,
    SN_DRAG_ACCEL_M_S2,
    SN_NAV_POS_PF_M_X,
    SN_NAV_VEL_PF_M_S_Z,
)
from skycrane.guidance.entry_layout import PHASE_RANGE_CONTROL
from skycrane.guidance.skip import skip_guidance_cycle
from skycrane.guidance.skip_layout import (
    FINAL_NONE,
    N_SKIP_MEM,
    N_SKIP_PARAMS,
    PRED_OK,
    SM_BANK_CMD_RAD,
    SM_INITIAL_ROLL,
    SM_LIFT_SIGN,
    SM_STATUS,
    SP_DIRECT_DRAG_MIN_M_S2,
    SP_DT_CYCLE_S,
    SP_FINAL_MODE,
    SP_FINAL_V_M_S,
    SP_H_ATM_M,
    SP_ROLL_DRAG_M_S2,
    SP_ROLL_HDOT_M_S,
    SP_TGT_X,
    SP_TGT_Z,
    STATUS_BEYOND_REACH,
)
from skycrane.guidance.skip_predict import altitude_m, leaves_for_good

__all__ = ["final_phase_due", "skip_cycle", "skip_phase", "start_final_phase"]


@numba.njit(**STEP_PATH)
def skip_phase(phase, drag_m_s2, hdot_m_s, threshold_m_s2):
    """The next trajectory phase (``SKIPPH_*``) and the event slot it enters (-1: none).

    First pulse once the sensed drag reaches ``threshold_m_s2``; exit when it
    falls below it while climbing; apogee when the altitude rate stops being
    positive; re-entry when the drag reaches the threshold again.
    """
    phase = int(phase)
    if phase == SKIPPH_BEFORE_ENTRY and drag_m_s2 >= threshold_m_s2:
        return SKIPPH_FIRST_PULSE, -1
    if phase == SKIPPH_FIRST_PULSE and drag_m_s2 < threshold_m_s2 and hdot_m_s > 0.0:
        return SKIPPH_EXITED, EV_SKIP_EXIT
    if phase == SKIPPH_EXITED and hdot_m_s <= 0.0:
        return SKIPPH_PAST_APOGEE, EV_SKIP_APOGEE
    if phase == SKIPPH_PAST_APOGEE and drag_m_s2 >= threshold_m_s2:
        return SKIPPH_REENTERED, EV_REENTRY
    return phase, -1


@numba.njit(**STEP_PATH)
def final_phase_due(phase, speed_m_s, hdot_m_s, p):
    """Whether the Apollo final phase takes over now (module docstring; ``SKIPPH_*`` phase).

    At re-entry after a skip (Apollo and PredGuid: Kepler phase -> final
    phase), or, when no skip came, in the first pulse once the navigated speed
    is below ``SP_FINAL_V_M_S`` and the vehicle descends (Apollo leaves its
    up-control for the final phase descending below circular speed; R).
    Never with ``SP_FINAL_MODE`` = FINAL_NONE.
    """
    if p[SP_FINAL_MODE] == FINAL_NONE:
        return False
    if phase == SKIPPH_REENTERED:
        return True
    return phase == SKIPPH_FIRST_PULSE and speed_m_s < p[SP_FINAL_V_M_S] and hdot_m_s <= 0.0


@numba.njit(**STEP_PATH)
def start_final_phase(drag_m_s2, mem):
    """Hand the bank over to the terminal point controller (entry guidance) in range control.

    Its drag filter starts from the sensed drag and its lift side from the
    skip guidance's, so the hand-over commands no reversal of its own. The
    caller runs its first cycle now (propagate/discrete.py).
    """
    mem[M_GUIDANCE] = GUID_ENTRY
    mem[M_ETPC_PHASE] = PHASE_RANGE_CONTROL
    mem[M_DRAG_FILT] = drag_m_s2
    mem[M_LIFT_SIGN] = mem[M_SKIP0 + SM_LIFT_SIGN]


@numba.njit(**STEP_PATH)
def skip_cycle(t, sensed, p, mem, density):
    """One skip-guidance cycle at t on the sensed bundle; the command goes to M_BANK_CMD.

    ``density`` is the guidance's table (row 0 altitude nodes, row 1 ln
    density). While the initial roll holds (``SM_INITIAL_ROLL``) the command
    is lift up and no prediction runs. Returns (event slot the trajectory
    phase entered, -1: none; whether the guidance reports the target beyond
    reach this cycle; whether the vehicle has left the atmosphere for good;
    whether the initial roll ended this cycle; whether the final phase is due
    (:func:`final_phase_due`)).
    """
    sp = p[P_SKIP0 : P_SKIP0 + N_SKIP_PARAMS]
    sm = mem[M_SKIP0 : M_SKIP0 + N_SKIP_MEM]
    state = sensed[SN_NAV_POS_PF_M_X : SN_NAV_VEL_PF_M_S_Z + 1]
    drag = sensed[SN_DRAG_ACCEL_M_S2]
    tgt = sp[SP_TGT_X : SP_TGT_Z + 1]
    x, y, z, vx, vy, vz = state[0], state[1], state[2], state[3], state[4], state[5]
    r = math.sqrt(x * x + y * y + z * z)
    hdot = (x * vx + y * vy + z * vz) / r
    roll_end = False
    if sm[SM_INITIAL_ROLL] > 0.0 and drag >= sp[SP_ROLL_DRAG_M_S2] and hdot >= sp[SP_ROLL_HDOT_M_S]:
        sm[SM_INITIAL_ROLL] = 0.0
        roll_end = True
    if sm[SM_INITIAL_ROLL] > 0.0:
        sm[SM_BANK_CMD_RAD] = 0.0
        mem[M_BANK_CMD] = 0.0
    else:
        mem[M_BANK_CMD] = skip_guidance_cycle(state, drag, tgt, sp, sm, density[0], density[1])
    mem[M_NEXT_GUIDE_T] = t + sp[SP_DT_CYCLE_S]
    phase, slot = skip_phase(mem[M_SKIP_PHASE], drag, hdot, sp[SP_DIRECT_DRAG_MIN_M_S2])
    mem[M_SKIP_PHASE] = phase
    beyond = sm[SM_STATUS] == STATUS_BEYOND_REACH
    gone = False
    if hdot > 0.0 and altitude_m(x, y, z, sp) > sp[SP_H_ATM_M]:
        gone = leaves_for_good(x, y, z, vx, vy, vz, sp) != PRED_OK
    speed = math.sqrt(vx * vx + vy * vy + vz * vz)
    final = final_phase_due(phase, speed, hdot, sp)
    return slot, beyond, gone, roll_end, final
