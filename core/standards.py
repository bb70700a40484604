"""Standard levels by code prefix (shared/policy/clauses.md, art7.2): the one table both
extraction (labelling a code it reads) and the rules (paying a standard) go by."""
from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

StandardLevel = Literal["international", "national", "industry", "local", "group", "enterprise", "unknown"]

# 行业标准代号: the industry-standard prefixes issued by the State Council's departments.
INDUSTRY_PREFIXES = frozenset(
    "AQ BB CB CH CJ CY DA DL DZ EJ FZ GA GH GM GY HB HG HJ HS HY JB JC JG JR JT JY LB LD LS LY "
    "MH MT MZ NB NY QB QC QJ QX RB SB SC SF SH SJ SL SN SY TB TD TY WB WH WJ WM WS WW XB XF YB "
    "YC YD YS YY YZ ZY".split()
)
INTERNATIONAL_PREFIXES = frozenset({"ISO", "IEC", "ISO/IEC", "ITU", "ITU-T", "ITU-R"})
NATIONAL_PREFIXES = frozenset({"GB", "GB/T", "GB/Z"})


def level_of_prefix(prefix: str) -> StandardLevel:
    """The level a code prefix ("GB/T", "YD/T", "DB44/T", "T/CAICT", …) stands for."""
    p = prefix.upper().replace(" ", "").replace("／", "/")
    if p in INTERNATIONAL_PREFIXES:
        return "international"
    if p in NATIONAL_PREFIXES:
        return "national"
    if re.fullmatch(r"DB\d{2,6}(?:/[TZ])?", p):
        return "local"
    if p.startswith("T/"):
        return "group"
    if p.startswith("Q/"):
        return "enterprise"
    m = re.fullmatch(r"([A-Z]{2})(?:/[TZ])?", p)
    if m and m.group(1) in INDUSTRY_PREFIXES:
        return "industry"
    return "unknown"


def level_of_code(code: str | None) -> StandardLevel:
    """The level a whole code ("YD/T 3812-2020", "ISO/IEC 27001:2013") implies."""
    c = re.sub(r"\s+", "", code or "").upper().replace("／", "/")
    if re.match(r"^(ISO|IEC|ITU)", c):
        return "international"
    m = re.match(r"^(GB(?:/[TZ])?|DB\d{2,6}(?:/[TZ])?|[TQ]/|[A-Z]{2}(?:/[TZ])?)(?=\d|$|[A-Z])", c)
    return level_of_prefix(m.group(1)) if m else "unknown"


class StandardEntry(BaseModel):
    """One standard a notice publishes (a row of its annex table, or its only standard): what
    the `standards` claim lists, so each code keeps its own title, level and dates."""

    model_config = ConfigDict(extra="forbid")

    code: str | None = None  # None: the row's code could not be read
    title: str | None = None
    level: StandardLevel = "unknown"
    publish_date: dt.date | None = None
    implement_date: dt.date | None = None
    replaces: list[str] = Field(default_factory=list)
    drafting_units: list[str] = Field(default_factory=list)

    @property
    def lead(self) -> str | None:
        return self.drafting_units[0] if self.drafting_units else None
