"""Event functions of the kernel: g(state) crossing zero from above fires the event."""

from __future__ import annotations

import numba

from skycrane.propagate.layout import (
    A_ALT_M,
    A_MACH,
    A_SPEED_M_S,
    EV_GROUND,
    P_GROUND_ALT_M,
    P_STOP_KIND,
    P_STOP_VALUE,
    STOP_ALTITUDE,
    STOP_MACH,
    STOP_SPEED,
)


@numba.njit(cache=True, nogil=True)
def event_value(which, aux, p):
    """Value of event function ``which`` (layout.EV_STOP or EV_GROUND); fires on > 0 -> <= 0."""
    if which == EV_GROUND:
        return aux[A_ALT_M] - p[P_GROUND_ALT_M]
    kind = int(p[P_STOP_KIND])
    if kind == STOP_SPEED:
        return aux[A_SPEED_M_S] - p[P_STOP_VALUE]
    if kind == STOP_MACH:
        return aux[A_MACH] - p[P_STOP_VALUE]
    if kind == STOP_ALTITUDE:
        return aux[A_ALT_M] - p[P_STOP_VALUE]
    return 1.0  # STOP_NONE never fires
