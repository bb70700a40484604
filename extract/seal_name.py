"""A seller's name against its own 发票专用章: the seal's ring prints the name the page prints.

A lone invoice has no second document to check its seller's name against (crosscheck's
name_disagrees needs two), but its seal is one: ingest reads the ring several times, a band of
radii each (Page.seal_rings). One band's reading can slip a glyph the others read right, so the
readings vote: the name is confirmed when the ring reads it, and said to disagree only when two
or more readings agree with each other on a name a glyph or two off the page's. A ring read
poorly (another seal, a faint impression, a reading that is no name) decides nothing.
"""
from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from pydantic import BaseModel

from core.models import Line, Page
from extract.layout import best_piece, norm

# Readings below this are noise, not votes.
MIN_READING = 0.6
VOTES = 2  # readings that must agree on another name before it is said to disagree
# A glyph where a reading differs from the page's name must be read at least this surely to be
# a vote for another name: the recogniser's slips on a worn ring are mostly unsure glyphs.
GLYPH_SURE = 0.6
_LEGAL_FORM = re.compile(r"(股份有限公司|有限责任公司|有限公司)$")
_NOT_NAME = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9()（）]")


class SealVerdict(BaseModel):
    agrees: bool
    ring: str  # the name as the ring reads it (the voted reading)
    confidence: float  # the best confidence among the readings voting for it
    page: int
    seal: Line  # one of the seal's readings: its page box is the seal's


def _clean(text: str) -> str:
    return _NOT_NAME.sub("", norm(text)).replace("(", "（").replace(")", "）")


def aligned(name: str, ring: str) -> tuple[int, str]:
    """(edits, the piece of the ring that best matches `name`): the name against any piece of
    the ring read round twice, so a reading that started mid-name (the strip cut the circle
    there) still holds it whole, and stray glyphs either side cost nothing."""
    start, end, edits = best_piece(name, ring + ring)
    return edits, (ring + ring)[start:end]


def _glyphs(line: Line) -> tuple[str, list[float]]:
    """A reading's name-like glyphs and each one's probability (the line's where not given)."""
    given = len(line.words) == len(line.text)
    pairs = [(_clean(ch), w.confidence if given else line.confidence)
             for ch, w in zip(line.text, line.words if given else line.text)]
    pairs = [(ch, p) for ch, p in pairs if ch]
    return "".join(ch for ch, _ in pairs), [p for _, p in pairs]


def _surely_other(name: str, piece: str, probs: list[float]) -> bool:
    """Every glyph where the ring's piece differs from the name was read surely, and none of
    the name's is simply missing (a ring's dropped glyph is a slip, not another name)."""
    for tag, _i0, _i1, j0, j1 in SequenceMatcher(None, name, piece, autojunk=False).get_opcodes():
        if tag == "delete" or (tag != "equal" and min(probs[j0:j1]) < GLYPH_SURE):
            return False
    return True


def slips(name: str) -> int:
    """How far a reading may be from the name and still be the name misread: a glyph or two."""
    return max(1, min(2, len(name) // 6))


def verdict(name: str, pages: list[Page]) -> SealVerdict | None:
    """What the seals' rings say of `name`: agrees, disagrees (with the ring's name), or None."""
    name = _clean(name)
    if len(name) < 4:
        return None
    core = _LEGAL_FORM.sub("", name)
    best: SealVerdict | None = None
    for page in pages:
        seals: dict[tuple, list[Line]] = {}
        for line in page.seal_rings:
            if line.confidence >= MIN_READING:
                seals.setdefault((line.box.x0, line.box.y0, line.box.x1, line.box.y1), []).append(line)
        for readings in seals.values():
            got = _vote(name, core, readings, page.number)
            if got is not None and (best is None or got.agrees > best.agrees):
                best = got
    return best


def _vote(name: str, core: str, readings: list[Line], page: int) -> SealVerdict | None:
    votes: Counter[str] = Counter()
    sure: dict[str, float] = {}
    for line in readings:
        ring, probs = _glyphs(line)
        start, end, edits = best_piece(name, ring + ring)
        piece = (ring + ring)[start:end]
        if edits > slips(name) and core != name and len(core) >= 4 and core in ring:
            edits, piece = 0, name  # a ring that prints the name without its 有限公司
        if edits > slips(name):
            continue  # another seal, or a reading that is no name
        if piece != name and not _surely_other(name, piece, (probs + probs)[start:end]):
            continue  # a slip of the ring's reading, not a name of its own
        votes[piece] += 1
        sure[piece] = max(sure.get(piece, 0.0), line.confidence)
    if not votes:
        return None
    ranked = sorted(votes, key=lambda p: (votes[p], p == name, sure[p]), reverse=True)
    top = ranked[0]
    if top == name or votes[name] >= votes[top]:
        return SealVerdict(agrees=True, ring=name, confidence=sure[name], page=page, seal=readings[0])
    if votes[top] >= VOTES:
        return SealVerdict(agrees=False, ring=top, confidence=sure[top], page=page, seal=readings[0])
    return None
