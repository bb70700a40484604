"""Standard levels by code prefix (shared/policy/clauses.md, art7.2): the one table both
extraction (labelling a code it reads) and the rules (paying a standard) go by."""
from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

StandardLevel = Literal["international", "national", "industry", "local", "group", "enterprise", "unknown"]


def _industry_prefixes(path: Path = Path(__file__).with_name("industry_standard_codes.csv")) -> frozenset[str]:
    """行业标准代号 as the SAC publishes them (the table and its source are in the CSV)."""
    with path.open(encoding="utf-8") as f:
        return frozenset(row["code"] for row in csv.DictReader(line for line in f if not line.startswith("#")))


INDUSTRY_PREFIXES = _industry_prefixes()
# The three-letter ones (JTG, CJJ …): a code that lost its slash ("JTGT3382", "JTG T 3382") reads as
# one of these before two letters and a T; only these, so a word before a T ("THE T") is no code.
INDUSTRY_SERIES3 = frozenset(p for p in INDUSTRY_PREFIXES if len(p) == 3)
INTERNATIONAL_PREFIXES = frozenset({"ISO", "IEC", "ISO/IEC", "ITU", "ITU-T", "ITU-R"})
NATIONAL_PREFIXES = frozenset({"GB", "GB/T", "GB/Z"})


def level_of_prefix(prefix: str) -> StandardLevel:
    """The level a code prefix ("GB/T", "YD/T", "DB44/T", "T/CAICT", …) stands for."""
    p = prefix.upper().replace(" ", "").replace("／", "/")
    # and the joint ones: ISO/IEC/IEEE, IEC/IEEE, ISO/TS, ISO/IEC TR …
    if p in INTERNATIONAL_PREFIXES or re.fullmatch(r"(?:ISO|IEC)(?:/(?:IEC|IEEE|ASTM|SAE))*(?:/?(?:TS|TR|PAS))?", p):
        return "international"
    if p in NATIONAL_PREFIXES:
        return "national"
    if re.fullmatch(r"DB\d{2,6}(?:/[TZ])?", p):
        return "local"
    if p.startswith("T/"):
        return "group"
    if p.startswith("Q/"):
        return "enterprise"
    m = re.fullmatch(r"([A-Z]{2,3})(?:/[TZ])?", p)
    if m and m.group(1) in INDUSTRY_PREFIXES:
        return "industry"
    return "unknown"


def level_of_code(code: str | None) -> StandardLevel:
    """The level a whole code ("YD/T 3812-2020", "ISO/IEC 27001:2013") implies."""
    c = re.sub(r"\s+", "", code or "").upper().replace("／", "/")
    if re.match(r"^(ISO|IEC|ITU)", c):
        return "international"
    m = re.match(r"^(GB(?:/[TZ])?|DB\d{2,6}(?:/[TZ])?|[TQ]/|[A-Z]{2,3}/[TZ])", c)
    if m:
        return level_of_prefix(m.group(1))
    # slash lost: a three-letter series only when the table has it (JTGT3382 is JTG/T), else
    # the two letters (YDT1234 is YD/T, SJT 11363 is SJ/T)
    m = re.match(r"^[A-Z]{3}", c)
    if m and m.group(0) in INDUSTRY_SERIES3:
        return "industry"
    m = re.match(r"^[A-Z]{2}", c)
    return level_of_prefix(m.group(0)) if m else "unknown"


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
