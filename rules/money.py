"""Yuan as the policy counts them: Decimal, to the fen, half up."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
FEN = Decimal("0.01")


def q(x: Decimal | int | str) -> Decimal:
    return Decimal(str(x)).quantize(FEN, rounding=ROUND_HALF_UP)


def yuan(x: Decimal | int) -> str:
    """120000 → '120,000.00' (the way amounts are read aloud in explanations)."""
    return f"{q(x):,.2f}"


def pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"
