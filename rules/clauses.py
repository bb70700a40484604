"""Every clause function by id, in the policy's order."""
from __future__ import annotations

from typing import Callable

from rules import art2, art3, art4, art5, art6, art7, art8, art9, art10
from rules.inputs import CLAUSES as ORDER

REGISTRY: dict[str, Callable] = {"art2": art2.assess}
for _m in (art3, art4, art5, art6, art7, art8, art9, art10):
    REGISTRY.update(_m.CLAUSES)
assert list(sorted(REGISTRY, key=ORDER.index)) == ORDER
