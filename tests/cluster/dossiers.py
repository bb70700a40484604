"""Small text-layer dossiers (no OCR) for the cluster tests: distinct by folder name."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"


def make_text_dossier(folder: Path, seed: int = 0) -> Path:
    folder.mkdir(parents=True)
    notice = SAMPLES / "standard_notice_1_text_pdf.pdf"
    shutil.copy(notice, folder / "notice.pdf")
    shutil.copy(SAMPLES / "contract_1_text_pdf.pdf", folder / "contract.pdf")
    lead = json.loads(notice.with_suffix(".json").read_text(encoding="utf-8"))["fields"]["drafting_units"][0]
    manifest = {"applicant_name": lead, "clauses": ["art2", "art7.2"], "year": 2021 + seed % 3, "facts": {"in_district": True}}
    (folder / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    return folder
