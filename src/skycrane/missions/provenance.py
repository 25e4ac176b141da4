"""Where a mission came from: its file, the base it starts from and the keys it changes.

A what-if is a mission file that starts from another mission with
``base = "m2020"`` (or a path) and overrides a few keys. Its run, JSON and
report carry the file, the base as written and the flattened keys whose values
differ from the base's (``parachute.deploy.range_to_target_m``,
``sequence.events[heat_shield_separation].trigger``), so two runs titled
"m2020" can be told apart.

Keys are flattened the way the loader merges (:mod:`skycrane.missions.loader`):
tables key by key; a list of tables (``[[sequence.events]]``) item by item, an
item named by its ``name`` when it has a unique one, else by its index; any
other list is one value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Provenance", "changed_keys", "flatten", "provenance"]

_MISSING = object()


@dataclass(frozen=True, slots=True)
class Provenance:
    """The file a mission was loaded from, its base and what it changes.

    Attributes
    ----------
    file : str
        The preset name or file path, as given to the loader.
    base : str or None
        The file's ``base = ...`` as written (None without one); a list of bases
        joined with ", ".
    changed_keys : tuple of str
        Flattened keys whose value differs from the base's (sorted); empty
        unless the base is a whole mission.
    base_is_mission : bool
        The base is a whole mission (it has a ``[mission]`` table), not a
        shared fragment such as the presets' dispersions.
    """

    file: str
    base: str | None = None
    changed_keys: tuple[str, ...] = ()
    base_is_mission: bool = False

    @property
    def is_what_if(self) -> bool:
        """True for a file that changes another mission."""
        return self.base is not None and self.base_is_mission

    def describe(self, name: str) -> str:
        """``name``, followed for a what-if by its file, base and changed keys (one line)."""
        if not self.is_what_if:
            return name
        keys = ", ".join(self.changed_keys) if self.changed_keys else "nothing"
        return f"{name} what-if {self.file} (base {self.base}; changed: {keys})"

    def to_dict(self) -> dict[str, Any]:
        """The JSON members ``mission_file``, ``mission_base``, ``mission_changed_keys``."""
        return {
            "mission_file": self.file,
            "mission_base": self.base,
            "mission_changed_keys": list(self.changed_keys),
        }


def _item_labels(items: list[dict[str, Any]]) -> list[str]:
    names = [item.get("name") for item in items]
    if all(isinstance(n, str) for n in names) and len(set(names)) == len(names):
        return [str(n) for n in names]
    return [str(k) for k in range(len(items))]


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A TOML document as ``{dotted key: value}``; see the module docstring for lists."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(flatten(value, path))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for label, item in zip(_item_labels(value), value, strict=True):
                out.update(flatten(item, f"{path}[{label}]"))
        else:
            out[path] = value
    return out


def changed_keys(base: dict[str, Any], merged: dict[str, Any]) -> tuple[str, ...]:
    """Flattened keys set, removed or given another value in ``merged`` than in ``base``."""
    flat_base = flatten({k: v for k, v in base.items() if k != "base"})
    flat_new = flatten({k: v for k, v in merged.items() if k != "base"})
    keys = set(flat_base) | set(flat_new)
    return tuple(sorted(k for k in keys if flat_base.get(k, _MISSING) != flat_new.get(k, _MISSING)))


def provenance(
    label: str, merged: dict[str, Any], base: str | None, base_raw: dict[str, Any] | None
) -> Provenance:
    """The :class:`Provenance` of a file loaded as ``label``.

    Parameters
    ----------
    label : str
        Preset name or path, as given.
    merged : dict
        The file's content merged over its base (what the schema validates).
    base : str or None
        The file's ``base`` key as written.
    base_raw : dict or None
        The base's own content, itself merged over its bases.
    """
    if base is None or base_raw is None:
        return Provenance(label)
    if not isinstance(base_raw.get("mission"), dict):  # a shared fragment, not a what-if
        return Provenance(label, base)
    return Provenance(label, base, changed_keys(base_raw, merged), True)
