"""XML from applicants, parsed with defusedxml: no DTD, so no entities (billion laughs) and
no external references, whatever the encoding the bytes declare or wherever the DOCTYPE
sits. Encodings expat does not know itself (GBK, GB18030, …) are decoded with Python's
codecs first."""
from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

ParseError = ET.ParseError
_DECLARED = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_EXPAT_NATIVE = {"utf-8", "utf-16", "iso8859-1", "ascii"}
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class UnsafeXml(ValueError):
    """A DTD, an entity or an external reference: refused, never expanded."""


def _transcoded(data: bytes) -> bytes:
    """UTF-8 bytes for a document whose declared encoding expat cannot read itself."""
    if data.startswith(_BOMS) or data[:2] in (b"<\x00", b"\x00<"):
        return data  # UTF-8/UTF-16 by their marks: expat's own
    match = _DECLARED.match(data[:200])
    if not match:
        return data
    try:
        codec = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return data  # expat reports the unknown encoding
    if codec in _EXPAT_NATIVE:
        return data
    text = data.decode(codec, "replace")
    return re.sub(r"^(\s*<\?xml[^>]*?encoding\s*=\s*)[\"'][^\"']*[\"']", r'\1"UTF-8"', text, count=1).encode("utf-8")


def parse_xml(data: bytes) -> ET.Element:
    """Raises UnsafeXml for a DTD (with or without entities), ParseError for bad XML."""
    try:
        return fromstring(_transcoded(data), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeXml(f"XML with a DOCTYPE/entities is refused ({type(exc).__name__})") from exc
