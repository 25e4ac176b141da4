"""Compilation options shared by the compiled packages.

``STEP_PATH`` is for functions on the integrator's step path that allocate
nothing: they are compiled without numba's reference-counting runtime (NRT).
Under the NRT numba increments and decrements the reference count of every
array a function receives, each member of a tuple of arrays included (the
kernel's model tables), at every call and at every inlined call, with atomic
instructions. On the step path that bookkeeping took 28 % of the kernel's time
(measured with ``perf``: ``NRT_incref``/``NRT_decref``). The arrays these
functions see are owned by their callers for the whole call, so nothing needs
counting. numba refuses to compile such a function if it allocates, or if
it assigns to a slice (:func:`copy_into` and :func:`copy_row` do that here).
A function that does not name its own ``_nrt`` inherits its caller's.

``_nrt`` is a numba compiler flag (``numba.core.options``), not part of its
documented interface; the lower bound on numba in pyproject.toml is a version
that has it.
"""

from __future__ import annotations

import numba

STEP_PATH = {"cache": True, "error_model": "numpy", "nogil": True, "_nrt": False}


@numba.njit(inline="always", **STEP_PATH)
def copy_into(dst, src):
    """``dst[:] = src`` without the runtime (a slice assignment needs it)."""
    for i in range(src.size):
        dst[i] = src[i]


@numba.njit(inline="always", **STEP_PATH)
def copy_row(dst, row, src):
    """``dst[row, :] = src`` without the runtime."""
    for i in range(src.size):
        dst[row, i] = src[i]
