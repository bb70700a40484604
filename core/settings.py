"""DOSSIER_* numbers from the environment, read one way everywhere.

An operator's typo must neither be used as it stands, nor quietly turned into the default
(a limit lifted, a timeout switched off, a thread count ignored): it is a SettingError naming
the variable, what it holds and what it must hold, which a command says before it starts
anything (flows.cli) and which a file read deep inside records on that file.
"""
from __future__ import annotations

import math
import os
from typing import TypeVar

N = TypeVar("N", int, float)


class SettingError(ValueError):
    """A DOSSIER_* setting holds no value its reader can use."""


def number(name: str, default: N, what: str, *, ge: N | None = None, gt: N | None = None) -> N:
    """The environment's `name` as a number of the default's type (int: a whole number), or
    `default` when it is unset or blank; at least `ge`, above `gt`, and finite."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    kind = type(default)
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or (ge is not None and value < ge) or (gt is not None and value <= gt):
        need = "a whole number" if kind is int else "a number"
        need += "".join(f" {word} {bound:g}" for word, bound in (("≥", ge), ("above", gt)) if bound is not None)
        raise SettingError(f"{name}={raw!r}: give {what} as {need} (default {default:g})")
    return value
