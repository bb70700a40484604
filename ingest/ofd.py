"""OFD (GB/T 33190) read directly: text objects with their boxes, and the issuer's own tags.

An OFD is a zip: OFD.xml → DocBody/DocRoot (Document.xml) → Pages/Page/@BaseLoc
(Content.xml with TextObjects, plus any template page's objects). The issuing platform
also names fields: OFD.xml DocInfo/CustomDatas ("发票号码", ...) and the CustomTags file
(InvoiceNo → ObjectRef ids on a page), resolved here against the page's text objects.
Coordinates are millimetres in the file; pages come out in points (× 72/25.4).
"""
from __future__ import annotations

import io
import math
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

from core.models import Box, Page, ReadingSource, Word
from ingest.limits import limit
from ingest.lines import group_words
from ingest.safexml import UnsafeXml, parse_xml

MM_TO_PT = 72 / 25.4
A4_MM = (210.0, 297.0)


class OfdError(ValueError):
    pass


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name]


def _find(el: ET.Element, *path: str) -> ET.Element | None:
    for name in path:
        found = _children(el, name)
        if not found:
            return None
        el = found[0]
    return el


def _iter(el: ET.Element, name: str):
    return (e for e in el.iter() if _local(e.tag) == name)


def _floats(text: str | None) -> list[float]:
    return [float(v) for v in (text or "").split()]


def _text_at(el: ET.Element, *path: str) -> str | None:
    found = _find(el, *path)
    return found.text if found is not None else None


def _deltas(spec: str | None) -> list[float]:
    """DeltaX "g 3 1.5 2.0" = three gaps of 1.5, then one of 2.0."""
    out: list[float] = []
    tokens = (spec or "").split()
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out += [float(tokens[i + 2])] * int(tokens[i + 1])
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


@dataclass
class _Part:
    zf: zipfile.ZipFile
    names: dict[str, str]  # normalised lower-case path → member name

    def xml(self, path: str) -> ET.Element:
        key = posixpath.normpath(path.lstrip("/")).lower()
        member = self.names.get(key)
        if member is None:
            raise OfdError(f"OFD part missing: {path}")
        info = self.zf.getinfo(member)
        if info.file_size > limit("ofd_part_bytes"):
            raise OfdError(f"OFD part too large: {path} ({info.file_size} bytes, over the limit of "
                           f"{limit('ofd_part_bytes')}, DOSSIER_MAX_OFD_PART_BYTES)")
        try:
            return parse_xml(self.zf.read(member))
        except UnsafeXml as exc:
            raise OfdError(f"OFD part {path}: {exc}") from exc
        except ET.ParseError as exc:
            raise OfdError(f"OFD part is not valid XML: {path} ({exc})") from exc


def _resolve(base_dir: str, loc: str) -> str:
    loc = loc.strip()
    return loc.lstrip("/") if loc.startswith("/") else posixpath.join(base_dir, loc)


def _text_words(root: ET.Element) -> tuple[list[Word], dict[str, str]]:
    """Words (boxes in mm) and each TextObject's text by ID."""
    words: list[Word] = []
    by_id: dict[str, str] = {}
    for obj in _iter(root, "TextObject"):
        bx, by, *_ = _floats(obj.get("Boundary")) + [0.0, 0.0]
        size = float(obj.get("Size") or 3.5)
        x = y = 0.0
        texts = []
        for code in _children(obj, "TextCode"):
            text = code.text or ""
            x = float(code.get("X", x))
            y = float(code.get("Y", y))
            texts.append(text)
            if not text.strip():
                continue
            advance = sum(_deltas(code.get("DeltaX"))[: max(len(text) - 1, 0)])
            if not code.get("DeltaX"):
                advance = size * (len(text) - 1)
            box = Box(x0=bx + x, y0=by + y - 0.88 * size, x1=bx + x + advance + size, y1=by + y + 0.12 * size)
            words.append(Word(text=text, box=box))
            x += advance + size
        if obj.get("ID"):
            by_id[obj.get("ID")] = "".join(texts)
    return words, by_id


def _scaled(word: Word) -> Word:
    b = word.box
    return Word(text=word.text, box=Box(x0=b.x0 * MM_TO_PT, y0=b.y0 * MM_TO_PT, x1=b.x1 * MM_TO_PT, y1=b.y1 * MM_TO_PT))


def _tag_values(root: ET.Element, texts: dict[tuple[str, str], str], page_of: dict[str, int]) -> dict[int, dict[str, list[str]]]:
    """CustomTag leaves (elements holding ObjectRefs) → {page number: {tag: [values]}}."""
    out: dict[int, dict[str, list[str]]] = {}
    for el in root.iter():
        refs = _children(el, "ObjectRef")
        if not refs:
            continue
        page_ref = refs[0].get("PageRef", "")
        value = "".join(texts.get((r.get("PageRef", page_ref), (r.text or "").strip()), "") for r in refs)
        if value.strip():  # kept as printed, trailing spaces included
            number = page_of.get(page_ref, 1)
            out.setdefault(number, {}).setdefault(_local(el.tag), []).append(value)
    return out


PROBLEM_TAG = "ofd.problem"  # page 1 tag: the optional parts that were broken or missing
_PREFIX = re.compile(r"(</?)[A-Za-z_][\w.-]*:|(</?):")
_XMLNS = re.compile(r"\s+xmlns(?::[\w.-]*)?\s*=\s*(\"[^\"]*\"|'[^']*')")


def _lenient(reader: "_Reader", path: str) -> ET.Element:
    """A part some issuers write with an empty or undeclared namespace prefix
    (`<:eInvoice xmlns:="">` around `ofd:ObjectRef`, as Suwell's 2020-22 invoices do): read
    again with the prefixes dropped, and say it was repaired."""
    part = reader.part
    try:
        return part.xml(path)
    except OfdError as exc:
        if "not valid XML" not in str(exc):
            raise
        raw = part.zf.read(part.names[posixpath.normpath(path.lstrip("/")).lower()]).decode("utf-8", "replace")
        repaired = _XMLNS.sub("", _PREFIX.sub(lambda m: m.group(1) or m.group(2), raw))
        try:
            root = parse_xml(repaired.encode("utf-8"))
        except ET.ParseError:
            raise exc from None
        reader.problems.append(f"{path}: not well-formed XML, repaired (its namespace prefixes dropped)")
        return root


@dataclass
class _Reader:
    """One OFD being read. The pages are the document; tags, templates, attachments and
    signatures are optional parts whose damage is recorded in `problems`, never fatal."""

    part: _Part
    name: str
    problems: list[str]

    def optional(self, what: str, read, *args):
        try:
            return read(*args)
        except (OfdError, ET.ParseError, KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
            self.problems.append(f"{what}: {exc}")
            return None


def _page_locs(document: ET.Element, part: _Part, doc_dir: str) -> list[tuple[str, str]]:
    """(page id, Content.xml path) in order. Pages may sit in nested containers, and a
    BaseLoc may name the page's folder instead of its Content.xml; with no Pages element at
    all, the Pages/*/Content.xml members in the zip are taken in page order."""
    pages_el = _find(document, "Pages")
    refs = list(_iter(pages_el, "Page")) if pages_el is not None else []
    out = []
    for number, ref in enumerate(refs, start=1):
        loc = _resolve(doc_dir, ref.get("BaseLoc", ""))
        if posixpath.normpath(loc).lower() not in part.names:
            inside = posixpath.join(loc, "Content.xml")
            loc = inside if posixpath.normpath(inside).lower() in part.names else loc
        out.append((ref.get("ID", str(number)), loc))
    if not out:
        prefix = (doc_dir + "/pages/").lower().lstrip("/") if doc_dir else "pages/"
        found = sorted((k for k in part.names if k.startswith(prefix) and k.endswith("/content.xml")),
                       key=lambda k: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", k)])
        out = [(str(i), part.names[k]) for i, k in enumerate(found, start=1)]
    return out


def read_ofd(data: bytes, name: str = "document.ofd") -> list[Page]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise OfdError(f"{name}: damaged OFD (not a readable zip)") from exc
    with zf:
        part = _Part(zf, {posixpath.normpath(n.lstrip("/")).lower(): n for n in zf.namelist()})
        reader = _Reader(part, name, [])
        ofd = part.xml("OFD.xml")
        body = _find(ofd, "DocBody")
        root_loc = _find(body, "DocRoot") if body is not None else None
        if root_loc is None or not (root_loc.text or "").strip():
            raise OfdError(f"{name}: OFD.xml names no document (DocBody/DocRoot)")
        custom_data: dict[str, list[str]] = {}
        for cd in _iter(body, "CustomData"):
            if cd.get("Name") and (cd.text or "").strip():
                custom_data.setdefault(cd.get("Name"), []).append(cd.text.strip())

        doc_path = _resolve("", root_loc.text)
        doc_dir = posixpath.dirname(doc_path)
        document = part.xml(doc_path)
        default_box = _floats(_text_at(document, "CommonData", "PageArea", "PhysicalBox"))
        templates = {t.get("ID"): _resolve(doc_dir, t.get("BaseLoc", "")) for t in _iter(document, "TemplatePage")}

        locs = _page_locs(document, part, doc_dir)
        if not locs:
            raise OfdError(f"{name}: OFD document has no pages")
        pages: list[Page] = []
        texts: dict[tuple[str, str], str] = {}
        page_of: dict[str, int] = {}
        for number, (page_id, loc) in enumerate(locs, start=1):
            content = reader.optional(f"page {number} ({loc})", part.xml, loc)
            words, by_id = _text_words(content) if content is not None else ([], {})
            for tpl in _iter(content, "Template") if content is not None else ():
                tpl_id = tpl.get("TemplateID")
                tpl_root = reader.optional(f"template page {tpl_id}", part.xml, templates.get(tpl_id) or f"(template {tpl_id} not declared)")
                if tpl_root is not None:
                    words += _text_words(tpl_root)[0]
            page_of[page_id] = number
            texts.update({(page_id, k): v for k, v in by_id.items()})
            box = (_floats(_text_at(content, "Area", "PhysicalBox")) if content is not None else []) or default_box
            w_mm, h_mm = (box[2], box[3]) if len(box) == 4 else A4_MM
            pages.append(Page(
                number=number, width=w_mm * MM_TO_PT, height=h_mm * MM_TO_PT, unit="pt",
                source=ReadingSource(kind="ofd", engine="ingest.ofd", version="2"),
                lines=group_words([_scaled(w) for w in words]),
            ))
        if not any(p.lines for p in pages) and len(reader.problems) == len(pages):
            raise OfdError(f"{name}: no page of the OFD could be read ({reader.problems[0]})")

        reader.optional("custom tags", _read_tags, reader, document, doc_dir, pages, texts, page_of)
        reader.optional("attachments", _read_attachments, reader, document, doc_dir, pages)
        _check_signatures(reader, body)
        for key, vals in custom_data.items():
            pages[0].tags.setdefault(key, []).extend(vals)
        if reader.problems:
            pages[0].tags[PROBLEM_TAG] = reader.problems
        return pages


def _index(reader: _Reader, document: ET.Element, doc_dir: str, index_name: str, entry_name: str) -> list[tuple[ET.Element, str]]:
    """The entries of an index part Document.xml names (CustomTags, Attachments), each
    with the path of the file it points at."""
    loc = _find(document, index_name)
    if loc is None or not (loc.text or "").strip():
        return []
    index_path = _resolve(doc_dir, loc.text)
    out = []
    for entry in _iter(reader.part.xml(index_path), entry_name):
        file_loc = _find(entry, "FileLoc")
        if file_loc is not None and (file_loc.text or "").strip():
            out.append((entry, _resolve(posixpath.dirname(index_path), file_loc.text)))
    return out


def _read_tags(reader: _Reader, document: ET.Element, doc_dir: str, pages: list[Page], texts, page_of) -> None:
    for _, loc in _index(reader, document, doc_dir, "CustomTags", "CustomTag"):
        tag_root = reader.optional(f"custom tag file {loc}", _lenient, reader, loc)
        if tag_root is None:
            continue
        for number, values in _tag_values(tag_root, texts, page_of).items():
            for key, vals in values.items():
                pages[min(number, len(pages)) - 1].tags.setdefault(key, []).extend(vals)


def _read_attachments(reader: _Reader, document: ET.Element, doc_dir: str, pages: list[Page]) -> None:
    """The issuer's own invoice data attached to the file (original_invoice.xml of the
    older e-invoices, a 数电票 XML, the XBRL of a bank 回单): its fields go on page 1 as
    tags, under keys the printed page's tags have not already filled."""
    from ingest.xml_invoice import attachment_tags, receipt_tags

    for att, path in _index(reader, document, doc_dir, "Attachments", "Attachment"):
        if not path.lower().endswith((".xml", ".xbrl")) and (att.get("Format") or "").lower() not in ("xml", "xbrl"):
            continue
        root = reader.optional(f"attachment {path}", reader.part.xml, path)
        if root is None:
            continue
        for key, vals in {**receipt_tags(root), **attachment_tags(root)}.items():
            if key not in pages[0].tags:
                pages[0].tags[key] = vals


def _check_signatures(reader: _Reader, body: ET.Element) -> None:
    """Signatures are not verified here; a signature list that OFD.xml names but that is
    missing or unreadable is still worth telling the reviewer."""
    loc = _text_at(body, "Signatures")
    if loc and loc.strip():
        reader.optional("signatures", reader.part.xml, _resolve("", loc))


# --------------------------------------------------------------------------- glyph outlines

OUTLINE_PX_PER_MM = 8.0  # ≈ 200 dpi: what OCR reads an invoice's small print at
_PATH_TOKEN = re.compile(r"[A-Za-z]|-?\d*\.?\d+(?:[eE][-+]?\d+)?")


def _subpaths(data: str) -> list[list[tuple[float, float]]]:
    """AbbreviatedData (S/M start, L line, Q quadratic, B cubic, A arc, C close) as
    polylines, curves flattened."""
    tokens = _PATH_TOKEN.findall(data or "")
    paths: list[list[tuple[float, float]]] = []
    cur: list[tuple[float, float]] = []
    i = 0

    def nums(n: int) -> list[float]:
        nonlocal i
        out = [float(t) for t in tokens[i:i + n]]
        i += n
        return out

    while i < len(tokens):
        op = tokens[i]
        i += 1
        try:
            if op in ("S", "M"):
                if len(cur) > 1:
                    paths.append(cur)
                x, y = nums(2)
                cur = [(x, y)]
            elif op == "L":
                cur.append(tuple(nums(2)))
            elif op == "Q" and cur:
                (x0, y0), (x1, y1, x2, y2) = cur[-1], nums(4)
                cur += [((1 - t) ** 2 * x0 + 2 * (1 - t) * t * x1 + t * t * x2, (1 - t) ** 2 * y0 + 2 * (1 - t) * t * y1 + t * t * y2)
                        for t in (k / 8 for k in range(1, 9))]
            elif op == "B" and cur:
                (x0, y0), (x1, y1, x2, y2, x3, y3) = cur[-1], nums(6)
                cur += [((1 - t) ** 3 * x0 + 3 * (1 - t) ** 2 * t * x1 + 3 * (1 - t) * t * t * x2 + t ** 3 * x3,
                         (1 - t) ** 3 * y0 + 3 * (1 - t) ** 2 * t * y1 + 3 * (1 - t) * t * t * y2 + t ** 3 * y3)
                        for t in (k / 10 for k in range(1, 11))]
            elif op == "A":
                *_, x, y = nums(7)  # an arc: its end point is close enough for reading glyphs
                cur.append((x, y))
            elif op in ("C", "Z"):
                if len(cur) > 1:
                    paths.append(cur)
                cur = [cur[0]] if cur else []
        except (ValueError, IndexError):
            break
    if len(cur) > 1:
        paths.append(cur)
    return paths


def _draw_paths(canvas, root: ET.Element, scale: float) -> int:
    import cv2
    import numpy as np

    drawn = 0
    for obj in _iter(root, "PathObject"):
        bx, by, *_ = _floats(obj.get("Boundary")) + [0.0, 0.0]
        a, b, c, d, e, f = (_floats(obj.get("CTM")) + [])[:6] if len(_floats(obj.get("CTM"))) == 6 else (1, 0, 0, 1, 0, 0)
        polys = [np.array([[(a * x + c * y + e + bx) * scale, (b * x + d * y + f + by) * scale] for x, y in path], dtype=np.int32)
                 for path in _subpaths(_text_at(obj, "AbbreviatedData") or "")]
        if not polys:
            continue
        if (obj.get("Fill") or "false").lower() == "true":
            cv2.fillPoly(canvas, polys, 0)  # glyphs: holes (口, 日) stay open as even-odd
        if (obj.get("Stroke") or "true").lower() == "true":
            width = max(1, round(float(obj.get("LineWidth") or 0.353) * scale))
            cv2.polylines(canvas, polys, True, 0, width)
        drawn += 1
    return drawn


def _media(part: _Part, document: ET.Element, doc_dir: str, content: ET.Element) -> dict[str, str]:
    """MultiMedia resource ID → zip member path, from the document's public and document
    resources and the page's own (each file's BaseLoc names the folder its media sit in)."""
    common = _find(document, "CommonData")
    locs = [(doc_dir, e.text) for name in ("PublicRes", "DocumentRes") for e in (_children(common, name) if common is not None else [])]
    locs += [(doc_dir, e.text) for e in _children(content, "PageRes")]
    out: dict[str, str] = {}
    for base, loc in locs:
        if not (loc or "").strip():
            continue
        path = _resolve(base, loc)
        try:
            res = part.xml(path)
        except OfdError:
            continue
        media_dir = _resolve(posixpath.dirname(path), res.get("BaseLoc", "")) if res.get("BaseLoc") else posixpath.dirname(path)
        for mm in _iter(res, "MultiMedia"):
            file = _text_at(mm, "MediaFile")
            if mm.get("ID") and (file or "").strip():
                out[mm.get("ID")] = _resolve(media_dir, file)
    return out


def _draw_images(canvas, root: ET.Element, scale: float, part: _Part, media: dict[str, str], problems: list[str]) -> int:
    """Image objects (a scanned page saved as OFD) drawn where their CTM puts the unit square,
    JBIG2 ones decoded by ingest.jbig2; an image that cannot be decoded or is over the pixel
    budget is left out, its reason told in `problems`."""
    import cv2
    import numpy as np

    from ingest import jbig2
    from ingest.image import ImageError, OverBudget, iter_frames

    drawn = 0
    for obj in _iter(root, "ImageObject"):
        member = part.names.get(posixpath.normpath(media.get(obj.get("ResourceID"), "").lstrip("/")).lower())
        if member is None or part.zf.getinfo(member).file_size > limit("ofd_part_bytes"):
            continue
        raw = part.zf.read(member)
        try:
            if jbig2.is_jbig2(raw, member):
                pixels = jbig2.decode(raw, member)
            else:
                pixels = cv2.cvtColor(next(iter_frames(raw, member)), cv2.COLOR_BGR2GRAY)
        except (ImageError, OverBudget, StopIteration, OSError, ValueError) as exc:
            problems.append(str(exc) or f"{member}: image not decoded")
            continue
        bx, by, bw, bh = (_floats(obj.get("Boundary")) + [0.0] * 4)[:4]
        ctm = _floats(obj.get("CTM"))
        a, b, c, d, e, f = ctm if len(ctm) == 6 else (bw, 0.0, 0.0, bh, 0.0, 0.0)
        h, w = pixels.shape
        # image pixel (u, v) → unit square (u/w, v/h) → CTM → page mm (+ Boundary) → canvas px
        to_canvas = np.float32([[scale * a / w, scale * c / h, scale * (e + bx)], [scale * b / w, scale * d / h, scale * (f + by)]])
        warped = cv2.warpAffine(pixels, to_canvas, (canvas.shape[1], canvas.shape[0]), flags=cv2.INTER_AREA,
                                borderMode=cv2.BORDER_CONSTANT, borderValue=255)
        np.minimum(canvas, warped, out=canvas)  # ink over paper, as the viewers' Darken blend
        drawn += 1
    return drawn


def page_picture(data: bytes, number: int, px_per_mm: float = OUTLINE_PX_PER_MM, problems: list[str] | None = None):
    """Page `number` drawn for OCR when it has no text objects of its own: its text only as
    glyph outlines (path objects), or a scanned page saved as OFD (image objects). The
    template's drawings and labels are drawn with it. (image, what was drawn), or None when
    the page has text of its own or nothing is drawn; images left out are told in `problems`."""
    import numpy as np

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        part = _Part(zf, {posixpath.normpath(n.lstrip("/")).lower(): n for n in zf.namelist()})
        body = _find(part.xml("OFD.xml"), "DocBody")
        doc_path = _resolve("", _text_at(body, "DocRoot") or "")
        doc_dir = posixpath.dirname(doc_path)
        document = part.xml(doc_path)
        locs = _page_locs(document, part, doc_dir)
        if not 1 <= number <= len(locs):
            return None
        content = part.xml(locs[number - 1][1])
        if any((code.text or "").strip() for code in _iter(content, "TextCode")):
            return None  # its text is text, read directly (text objects of blanks do not count)
        if next(_iter(content, "PathObject"), None) is None and next(_iter(content, "ImageObject"), None) is None:
            return None
        box = _floats(_text_at(content, "Area", "PhysicalBox")) or _floats(_text_at(document, "CommonData", "PageArea", "PhysicalBox"))
        w_mm, h_mm = (box[2], box[3]) if len(box) == 4 else A4_MM
        # a page declared poster-sized is drawn smaller, as a PDF page is (DOSSIER_MAX_PAGE_PIXELS)
        px_per_mm = min(px_per_mm, math.sqrt(limit("page_pixels") / max(w_mm * h_mm, 1e-6)))
        canvas = np.full((max(1, int(h_mm * px_per_mm)), max(1, int(w_mm * px_per_mm))), 255, dtype=np.uint8)
        roots = [content]
        templates = {t.get("ID"): _resolve(doc_dir, t.get("BaseLoc", "")) for t in _iter(document, "TemplatePage")}
        for tpl in _iter(content, "Template"):
            try:
                roots.append(part.xml(templates.get(tpl.get("TemplateID")) or ""))
            except OfdError:
                continue
        media = _media(part, document, doc_dir, content)
        problems = [] if problems is None else problems
        images = sum(_draw_images(canvas, root, px_per_mm, part, media, problems) for root in roots)
        outlines = sum(_draw_paths(canvas, root, px_per_mm) for root in roots)
        if not images and not outlines:
            return None
        what = " and ".join(w for w, n in (("glyph outlines", outlines), ("images", images)) if n) + " rendered"
        # the template's own text objects (the form's labels) drawn too, so OCR reads the
        # page whole, labels and values in one reading
        return np.dstack([_draw_words(canvas, [w for root in roots[1:] for w in _text_words(root)[0]], px_per_mm)] * 3), what


_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
          "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/arphic/uming.ttc")


def _draw_words(canvas, words: list[Word], scale: float):
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    font_file = next((f for f in _FONTS if posixpath.exists(f)), None)
    if not words or font_file is None:
        return canvas
    img = Image.fromarray(canvas)
    draw = ImageDraw.Draw(img)
    for w in words:
        size = max(6, int(w.box.height * scale / 1.0))
        draw.text((w.box.x0 * scale, w.box.y0 * scale), w.text, font=ImageFont.truetype(font_file, size), fill=0)
    return np.array(img)
