"""Every budget intake keeps, in one table: pixels, bytes, members, depth, pages.

Each is read from its environment variable when it is used (so a test or an operator can
change it without a restart of anything but the command), falling back to the default
here; a value that is no whole number above 0 is an error naming the variable. README.md
("Limits") lists the same table.
"""
from __future__ import annotations

from core import settings

MB = 1024 * 1024

# name → (environment variable, default, what it bounds)
LIMITS: dict[str, tuple[str, int, str]] = {
    "file_bytes": ("DOSSIER_MAX_FILE_BYTES", 100 * MB, "bytes of one file (on disk or expanded from a zip)"),
    "dossier_bytes": ("DOSSIER_MAX_DOSSIER_BYTES", 200 * MB, "bytes expanded from the zips of one dossier"),
    "zip_ratio": ("DOSSIER_MAX_ZIP_RATIO", 100, "expanded ÷ compressed bytes, per member over 256 KB and per dossier zip over 16 MB"),
    "zip_members": ("DOSSIER_MAX_ZIP_MEMBERS", 1000, "members of one zip; the rest get a row each, not read"),
    "zip_depth": ("DOSSIER_MAX_ZIP_DEPTH", 3, "zips inside zips opened; deeper ones get a row 'nested too deep'"),
    "pdf_pages": ("DOSSIER_MAX_PAGES", 500, "pages of one PDF"),
    "page_pixels": ("DOSSIER_MAX_PAGE_PIXELS", 40_000_000, "pixels of one rendered PDF page (or OFD page drawn for OCR); larger pages are rendered smaller"),
    "page_points": ("DOSSIER_MAX_PAGE_POINTS", 14400, "side of a PDF page in points (200 in); larger pages are refused"),
    "image_pixels": ("DOSSIER_MAX_PIXELS", 80_000_000, "pixels of one image frame, checked from its header"),
    "image_frames": ("DOSSIER_MAX_FRAMES", 500, "frames of one TIFF/GIF"),
    "image_total_pixels": ("DOSSIER_MAX_TOTAL_PIXELS", 2_000_000_000, "pixels of all frames of one image file, decoded one at a time"),
    "ofd_part_bytes": ("DOSSIER_MAX_OFD_PART_BYTES", 50 * MB, "bytes of one XML part of an OFD, from its zip directory; a larger part is not read"),
}

# Below these, a high compression ratio is ordinary (text PDFs, XML) and not a bomb.
RATIO_FLOOR_MEMBER = 256 * 1024
RATIO_FLOOR_DOSSIER = 16 * MB


def limit(name: str) -> int:
    """A typo in an override is a SettingError naming it, never the limit lifted or quietly
    back at its default."""
    env, default, what = LIMITS[name]
    return settings.number(env, default, f"the limit of {what}", ge=1)


def check() -> None:
    """Every limit read once: a command says a bad override before it takes anything in."""
    for name in LIMITS:
        limit(name)
