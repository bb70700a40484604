"""Which standard family a document is: the YAML families under
extract/families/standard_notice/ (one per real form: national, MIIT industry, provincial,
group, ISO/IEC/ITU, the standard's own text), detected on the document's text."""
from __future__ import annotations

from core.models import Document
from extract.families import Family, detect, family

DOC_TYPE = "standard_notice"


def family_of(doc: Document) -> Family | None:
    return detect(DOC_TYPE, doc.text)


def standard_text() -> Family:
    return family(DOC_TYPE, "standard_text")


def kind(fam: Family | None) -> str:
    """notice | text | publication; a document no family recognises reads as a notice."""
    return fam.option("kind", "notice") if fam is not None else "notice"
