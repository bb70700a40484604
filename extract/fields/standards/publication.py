"""ISO / IEC / ITU publication pages: the code ("ISO/IEC 30141:2018", "ITU-T Y.4553"), its
title and the publication date as the catalogue prints it ("Publication date: 01 August
2018", "Publication Date 22-Aug-2024", "60.60 Standard published Aug 27, 2024"). An ITU-T
cover gives only the approval month "(03/2016)": no day is made up, the claim is flagged."""
from __future__ import annotations

import datetime as dt
import re

from core.models import Claim, Flag, ValueType
from extract.families import Family
from extract.fields.base import PageView, claim, first_match, labelled
from extract.layout import Value, norm
from extract.fields.standards.listing import entry, listing
from extract.normalise import find_standard_code_spans, parse_date

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_MON = r"(?P<mon>[A-Za-z]{3})[a-z]*\.?"
_EN_DATES = (
    re.compile(rf"(?P<d>\d{{1,2}})[\s\-]*{_MON}[\s\-,]*(?P<y>(?:19|20)\d{{2}})"),  # 01 August 2018, 22-Aug-2024
    re.compile(rf"{_MON}\s*(?P<d>\d{{1,2}}),?\s*(?P<y>(?:19|20)\d{{2}})"),  # Aug 27, 2024
)


def english_date(text: str) -> dt.date | None:
    """A date as ISO/IEC/ITU pages print it in English, or an ISO date (2024-08-22)."""
    for pattern in _EN_DATES:
        m = pattern.search(text)
        if m and m.group("mon").lower() in _MONTHS:
            try:
                return dt.date(int(m.group("y")), _MONTHS[m.group("mon").lower()], int(m.group("d")))
            except ValueError:
                return None
    return parse_date(text)


def _spaced(row) -> tuple[str, list[int]]:
    text, owner = "", []
    for i, c in enumerate(row.cells):
        piece = (" " if text else "") + c.text
        text += piece
        owner += [i] * len(piece)
    return text, owner


def _title(view: PageView, row, sc) -> Claim | None:
    """The title: the rest of the code's line ("ISO/IEC 30141:2018 Internet of Things (IoT) -
    Reference Architecture"), else the next line that reads as one (not a heading in capitals,
    not a label)."""
    text, owner = _spaced(row)
    rest = re.sub(r"^.*?" + r"\s*".join(map(re.escape, re.sub(r"\s", "", sc.code))) + r"(?:\s*\(\d{2}/\d{4}\))?", "", text, count=1).strip(" -—:")
    if re.search(r"[a-z]{3}", rest) and not rest.startswith(("This ", "This document")):
        cells = [row.cells[i] for i in sorted(set(owner[len(text) - len(rest) :]))]
        return claim("standard_title", ValueType.text, rest, min(c.confidence for c in cells) * 0.9, [view.cell_evidence(cells)],
                     Value.of(cells).glyphs(norm(rest)))
    rows = view.rows
    for nxt in rows[rows.index(row) + 1 : rows.index(row) + 3]:
        words = " ".join(c.text for c in nxt.cells).strip()
        if re.search(r"[a-z]{3}", words) and ":" not in words and not words.lower().startswith(("general", "abstract")):
            return claim("standard_title", ValueType.text, words, min(c.confidence for c in nxt.cells) * 0.85, [view.cell_evidence(nxt.cells)],
                         Value.of(nxt.cells).glyphs())
    return None


def _codes(pages: list[PageView]):
    """Each international code on the pages, in reading order: (view, row, code, cells)."""
    for view in pages:
        for row in view.rows:
            # with its spaces: "Recommendation ITU-T Y.4553" run together is no code
            text, owner = _spaced(row)
            for sc, a, b in find_standard_code_spans(text):
                if sc.level == "international":
                    yield view, row, sc, [row.cells[i] for i in sorted(set(owner[a:b]))]


_CITES = re.compile(r"cancels|replaces|revision of|supersedes|代替|取代", re.I)


def _the_code(pages: list[PageView]):
    """The page's own code: the edition's reference ("Reference number ISO/IEC 27001:2022(E)")
    where the page prints one, not the cover's big "ISO/IEC 27001" above it, nor a copyright line
    whose © the photo lost ("ISO/IEC 2022"); an ITU code has no year, so the first."""
    found = list(_codes(pages))
    # a cover cites other standards with their years ("cancels and replaces ISO 9001:2008", an
    # ITU page aligned with ISO/IEC 30141:2018): only the page's first code's own edition counts
    own = [c for c in found if not _CITES.search(c[1].string)]
    codes = [c for c in own if not _copyright(c[2])]  # "ISO/IEC 2022": a © line, no code
    if not codes:
        return None
    first = codes[0][2]
    return next((c for c in codes if c[2].year is not None and c[2].number == first.number), codes[0])


def _copyright(sc) -> bool:
    return sc.year is None and re.fullmatch(r"(?:19|20)\d{2}", sc.number or "") is not None


def _dated_by(pages: list[PageView], pattern: re.Pattern[str] | None, code) -> Claim | None:
    """The publication date from a cover's own line: ITU's approval month "(03/2016)", an ISO/IEC
    edition line ("Fifth edition 2015-09-15", "Third edition 2022-10", "Edition 1.0 2013-08").
    A month alone gives no day: no day is made up, the claim is flagged."""
    line = first_match(pages, "publish_date", pattern, str, ValueType.text) if pattern else None
    if line is None:
        return None
    m = pattern.search(line.value)
    y, mon, day = int(m.group("year")), int(m.group("month")), m.groupdict().get("day")
    try:
        got = line.model_copy(update={"field": "publish_date", "value_type": ValueType.date, "value": dt.date(y, mon, int(day)) if day else None})
    except ValueError:
        return None
    if not day:
        got.confidence = 0.0
        got.flags.append(Flag(code="date_month_only", message=f"{code.code if code else 'the standard'} is dated {mon:02d}/{y}: "
                              "the cover gives no day; the reviewer reads it off the publisher's catalogue"))
    return got


def publication_claims(pages: list[PageView], fam: Family) -> list[Claim]:
    found: list[Claim] = []
    code = _the_code(pages)
    if code is not None:
        view, row, sc, cells = code
        conf, glyphs = min(c.confidence for c in cells), Value.of(cells).glyphs(norm(sc.code))
        found += [claim("standard_code", ValueType.text, sc.code, conf, [view.cell_evidence(cells)], glyphs),
                  claim("level", ValueType.text, sc.level, conf, [view.cell_evidence(cells)], glyphs)]
        title = _title(view, row, sc)
        if title is not None:
            found.append(title)
    published = labelled(pages, "publish_date", fam.label("publish_date"), english_date, ValueType.date)
    for name in ("itu_month", "edition_date"):
        published = published or _dated_by(pages, fam.regex.get(name), code[2] if code else None)
    if published is not None:
        found.append(published)
    if code is not None:
        fields = {c.field: c for c in found}
        found.append(listing([(entry(code[2], fields, None, [], None, {}), fields["standard_code"].evidence[0], fields["standard_code"].confidence)]))
    return found
