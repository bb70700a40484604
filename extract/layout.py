"""Layout-aware key-value reading over page lines (OCR boxes or text-layer words).

A page is cut into cells (an OCR box, or a run of close text-layer words), cells are
grouped into rows by geometry, and each row is also seen as one string with a map back to
its cells. Labels are matched fuzzily on that string, so a label that OCR split over two
boxes ("名" + "称：测试购方企业") or misread by one character still anchors its value. A
value is the rest of the label's cell, else the next cell to the right on the row, else the
cell just below the label.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from statistics import median

from core.models import LOW_CONFIDENCE, Box, Line, Page

COLON = ":：;；"
_WS = re.compile(r"\s+")


def norm(text: str) -> str:
    """Full-width to half-width and no whitespace: the form labels are matched in."""
    return _WS.sub("", unicodedata.normalize("NFKC", text))


def key_glyphs(text: str, glyphs) -> tuple[float, ...]:
    """A line's glyph probabilities (one a character of `text`, Line.glyphs) carried onto
    norm(text): a character NFKC writes as several lends each its glyph's; whitespace goes,
    its doubt to the characters either side (a glyph rubbed out may be read as a space, at
    0.6). () when they cannot be aligned (or there are none)."""
    out: list[float] = []
    dropped = 1.0
    for ch, p in zip(text, glyphs):
        kept = len(norm(ch))
        if not kept:
            dropped = min(dropped, p)
            if out:
                out[-1] = min(out[-1], p)
            continue
        out.extend([min(p, dropped)] * kept)
        dropped = 1.0
    return tuple(out) if glyphs and len(out) == len(norm(text)) else ()


# A line's confidence is the mean over its glyphs: one glyph read at 0.25 in a 20-glyph line
# (长峙岛 read 长崎岛) still makes 0.96. A value is judged by its own weakest glyph too: one
# under GLYPH_DOUBT brings it under LOW_CONFIDENCE (a reviewer sees it), in proportion, so a
# glyph at half of GLYPH_DOUBT gives half of LOW_CONFIDENCE. Picked from data, generated photos
# (seed 11, and seed 12's invoices): right values' letters and digits go down to ~0.5 (a tax
# id's, at 0.50 and 0.59), so 0.6 and over sends right values to a reviewer; under 0.5 misses
# the glyph OCR marks as the one before a skipped glyph (ingest.ocr.rapid.GAP_DOUBT, 0.25).
GLYPH_DOUBT = 0.55


def doubted(confidence: float, glyphs) -> float:
    """A reading's confidence with the weakest of its own glyphs taken into account."""
    if not glyphs:
        return confidence
    return min(confidence, LOW_CONFIDENCE * min(glyphs) / GLYPH_DOUBT)


def telling(text: str, glyphs, figures: bool = False) -> list[float]:
    """The glyphs of `text`'s letters and digits (CJK characters are letters): the recogniser
    is least sure of ￥, brackets and colons (0.5–0.8 on photos), which say nothing of a
    name's or an amount's value. `figures`: of its digits only (an amount's or a date's: 元 and
    年月日 say nothing more of which) — digits as the finders read them (normalise_chars): an O
    or l the recogniser gave where a 0 or 1 stands is the very glyph to doubt."""
    if figures:
        from extract.normalise.text import normalise_chars

        return [p for ch, p in zip(normalise_chars(text), glyphs) if ch.isdigit()]
    return [p for ch, p in zip(text, glyphs) if ch.isalnum()]


def union(boxes) -> Box:
    boxes = list(boxes)
    box = boxes[0]
    for b in boxes[1:]:
        box = box.union(b)
    return box


@dataclass(frozen=True)
class Cell:
    text: str
    box: Box
    confidence: float = 1.0
    page: int = 1
    # the text layer's words inside the cell, for tables whose columns sit close together
    words: tuple[tuple[str, Box], ...] = ()
    # each character of `key`'s glyph probability, where OCR gave them (Line.glyphs); else ()
    glyphs: tuple[float, ...] = ()

    @property
    def tokens(self) -> list[tuple[str, Box]]:
        """Space-separated pieces with their boxes: the words when the source gave them
        (pieces closer than half a character are one token), else the text split evenly."""
        if self.words:
            out: list[tuple[str, Box]] = []
            for text, box in self.words:
                if out and box.x0 - out[-1][1].x1 < 0.5 * box.height:
                    out[-1] = (out[-1][0] + text, out[-1][1].union(box))
                else:
                    out.append((text, box))
            return out
        return [(t, self.box) for t in self.text.split()]

    @property
    def key(self) -> str:
        return norm(self.text)


@dataclass
class Row:
    cells: list[Cell]
    # The row's cell texts joined without separators, and for each character its cell index.
    string: str = ""
    owner: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.cells.sort(key=lambda c: c.box.x0)
        parts, owner = [], []
        for i, c in enumerate(self.cells):
            parts.append(c.key)
            owner.extend([i] * len(c.key))
        self.string = "".join(parts)
        self.owner = owner

    @property
    def box(self) -> Box:
        return union(c.box for c in self.cells)

    def glyphs(self, start: int, end: int, figures: bool = False) -> list[float]:
        """The telling glyphs' probabilities of string[start:end], from the cells that have them."""
        out: list[float] = []
        for i in sorted(set(self.owner[start:end])):
            cell = self.cells[i]
            if cell.glyphs:
                at = self.cell_start(i)
                lo, hi = max(start - at, 0), end - at
                out.extend(telling(cell.key[lo:hi], cell.glyphs[lo:hi], figures))
        return out

    @property
    def cy(self) -> float:
        return median(c.box.cy for c in self.cells)

    def span(self, start: int, end: int) -> list[Cell]:
        """The cells covering string[start:end]."""
        idx = sorted(set(self.owner[start:end]))
        return [self.cells[i] for i in idx]

    def cell_start(self, i: int) -> int:
        return self.owner.index(i) if i in self.owner else len(self.string)


# --------------------------------------------------------------------------- cells and rows


def _word_cells(line: Line, page: int) -> list[Cell]:
    cells: list[Cell] = []
    run = [line.words[0]]
    for w in line.words[1:]:
        prev = run[-1]
        height = max(min(prev.box.height, w.box.height), 1e-6)
        if w.box.x0 - prev.box.x1 > 1.0 * height:
            cells.append(_join(run, page))
            run = []
        run.append(w)
    cells.append(_join(run, page))
    return cells


def _join(words, page: int) -> Cell:
    box = union(w.box for w in words)
    text = " ".join(w.text for w in words)
    pieces = tuple((w.text, w.box) for w in words)
    return Cell(text=text, box=box, confidence=min(w.confidence for w in words), page=page, words=pieces)


def _split_on_gaps(line: Line, page: int) -> list[Cell]:
    """A line without words but with runs of spaces: estimate each piece's box by its share
    of the characters (CJK counts double), good enough to order and to place in columns."""
    pieces = [(m.group(), m.start()) for m in re.finditer(r"\S+(?: \S+)*", line.text)]
    pieces = [p for p in pieces if p[0]]
    if len(pieces) <= 1 or "  " not in line.text:
        return [Cell(line.text, line.box, line.confidence, page, glyphs=key_glyphs(line.text, line.glyphs))]

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

    total = max(width(line.text), 1)
    scale = line.box.width / total
    cells = []
    for text, start in pieces:
        x0 = line.box.x0 + width(line.text[:start]) * scale
        x1 = x0 + width(text) * scale
        cells.append(Cell(text, Box(x0=x0, y0=line.box.y0, x1=x1, y1=line.box.y1), line.confidence, page,
                          glyphs=key_glyphs(text, line.glyphs[start:start + len(text)])))
    return cells


def page_cells(page: Page) -> list[Cell]:
    cells: list[Cell] = []
    for line in page.lines:
        if not line.text.strip():
            continue
        if line.words:
            cells.extend(_word_cells(line, page.number))
        else:
            cells.extend(_split_on_gaps(line, page.number))
    return cells


def same_row(a: Box, b: Box, tolerance: float = 0.5) -> bool:
    """Centres within `tolerance` × the taller box's height; a photo's skew moves centres
    slowly along a row, and rows are chained neighbour to neighbour, so that is enough."""
    h = max(a.height, b.height, 1e-6)
    return abs(a.cy - b.cy) <= tolerance * h


def skew_slope(cells: list[Cell]) -> float:
    """The page's tilt as dy/dx, from each cell and its nearest plausible neighbour on the
    right (median, so the odd pair from another row does not count)."""
    slopes = []
    for a in cells:
        h = max(a.box.height, 1e-6)
        best = None
        for b in cells:
            dx = b.box.cx - a.box.cx
            if b is a or b.box.x0 < a.box.x1 - 0.2 * h or dx > 12 * h:
                continue
            if abs(b.box.cy - a.box.cy) < 0.8 * max(h, b.box.height) and (best is None or dx < best[0]):
                best = (dx, (b.box.cy - a.box.cy) / dx)
        if best:
            slopes.append(best[1])
    if len(slopes) < 3:
        return 0.0
    return max(-0.1, min(0.1, median(slopes)))


def print_height(c: Cell) -> float:
    """The height of a cell's print. A long line photographed at a tilt comes as a box as tall
    as the tilt makes it, several print heights; its width per character (a CJK character is
    about as wide as it is high) gives the print's height back. For OCR'd cells only: one
    detection box is one line, while a text layer's cell (an OFD text block) may hold several
    lines, and is tall for that, not for a tilt."""
    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in c.text if not ch.isspace())
    if ems < 8:  # too few characters to judge by
        return c.box.height
    return min(c.box.height, 1.5 * c.box.width / ems)


def group_rows(cells: list[Cell], tolerance: float = 0.5, ocr: bool = False) -> list[Row]:
    """Rows from left to right: each cell joins the row whose rightmost cell is its nearest
    same-row neighbour to the left, comparing centres with the page's tilt taken out (and,
    on an OCR'd page, each cell's print height rather than its box's)."""
    slope = skew_slope(cells)
    height = print_height if ocr else (lambda c: c.box.height)

    def cy(c: Cell) -> float:
        return c.box.cy - slope * c.box.cx

    rows: list[list[Cell]] = []
    for c in sorted(cells, key=lambda c: c.box.x0):
        best, best_dy = None, None
        for row in rows:
            last = row[-1]
            if last.box.x1 > c.box.x0 + 0.5 * min(c.box.width, last.box.width):
                continue  # overlaps horizontally: a cell above or below, not beside
            dy = abs(cy(last) - cy(c))
            if dy <= tolerance * max(height(last), height(c), 1e-6) and (best_dy is None or dy < best_dy):
                best, best_dy = row, dy
        if best is None:
            rows.append([c])
        else:
            best.append(c)
    out = [Row(r) for r in rows]
    out.sort(key=lambda r: (min(cy(c) for c in r.cells), r.box.x0))
    return out


def join_rows(a: Row, b: Row) -> Row:
    """Two rows read as one line of text, in reading order (a paragraph's wrapped line)."""
    row = Row.__new__(Row)
    row.cells = [*a.cells, *b.cells]
    row.string = a.string + b.string
    row.owner = [*a.owner, *(i + len(a.cells) for i in b.owner)]
    return row


def page_rows(page: Page) -> list[Row]:
    return group_rows(page_cells(page), ocr=page.source.kind == "ocr")


# --------------------------------------------------------------------------- fuzzy labels


def _alignment(needle: str, text: str, free_start: bool) -> list[tuple[int, int]]:
    """For each end j of text, (edits, start): the fewest edits that turn `needle` into
    text[start:j], with start 0, or — free_start — wherever costs fewest (the first of equals)."""
    prev = [(0, j) if free_start else (j, 0) for j in range(len(text) + 1)]
    for i, ch in enumerate(needle, 1):
        cur = [(i, 0)]
        for j, tj in enumerate(text, 1):
            cur.append(min((prev[j - 1][0] + (ch != tj), prev[j - 1][1]),
                           (prev[j][0] + 1, prev[j][1]),
                           (cur[j - 1][0] + 1, cur[j - 1][1])))
        prev = cur
    return prev


def edit_distance(a: str, b: str) -> int:
    return _alignment(a, b, free_start=False)[-1][0]


def best_piece(needle: str, text: str) -> tuple[int, int, int]:
    """(start, end, edits): the piece text[start:end] that `needle` matches with fewest edits,
    free to start and end anywhere in text (semi-global alignment); of equals, the one ending
    last."""
    row = _alignment(needle, text, free_start=True)
    end = min(range(len(row)), key=lambda j: (row[j][0], -j))
    return row[end][1], end, row[end][0]


def fuzzy_find(text: str, label: str, min_score: float | None = None, repeated: bool = False) -> list[tuple[int, int, float]]:
    """Occurrences of `label` in `text` as (start, end, score), score = 1 − edits/len.
    Short labels (≤ 3 characters) must match exactly; longer ones may carry one error per
    four characters, which covers OCR's usual one-character slips in titles and labels.
    `repeated`: a label printed more than once on a row (a 数电票's buyer and seller side by
    side) may be read exactly in one place and with a slip in another; else an exact reading
    is taken alone."""
    if not label:
        return []
    hits: list[tuple[int, int, float]] = []
    for m in re.finditer(re.escape(label), text):
        hits.append((m.start(), m.end(), 1.0))
    if (hits and not repeated) or len(label) <= 3:
        return hits
    return sorted(hits + [h for h in _fuzzy(text, label, min_score) if all(h[1] <= a or h[0] >= b for a, b, _ in hits)])


def _fuzzy(text: str, label: str, min_score: float | None) -> list[tuple[int, int, float]]:
    if min_score is None:
        min_score = 1 - (len(label) // 4) / len(label) - 1e-9
    n = len(label)
    wanted = set(label)
    # A window sharing fewer distinct characters with the label cannot score enough: nor can
    # any window of a text that shares fewer, which is most rows for most labels.
    need = n * min_score - 1
    if len(wanted.intersection(text)) < need:
        return []
    best: list[tuple[int, int, float]] = []
    for size in (n - 1, n, n + 1):
        for start in _starts_sharing(text, wanted, size, need):
            score = 1 - edit_distance(text[start : start + size], label) / n
            if score >= min_score:
                best.append((start, start + size, score))
    return _best_apart(best)


def _best_apart(windows: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """The best-scoring windows that do not overlap (of equals, the first), in order."""
    windows.sort(key=lambda h: (-h[2], h[0]))
    chosen: list[tuple[int, int, float]] = []
    for h in windows:
        if all(h[1] <= c[0] or h[0] >= c[1] for c in chosen):
            chosen.append(h)
    return sorted(chosen)


def _starts_sharing(text: str, wanted: set[str], size: int, need: float) -> list[int]:
    """Starts of the windows text[start:start + size] holding at least `need` distinct
    characters of `wanted`, counted as the window slides (one step a character, not a set of
    the window's characters built at every start)."""
    inside = dict.fromkeys(wanted, 0)
    shared = 0
    starts = [0] if size == 0 and 0 >= need else []  # the empty window before the first character
    for end, ch in enumerate(text, 1):
        if ch in inside:  # ch comes into the window text[end - size:end]
            shared += inside[ch] == 0
            inside[ch] += 1
        if end > size:
            gone = text[end - size - 1]
            if gone in inside:
                inside[gone] -= 1
                shared -= inside[gone] == 0
        if end >= size and shared >= need:
            starts.append(end - size)
    return starts


@dataclass(frozen=True)
class Hit:
    """A label found on a row: where it ends on the row string, and how well it matched."""

    row: Row
    start: int
    end: int
    score: float
    label: str

    @property
    def cells(self) -> list[Cell]:
        return self.row.span(self.start, self.end)

    @property
    def box(self) -> Box:
        return union(c.box for c in self.cells)


def find_labels(rows: list[Row], labels: list[str], min_score: float | None = None, repeated: bool = False) -> list[Hit]:
    """Every row position where one of the labels (tried longest first) matches (`repeated`:
    see fuzzy_find)."""
    hits: list[Hit] = []
    for row in rows:
        taken: list[tuple[int, int]] = []
        found = [(label, start, end, score) for label in labels for start, end, score in fuzzy_find(row.string, norm(label), min_score, repeated)]
        # the longest label first; of two as long, the one read exactly ("合同编码" is not
        # "合同编号" with a slip)
        for label, start, end, score in sorted(found, key=lambda f: (-len(f[0]), -f[3])):
            if score < 1.0:
                start = _own_cell_start(row, start, end)
            if any(start < e and end > s for s, e in taken):
                continue
            taken.append((start, end))
            hits.append(Hit(row, start, end, score, label))
    hits.sort(key=lambda h: (h.row.box.y0, h.box.x0))
    return hits


def _own_cell_start(row: Row, start: int, end: int) -> int:
    """A slipped label's window may begin with the last characters of the cell before it (the
    buyer's tax id, then the seller's label short of its first word): the label starts in the
    cell where it ends, when what it takes from the cell before is no more than its slips."""
    own = row.owner[end - 1]
    if row.owner[start] != own and row.cell_start(own) - start <= (end - start) // 4:
        return row.cell_start(own)
    return start


@dataclass(frozen=True)
class Value:
    text: str
    cells: tuple[Cell, ...]
    quality: float  # 1.0 inline after the label, a little less when taken from a neighbour

    @property
    def box(self) -> Box:
        return union(c.box for c in self.cells)

    @classmethod
    def of(cls, cells, quality: float = 1.0) -> "Value":
        """The whole of these cells read as one value (a box that is nothing but the value, a
        row's cells run together)."""
        cells = tuple(cells)
        return cls("".join(c.key for c in cells), cells, quality)

    @property
    def read(self) -> float:
        """How surely the recogniser read the value's boxes: their weakest line's confidence.
        (Its own glyphs, Value.glyphs, are weighed with it by extract.fields.base.claim.)"""
        return min(c.confidence for c in self.cells)

    def glyphs(self, part: str | None = None, figures: bool = False, start: int | None = None) -> list[float]:
        """The telling glyphs' probabilities of `part`, found in the value's text (itself the
        tail of its cells' keys, run together): the value's own text, or the piece of it a parser
        kept (a doubtful glyph in the label, or in words cut off the value, says nothing of it).
        A part not found in the text is judged by the whole text; [] when the glyphs are not all
        known (a text layer, an engine that gives none). `start`: where the part stands in the text,
        when the caller knows (the same figures may stand earlier in it, in another amount)."""
        keys = "".join(c.key for c in self.cells)
        glyphs = [p for c in self.cells for p in c.glyphs]
        at = keys.rfind(self.text)
        if len(glyphs) != len(keys) or at < 0:
            return []
        within = start if part and start is not None else self.text.find(part) if part else -1
        if within < 0:
            part, within = self.text, 0
        return telling(part, glyphs[at + within: at + within + len(part)], figures)


def value_after(hit: Hit, rows: list[Row], accept=None, stop_labels: tuple[str, ...] = ()) -> Value | None:
    """The value a label points at: rest of its cell, else the next cell right, else below.

    `accept(text) -> bool` filters candidates (e.g. "is a tax id"); a candidate that starts
    with another known label is not a value."""
    accept = accept or (lambda t: bool(t))
    row = hit.row
    last_idx = row.owner[hit.end - 1]
    cell = row.cells[last_idx]
    cell_end = row.cell_start(last_idx) + len(cell.key)
    rest = row.string[hit.end : cell_end].lstrip(COLON)
    if rest and not _is_label(rest, stop_labels) and accept(rest):
        return Value(rest, (cell,), 1.0)
    # next cells to the right, nearest first, not past a gap wider than the page's width / 2
    for nxt in row.cells[last_idx + 1 :]:
        text = nxt.key.lstrip(COLON)
        if not text:
            continue
        if _is_label(text, stop_labels):
            break
        if accept(text):
            return Value(text, (nxt,), 0.95)
        break
    # below: the nearest cell under the label whose x-range overlaps it
    lab = hit.box
    below = []
    for r in rows:
        for c in r.cells:
            if c.box.cy <= lab.y1 or c.box.y0 - lab.y1 > 2.0 * max(lab.height, 1):
                continue
            if min(c.box.x1, lab.x1 + lab.width) - max(c.box.x0, lab.x0) > 0:
                below.append(c)
    for c in sorted(below, key=lambda c: c.box.y0):
        text = c.key.lstrip(COLON)
        if text and not _is_label(text, stop_labels) and accept(text):
            return Value(text, (c,), 0.85)
        break
    return None


def continuation(value: Value, rows: list[Row], stop_labels: tuple[str, ...] = ()) -> Value:
    """A value that wraps: the cells right under it that start at its left edge (an address
    or a name too long for its box), up to a label or a gap."""
    cells = list(value.cells)
    text = value.text
    last = cells[-1].box
    h = max(last.height, 1e-6)
    left = value_x0(value)
    for row in rows:
        for c in row.cells:
            if c.box.y0 <= last.y0 + 0.5 * h or c.box.y0 - last.y1 > 0.8 * h:
                continue
            # the wrapped line starts under the value's text, which may start inside a box
            # that also holds its label ("所佛山市…" over "合祥路26号…")
            if min(abs(c.box.x0 - value.box.x0), abs(c.box.x0 - left)) <= 1.0 * h and not _is_label(c.key, stop_labels):
                cells.append(c)
                text += c.key
                last = c.box
                break
    return Value(text, tuple(cells), value.quality)


def value_x0(value: Value) -> float:
    """Where the value's text starts: a value that is the tail of its box (the label in
    front) starts that share of the box's width in, counting characters."""
    first = value.cells[0]
    key = first.key
    if len(value.cells) == 1 and key.endswith(value.text) and len(key) > len(value.text):
        return first.box.x0 + first.box.width * (len(key) - len(value.text)) / len(key)
    return first.box.x0


def _is_label(text: str, labels: tuple[str, ...]) -> bool:
    return any(text.startswith(norm(lab)) for lab in labels)


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Column:
    name: str
    x0: float
    x1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


def header_columns(row: Row, vocab: dict[str, list[str]]) -> list[Column]:
    """Columns named by the header words found on `row`, left to right."""
    cols: list[Column] = []
    used: list[tuple[int, int]] = []
    for name, words in vocab.items():
        for word in sorted(words, key=len, reverse=True):
            found = [h for h in fuzzy_find(row.string, norm(word)) if not any(h[0] < e and h[1] > s for s, e in used)]
            if found:
                s, e, _ = found[0]
                used.append((s, e))
                cells = row.span(s, e)
                box = union(c.box for c in cells)
                # a header cell holding several words: estimate this word's share of its box
                if len(cells) == 1 and len(cells[0].key) > (e - s):
                    c = cells[0]
                    start = row.cell_start(row.cells.index(c))
                    per = c.box.width / max(len(c.key), 1)
                    box = Box(x0=c.box.x0 + (s - start) * per, y0=c.box.y0, x1=c.box.x0 + (e - start) * per, y1=c.box.y1)
                cols.append(Column(name, box.x0, box.x1))
                break
    return sorted(cols, key=lambda c: c.x0)


def nearest_column(cell: Cell, columns: list[Column]) -> Column | None:
    if not columns:
        return None
    return min(columns, key=lambda col: abs(col.cx - cell.box.cx))
