"""Flight guidance algorithms: compiled laws fed only navigated or sensed state.

Entry: the Entry Terminal Point Controller (MSL / Mars 2020; GUIDANCE.md
section 1), its offline reference trajectory and sensitivities
(:mod:`~skycrane.guidance.entry_reference`), and the array layout it reads
(:mod:`~skycrane.guidance.entry_layout`).
"""

from skycrane.guidance.entry import drag_filter, etpc_command, ref_interp, target_geometry
from skycrane.guidance.entry_layout import default_gains
from skycrane.guidance.entry_reference import EntryReference, build_entry_reference

__all__ = [
    "EntryReference",
    "build_entry_reference",
    "default_gains",
    "drag_filter",
    "etpc_command",
    "ref_interp",
    "target_geometry",
]
