"""The `standards` claim: every standard a notice publishes, one StandardEntry per row with
its own code, title, level, dates, replaced codes and drafting units; the claim's
evidence[i] is row i. The singular fields stay for the one standard the applicant drafted."""
from __future__ import annotations

import datetime as dt

from core.models import Claim, Evidence, Flag, ValueType
from core.standards import StandardEntry, StandardLevel
from extract.fields.base import claim
from extract.normalise import StandardCode


def entry(code: StandardCode | None, fields: dict[str, Claim], units: Claim | None, replaces: list[str],
          level: StandardLevel | None, defaults: dict[str, dt.date | None]) -> StandardEntry:
    """One row: its own values first; a date the row does not give comes from the notice
    (the day it was issued, "以上标准自…起实施"); a level the code does not tell, from the
    notice's family (a 团体标准 notice publishes group standards)."""
    def day(name: str) -> dt.date | None:
        got = fields.get(name)
        return got.value if got is not None and got.value is not None else defaults.get(name)

    own = code.level if code is not None else "unknown"
    return StandardEntry(
        code=code.code if code else None,
        title=fields["standard_title"].value if "standard_title" in fields else None,
        level=own if own != "unknown" or not level else level,
        publish_date=day("publish_date"),
        implement_date=day("implement_date"),
        replaces=[r for r in dict.fromkeys(replaces) if not code or r != code.code],
        drafting_units=list(units.value) if units is not None and units.value else [],
    )


def listing(rows: list[tuple[StandardEntry, Evidence, float]]) -> Claim | None:
    """The claim, flagged where a row cannot be right as read: no code, or in force before
    it was published."""
    if not rows:
        return None
    got = claim("standards", ValueType.standards, [e for e, _, _ in rows], min(c for _, _, c in rows), [ev for _, ev, _ in rows])
    for i, (e, ev, _) in enumerate(rows, 1):
        if e.code is None:
            got.flags.append(Flag(code="code_unread", message=f"row {i} ({e.title or ev.text}): its code could not be read"))
        if year_disagrees(e.code, e.publish_date):
            got.flags.append(Flag(code="code_year", message=f"{e.code}: its year is not the year it was published ({e.publish_date})"))
        if out_of_order(e.publish_date, e.implement_date):
            got.flags.append(Flag(code="date_order", message=f"{e.code or f'row {i}'}: in force {e.implement_date}, before it was published {e.publish_date}"))
    return got


def year_disagrees(code: str | None, publish: dt.date | None) -> bool:
    """A code's year is the year it was approved: published that year or early the next. Any
    other year is a misread digit (OCR's 2012 for 2021) or a row read against another's date."""
    from extract.normalise import parse_standard_code

    sc = parse_standard_code(code) if code else None
    return sc is not None and sc.year is not None and publish is not None and not 0 <= publish.year - sc.year <= 1


def out_of_order(publish: dt.date | None, implement: dt.date | None) -> bool:
    return publish is not None and implement is not None and implement < publish
