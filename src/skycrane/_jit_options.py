"""numba's compilation options for every compiled function of skycrane, in one place.

Each ``numba.njit`` in the package takes one of the named option sets below
(``@numba.njit(**SCALAR)``) and nothing else, so what skycrane asks of numba
is read, and changed, here; ``tests/test_structure.py`` holds that. Every set
caches its machine code on disk (``cache``, located by :mod:`skycrane._jit_cache`).
None uses ``fastmath``: results must not depend on the compiler's reassociation.

``SCALAR``
    The physics models and guidance laws: float errors give ``inf``/``nan`` as
    in NumPy (``error_model="numpy"``, no exception path in the loop) and the
    GIL is released (``nogil``) so that thread lanes fly cases in parallel.
``PYTHON_ERRORS``
    As ``SCALAR`` with Python's error model: a division by zero raises
    :class:`ZeroDivisionError` instead of giving ``inf``. The geodesy, gravity,
    atmosphere-table and wind functions were written and validated under it.
``STEP_PATH``
    Functions on the integrator's step path that allocate nothing: they are
    compiled without numba's reference-counting runtime (NRT), see below.
``ALLOCATING``
    As ``SCALAR`` with the runtime named explicitly (``_nrt=True``): a function
    that allocates (a lane's work arrays) keeps the runtime whatever its caller
    is compiled with.
``BATCH``
    The batch kernel: as ``SCALAR``, its loop over cases spread over numba's
    threads (``parallel``, ``numba.prange``).
``WITH_GIL``
    Post-processing loops called from Python that keep the GIL (no ``nogil``).

``*_INLINE`` variants add ``inline="always"``: numba inlines the function's IR
into each caller, for small functions called once per step.

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

_INLINE = {"inline": "always"}

SCALAR = {"cache": True, "error_model": "numpy", "nogil": True}
SCALAR_INLINE = {**SCALAR, **_INLINE}
PYTHON_ERRORS = {"cache": True, "nogil": True}
PYTHON_ERRORS_INLINE = {**PYTHON_ERRORS, **_INLINE}
STEP_PATH = {**SCALAR, "_nrt": False}
STEP_PATH_INLINE = {**STEP_PATH, **_INLINE}
ALLOCATING = {**SCALAR, "_nrt": True}
BATCH = {**SCALAR, "parallel": True}
WITH_GIL = {"cache": True, "error_model": "numpy"}


@numba.njit(**STEP_PATH_INLINE)
def copy_into(dst, src):
    """``dst[:] = src`` without the runtime (a slice assignment needs it)."""
    for i in range(src.size):
        dst[i] = src[i]


@numba.njit(**STEP_PATH_INLINE)
def copy_row(dst, row, src):
    """``dst[row, :] = src`` without the runtime."""
    for i in range(src.size):
        dst[row, i] = src[i]
