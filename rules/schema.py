"""The claim-set JSON Schema, for anyone writing claim sets by hand or from another system.
`python -m rules.schema` rewrites rules/schema/claimset.schema.json."""
from __future__ import annotations

import json
from pathlib import Path

from core.models import ClaimSet

SCHEMA_FILE = Path(__file__).parent / "schema" / "claimset.schema.json"


def claimset_json_schema() -> dict:
    return ClaimSet.model_json_schema()


def schema_text() -> str:
    return json.dumps(claimset_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schema(path: Path = SCHEMA_FILE) -> Path:
    path.write_text(schema_text(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_schema())
