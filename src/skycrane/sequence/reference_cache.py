"""Cache of entry-guidance reference tables: computed once per set of inputs.

The terminal point controller's reference trajectory and sensitivities are,
as in flight practice, computed on the ground before the flight: they depend
only on the mission's inputs. Building them (a planar trajectory and its
adjoints, scipy) costs most of a second, against ~10 ms for the compiled
flight, so they are kept in memory for the process and on disk under
``~/.cache/skycrane/references/``, keyed by a hash of every input and of the
installation's source (so a code change never reuses an old table). Files are
written to a temporary name and renamed, so an interrupted write never leaves
a half file.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable

import numpy as np

from skycrane._jit_cache import SOURCE_DIGEST, cache_root
from skycrane.atmosphere.table import AtmosphereTable

log = logging.getLogger(__name__)
_memory: dict[str, np.ndarray] = {}


def key_of(inputs: tuple, atmosphere: AtmosphereTable) -> str:
    """Hash of the scalar inputs, the atmosphere's arrays and the source digest."""
    h = hashlib.sha256(SOURCE_DIGEST.encode())
    h.update(repr(inputs).encode())
    for arr in atmosphere.kernel_arrays():
        h.update(np.ascontiguousarray(arr).tobytes())
    h.update(repr(atmosphere.gamma).encode())
    return h.hexdigest()[:32]


def get(inputs: tuple, atmosphere: AtmosphereTable, build: Callable[[], np.ndarray]) -> np.ndarray:
    """The cached table for these inputs, building (and storing) it if absent."""
    key = key_of(inputs, atmosphere)
    if key in _memory:
        return _memory[key]
    path = cache_root() / "references" / f"{key}.npy"
    table = None
    if path.is_file():
        try:
            table = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            log.warning("ignoring unreadable reference cache %s", path)
    if table is None:
        table = np.ascontiguousarray(build(), dtype=np.float64)
        _store(path, table)
    _memory[key] = table
    return table


def _store(path, table: np.ndarray) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}.npy")
        np.save(tmp, table, allow_pickle=False)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only home is not an error: the table is just rebuilt
        log.info("could not cache the entry reference (%s)", exc)
