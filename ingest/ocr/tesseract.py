"""Tesseract through its CLI (chi_sim+eng), TSV output grouped into lines."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from core.models import Box, Line, Word
from ingest.ocr.base import EngineUnavailable


@lru_cache(maxsize=1)
def _tesseract_version(binary: str) -> str:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].strip() if first else "unknown"


def _joined(words: list[Word]) -> str:
    # Tesseract splits Chinese into single-character "words"; only Latin words want spaces.
    text = ""
    for w in words:
        if text and text[-1].isascii() and text[-1].isalnum() and w.text[0].isascii() and w.text[0].isalnum():
            text += " "
        text += w.text
    return text


class TesseractEngine:
    name = "tesseract"

    def __init__(self, lang: str = "chi_sim+eng", psm: int = 3, timeout: float = 120.0):
        binary = shutil.which("tesseract")
        if binary is None:
            raise EngineUnavailable("tesseract: the `tesseract` program is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
        langs = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
        missing = [lang_ for lang_ in lang.split("+") if lang_ not in langs]
        if missing:
            raise EngineUnavailable(f"tesseract: language data missing: {', '.join(missing)}")
        self.binary = binary
        self.timeout = timeout
        self.version = _tesseract_version(binary)
        self.settings: dict[str, Any] = {"lang": lang, "psm": psm}

    def read(self, image: np.ndarray) -> list[Line]:
        with tempfile.TemporaryDirectory(prefix="dossier-tess-") as tmp:
            src = Path(tmp) / "page.png"
            cv2.imwrite(str(src), image)
            out = subprocess.run(
                [self.binary, str(src), "stdout", "-l", self.settings["lang"], "--psm", str(self.settings["psm"]), "tsv"],
                capture_output=True, text=True, timeout=self.timeout,
            )
        if out.returncode != 0:
            raise RuntimeError(f"tesseract failed: {out.stderr.strip()[:300]}")
        return _lines_from_tsv(out.stdout)


def _lines_from_tsv(tsv: str) -> list[Line]:
    groups: dict[tuple[int, int, int, int], list[Word]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        x, y, w, h = (int(row[k]) for k in ("left", "top", "width", "height"))
        conf = max(float(row.get("conf") or 0), 0.0) / 100.0
        key = tuple(int(row[k]) for k in ("page_num", "block_num", "par_num", "line_num"))
        groups.setdefault(key, []).append(Word(text=text, box=Box(x0=x, y0=y, x1=x + w, y1=y + h), confidence=conf))
    lines = []
    for words in groups.values():
        box = words[0].box
        for w in words[1:]:
            box = box.union(w.box)
        conf = sum(w.confidence for w in words) / len(words)
        lines.append(Line(text=_joined(words), box=box, confidence=conf, words=words))
    return lines
