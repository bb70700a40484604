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


def number(name: str, default: N, what: str, *, ge: N | None = None, gt: N | None = None, le: N | None = None) -> N:
    """The environment's `name` as a number of the default's type (int: a whole number), or
    `default` when it is unset or blank; at least `ge`, above `gt`, at most `le`, and finite
    (a whole number too long for a float is no setting either). A time needs `le`: 1e300
    hours passes as finite and overflows the first date it is added to."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    kind = type(default)
    try:
        value = kind(raw)
        usable = math.isfinite(value)
    except (ValueError, OverflowError):
        usable = False
    if not usable or (ge is not None and value < ge) or (gt is not None and value <= gt) or (le is not None and value > le):
        bounds = " and ".join(f"{word} {bound:.12g}" for word, bound in (("≥", ge), ("above", gt), ("at most", le)) if bound is not None)
        need = " ".join(filter(None, ("a whole number" if kind is int else "a number", bounds)))
        raise SettingError(f"{name}={raw!r}: give {what} as {need} (default {default:.12g})")
    return value
