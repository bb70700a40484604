"""Document families as data: one YAML file per family under extract/families/<doc_type>/.

A family is one real template of a document kind (the 技术合同示范文本's 技术开发 contract, a
数电票, a paper 副本 licence …): the cues that recognise it, the label variants of each field
in priority order, anchors, regexes, blocks (start/end anchors) and options. The shared
layout code reads them, so adding a family is adding a file and its test, not another branch
in a field module (as invoice2data keeps one template per issuer).

    families(doc_type) -> list[Family]       every family of a kind, validated, cached
    detect(doc_type, text) -> Family | None  the most specific family whose cues the text carries

A YAML file that does not validate is an error at load naming that file: a typo in a family
must not silently turn a template off.

What every family of a kind shares (the business licences' overprint words) lives once, in
`_defaults.yaml` beside them: its labels, anchors, patterns, blocks and options are each
family's unless the family sets the same key; a key ending in `+` (`overprints+: [...]`) adds
to the default list instead of replacing it.
"""
from __future__ import annotations

import re
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

ROOT = Path(__file__).parent


class FamilyError(ValueError):
    """A family file that cannot be used; the message names the file."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cues(_Strict):
    """Words that recognise a family in a document's text (matched after norm(): full-width
    to half-width, no whitespace). `fuzzy`: cues of four characters or more may carry one
    OCR slip per four characters."""

    all_of: list[str] = Field(default_factory=list)
    any_of: list[str] = Field(default_factory=list)
    none_of: list[str] = Field(default_factory=list)
    fuzzy: bool = True

    @model_validator(mode="after")
    def _something(self) -> "Cues":
        if not (self.all_of or self.any_of):
            raise ValueError("detect needs all_of or any_of")
        return self


class Block(_Strict):
    """A region of the document between a start anchor and the next end anchor (the
    购买方 block, a contract's signature page)."""

    start: list[str] = Field(min_length=1)
    end: list[str] = Field(default_factory=list)


class Family(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    doc_type: str
    name: str
    # where the layout comes from: a public template's address or the real document it was read off
    source: str = Field(min_length=4)
    detect: Cues
    # field -> label variants, in priority order
    labels: dict[str, list[str]] = Field(default_factory=dict)
    anchors: dict[str, list[str]] = Field(default_factory=dict)
    # name -> regex, compiled once (see `regex`)
    patterns: dict[str, str] = Field(default_factory=dict)
    blocks: dict[str, Block] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)
    # a specific family outranks a generic one whose cues also hold (the 甲方/乙方 catch-all)
    priority: int = 0

    @field_validator("labels", "anchors")
    @classmethod
    def _non_empty(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for key, words in v.items():
            if not words or not all(isinstance(w, str) and w for w in words):
                raise ValueError(f"{key}: needs at least one non-empty string")
        return v

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, v: dict[str, str]) -> dict[str, str]:
        for key, pattern in v.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern {key!r} does not compile: {exc}") from exc
        return v

    @cached_property
    def regex(self) -> dict[str, re.Pattern[str]]:
        return {k: re.compile(p) for k, p in self.patterns.items()}

    def label(self, field: str) -> list[str]:
        return list(self.labels.get(field, ()))

    def option(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)

    def score(self, text: str) -> float | None:
        """How well `text` (already norm()-ed) carries this family's cues: None when a
        required cue is missing, an excluded one present, or no any_of cue is there; else
        the number of cues found, a fuzzy find counting its match score."""
        cues = self.detect
        total = 0.0
        for cue in cues.all_of:
            s = _find(text, cue, cues.fuzzy)
            if not s:
                return None
            total += s
        if any(_find(text, cue, False) for cue in cues.none_of):
            return None
        if cues.any_of:
            found = [s for s in (_find(text, cue, cues.fuzzy) for cue in cues.any_of) if s]
            if not found:
                return None
            total += sum(found)
        return total


def _find(text: str, cue: str, fuzzy: bool) -> float:
    from extract.layout import fuzzy_find, norm

    cue = norm(cue)
    if cue in text:
        return 1.0
    if not fuzzy or len(cue) < 4:
        return 0.0
    hits = fuzzy_find(text, cue)
    return max((h[2] for h in hits), default=0.0)


DEFAULTS = "_defaults.yaml"
_SHARED = ("labels", "anchors", "patterns", "blocks", "options")


def _read(path: Path, what: str) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FamilyError(f"{path}: cannot read {what}: {exc}") from exc
    if not isinstance(data, dict):
        raise FamilyError(f"{path}: a {what} file must be a mapping, got {type(data).__name__}")
    return data


def _defaults(folder: Path) -> dict[str, dict]:
    path = folder / DEFAULTS
    if not path.is_file():
        return {}
    data = _read(path, "family defaults")
    wrong = sorted(k for k, v in data.items() if k not in _SHARED or not isinstance(v, dict))
    if wrong:
        raise FamilyError(f"{path}: defaults may set only the mappings {', '.join(_SHARED)}; not {', '.join(map(str, wrong))}")
    return data


def _inherit(data: dict, defaults: dict[str, dict], path: Path) -> dict:
    """The family's own sections over its kind's defaults, key by key; `key+` extends a list."""
    for section in _SHARED:
        shared, own = defaults.get(section, {}), data.get(section) or {}
        if not isinstance(own, dict) or not (shared or own):
            continue  # a wrong type is left for validation to name
        merged = dict(shared)
        for key, value in own.items():
            if isinstance(key, str) and key.endswith("+"):
                base = merged.get(key[:-1], [])
                if not isinstance(value, list) or not isinstance(base, list):
                    raise FamilyError(f"{path}: {section}.{key} extends a list, and needs a list")
                merged[key[:-1]] = [*base, *value]
            else:
                merged[key] = value
        data[section] = merged
    return data


def load_file(path: Path) -> Family:
    """One family file over its folder's defaults, validated; its folder is its doc_type."""
    data = _inherit(_read(path, "family"), _defaults(path.parent), path)
    data.setdefault("doc_type", path.parent.name)
    try:
        family = Family.model_validate(data)
    except ValidationError as exc:
        raise FamilyError(f"{path}: invalid family: {exc}") from exc
    if family.doc_type != path.parent.name:
        raise FamilyError(f"{path}: doc_type {family.doc_type!r} but the file is under {path.parent.name!r}")
    return family


def load_dir(folder: Path) -> tuple[Family, ...]:
    found = tuple(load_file(p) for p in sorted(folder.glob("*.y*ml")) if p.suffix in (".yaml", ".yml") and p.name != DEFAULTS)
    ids = [f.id for f in found]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise FamilyError(f"{folder}: family ids used twice: {', '.join(dupes)}")
    return found


@cache
def families(doc_type: str) -> tuple[Family, ...]:
    """Every family of `doc_type` (a DocType or its value), in file-name order; none is ()."""
    doc_type = getattr(doc_type, "value", doc_type)
    folder = ROOT / doc_type
    return load_dir(folder) if folder.is_dir() else ()


def family(doc_type: str, family_id: str) -> Family:
    for f in families(doc_type):
        if f.id == family_id:
            return f
    raise KeyError(f"no family {family_id!r} for {getattr(doc_type, 'value', doc_type)}")


def detect(doc_type: str, text: str) -> Family | None:
    """Of the families of `doc_type` whose cues hold on `text`: the highest priority, then
    the most cues found, then file order; None when no family's cues hold."""
    from extract.layout import norm

    text = norm(text)
    best: tuple[float, int, int] | None = None
    chosen = None
    for i, fam in enumerate(families(doc_type)):
        s = fam.score(text)
        if s is None:
            continue
        key = (fam.priority, s, -i)
        if best is None or key > best:
            best, chosen = key, fam
    return chosen


__all__ = ["Block", "Cues", "Family", "FamilyError", "detect", "families", "family", "load_dir", "load_file"]
