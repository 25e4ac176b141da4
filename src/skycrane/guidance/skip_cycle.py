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
    M_BANK_CMD,
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
from skycrane.guidance.skip import skip_guidance_cycle
from skycrane.guidance.skip_layout import (
    N_SKIP_MEM,
    N_SKIP_PARAMS,
    PRED_OK,
    SM_STATUS,
    SP_DIRECT_DRAG_MIN_M_S2,
    SP_DT_CYCLE_S,
    SP_H_ATM_M,
    SP_TGT_X,
    SP_TGT_Z,
    STATUS_BEYOND_REACH,
)
from skycrane.guidance.skip_predict import altitude_m, leaves_for_good

__all__ = ["skip_cycle", "skip_phase"]


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
def skip_cycle(t, sensed, p, mem, density):
    """One skip-guidance cycle at t on the sensed bundle; the command goes to M_BANK_CMD.

    ``density`` is the guidance's table (row 0 altitude nodes, row 1 ln
    density). Returns (event slot the trajectory phase entered, -1: none;
    whether the guidance reports the target beyond reach this cycle; whether
    the vehicle has left the atmosphere for good).
    """
    sp = p[P_SKIP0 : P_SKIP0 + N_SKIP_PARAMS]
    sm = mem[M_SKIP0 : M_SKIP0 + N_SKIP_MEM]
    state = sensed[SN_NAV_POS_PF_M_X : SN_NAV_VEL_PF_M_S_Z + 1]
    drag = sensed[SN_DRAG_ACCEL_M_S2]
    tgt = sp[SP_TGT_X : SP_TGT_Z + 1]
    mem[M_BANK_CMD] = skip_guidance_cycle(state, drag, tgt, sp, sm, density[0], density[1])
    mem[M_NEXT_GUIDE_T] = t + sp[SP_DT_CYCLE_S]
    x, y, z, vx, vy, vz = state[0], state[1], state[2], state[3], state[4], state[5]
    r = math.sqrt(x * x + y * y + z * z)
    hdot = (x * vx + y * vy + z * vz) / r
    phase, slot = skip_phase(mem[M_SKIP_PHASE], drag, hdot, sp[SP_DIRECT_DRAG_MIN_M_S2])
    mem[M_SKIP_PHASE] = phase
    beyond = sm[SM_STATUS] == STATUS_BEYOND_REACH
    gone = False
    if hdot > 0.0 and altitude_m(x, y, z, sp) > sp[SP_H_ATM_M]:
        gone = leaves_for_good(x, y, z, vx, vy, vz, sp) != PRED_OK
    return slot, beyond, gone
