"""Saving an edit that began from values another workstation may have changed since (a three-way merge).

The editor hands over what it showed when the user began (`opened`), what is on screen now (`typed`), and the
service reads what is stored now. Fields the user left alone keep the stored value, so a change saved meanwhile
elsewhere stays; fields the user changed are written; a field both changed is refused with ChangedElsewhere,
naming it and the other value, so nothing is silently reverted. The editor then shows `after_refusal`: the
stored values where the user left a field alone, their typing where they changed it; saving again keeps theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from clinic_log.domain.errors import ChangedElsewhere

V = TypeVar("V")


def merge_edit(stored: Mapping[str, object], typed: Mapping[str, object], opened: Mapping[str, object] | None,
               field_names: Mapping[str, str]) -> dict[str, object]:
    """The values to store for each field of `typed`; without `opened`, simply `typed`."""
    if opened is None:
        return dict(typed)
    wanted: dict[str, object] = {}
    for field, value in typed.items():
        if value == opened[field]:
            wanted[field] = stored[field]
        elif stored[field] not in (opened[field], value):
            raise ChangedElsewhere(field_names.get(field, field), stored[field], value)
        else:
            wanted[field] = value
    return wanted


def after_refusal(typed: Mapping[str, V], opened: Mapping[str, V], stored: Mapping[str, V]) -> dict[str, V]:
    """What the editor shows once a save was refused with ChangedElsewhere (its next save starts from `stored`)."""
    return {field: stored[field] if value == opened[field] else value for field, value in typed.items()}
