"""Parameters of the policy, loaded from a versioned YAML file (rules/parameters/*.yaml).

Auditors re-run an assessment years later with the rule set it was made with: every
Assessment carries `rule_set_version` ("<name>/<version>+<hash> code <package>+<hash>": the
parameters and the rule code that read them) and `parameters_source`, and `load_parameters`
takes that stamp (or an older parameters-only one, or a path) back. When the stamp's code
hash is not the running code's, the parameters remember it and the assessment says so.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib import metadata
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

RULES_DIR = Path(__file__).parent
PARAMETERS_DIR = RULES_DIR / "parameters"
DEFAULT_FILE = PARAMETERS_DIR / "hp-ii-2019-9.yaml"
_CODE_MARK = " code "
# Settings added after 1.0.0: absent (None) in an older file, and then left out of its
# content hash, so an older file keeps the hash its stamps were made with.
_LATER = {"district_city", "other_districts", "commitment_promises", "industrial_internet_keywords",
          "item_keywords", "seller_keywords"}


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Validity(_M):
    from_: dt.date = Field(alias="from")
    until: dt.date


class Value(_M):
    """One number of the policy with the clause and the words that set it."""

    value: Decimal
    clause: str
    phrase: str
    valid: Validity


class Tier(Value):
    threshold: Decimal


class Setting(_M):
    """A non-numeric choice (text, list, integer) with its source."""

    value: Any
    clause: str
    phrase: str


class Publication(_M):
    date: dt.date
    status: Literal["official", "assumed"]
    earliest: dt.date
    latest: dt.date
    source: str


class ClauseParams(_M):
    title_zh: str
    title_en: str
    citation: str
    doc_types: list[str] = Field(default_factory=list)  # fallback routing of untagged documents
    rate: Value | None = None
    per_unit: Value | None = None
    annual_cap: Value | None = None  # per enterprise per award year (ledger, same year)
    cumulative_cap: Value | None = None  # per enterprise across all years (ledger)
    award_cap: Value | None = None  # ceiling of one award
    tiers: list[Tier] = Field(default_factory=list)
    levels: dict[str, Value] = Field(default_factory=dict)
    one_time: bool = False
    platform_kind: str | None = None
    item_keywords: Setting | None = None  # what the clause pays for, read in invoice item names
    seller_keywords: Setting | None = None  # who may sell it, read in the seller's name

    @property
    def title(self) -> str:
        return f"{self.title_zh} / {self.title_en}"


class Parameters(_M):
    name: str
    version: str
    policy: str
    title: str
    publication: Publication
    validity_years: Setting
    invoice_amount_basis: Setting
    district_keywords: Setting
    commitment_years: Setting
    art10_ledger_mode: Setting
    valid: Validity
    clauses: dict[str, ClauseParams]
    district_city: Setting | None = None  # the city every district address must name
    other_districts: Setting | None = None  # the city's other districts: an address there is outside
    commitment_promises: Setting | None = None  # the letter's promises: id → phrases that make one
    industrial_internet_keywords: Setting | None = None  # art7.2: the standard's subject, by its title
    source: str = ""  # where these were loaded from (not part of the content hash)
    stamped_code: str | None = None  # the code version of the stamp these were loaded by, when not the running code

    @field_validator("invoice_amount_basis")
    @classmethod
    def _basis(cls, v: Setting) -> Setting:
        if v.value not in ("total_amount", "amount_excl_tax"):
            raise ValueError(f"invoice_amount_basis must be total_amount or amount_excl_tax, not {v.value!r}")
        return v

    def clause(self, clause_id: str) -> ClauseParams:
        return self.clauses[clause_id]

    @property
    def content_hash(self) -> str:
        payload = self.model_dump(mode="json", by_alias=True, exclude={"source", "stamped_code"})
        for node in [payload, *payload["clauses"].values()]:
            for key in _LATER & {k for k, v in node.items() if v is None}:
                del node[key]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:8]

    @property
    def parameters_version(self) -> str:
        return f"{self.name}/{self.version}+{self.content_hash}"

    @property
    def code_version(self) -> str:
        """The package's version and a hash of the rule code (rules/*.py) with these parameters."""
        return f"{_package_version()}+{_code_hash(self.content_hash)}"

    @property
    def rule_set_version(self) -> str:
        return f"{self.parameters_version}{_CODE_MARK}{self.code_version}"

    @property
    def code_note(self) -> str | None:
        """Said on an assessment re-run from a stamp whose rule code is not the running code."""
        if not self.stamped_code or self.stamped_code == self.code_version:
            return None
        return (f"规则代码与原盖章不同：原 {self.stamped_code}，现 {self.code_version}；结果可能因代码变化而不同 / "
                f"the rule code differs from the stamp's: stamped {self.stamped_code}, running {self.code_version}; "
                f"results may differ because the code changed")

    # --- the validity window -------------------------------------------------------

    def _end(self, published: dt.date) -> dt.date:
        years = int(self.validity_years.value)
        try:
            end = published.replace(year=published.year + years)
        except ValueError:  # 29 February
            end = published.replace(year=published.year + years, day=28)
        return end - dt.timedelta(days=1)

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        """First and last day surely inside the window, whatever the true publication date."""
        return self.publication.latest, self._end(self.publication.earliest)

    @property
    def outer_window(self) -> tuple[dt.date, dt.date]:
        """First and last day possibly inside the window."""
        return self.publication.earliest, self._end(self.publication.latest)

    def in_window(self, day: dt.date) -> Literal["inside", "uncertain", "outside"]:
        lo, hi = self.outer_window
        if day < lo or day > hi:
            return "outside"
        a, b = self.window
        return "inside" if a <= day <= b else "uncertain"

    @property
    def assumption_note(self) -> str | None:
        if self.publication.status == "official":
            return None
        lo, hi = self.outer_window
        return (
            f"假设：政策公布日期未经核实（参数取 {self.publication.date.isoformat()}，可能范围 "
            f"{self.publication.earliest.isoformat()}–{self.publication.latest.isoformat()}），有效期内外不确定的日期交评审判断。"
            f" / ASSUMPTION: the policy's publication date is not verified (parameter {self.publication.date.isoformat()}, "
            f"possible {self.publication.earliest.isoformat()} to {self.publication.latest.isoformat()}); dates that may fall "
            f"either side of the 3-year window ({lo.isoformat()} to {hi.isoformat()} at the widest) go to a reviewer. "
            f"Source: {self.publication.source}"
        )


class ParametersError(ValueError):
    pass


def _read(path: Path) -> Parameters:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Parameters.model_validate({**data, "source": _display(path)})
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise ParametersError(f"cannot load parameters {path}: {exc}") from exc


def code_change(before: str | None, after: str) -> str | None:
    """What an audit says when the rule code of two stamps differs: a stamp from before the
    code was stamped, or another code hash. None when the code is the same (or no baseline)."""
    if not before:
        return None
    old, new = before.partition(_CODE_MARK)[2].strip(), after.partition(_CODE_MARK)[2].strip()
    if old == new:
        return None
    return (f"规则代码已变：{old or '（原盖章未记录代码版本）'} → {new} / rule code changed: "
            f"{old or '(the baseline stamp predates code stamping)'} → {new}")


@lru_cache(maxsize=1)  # the installed metadata is read once: every assessment is stamped with it
def _package_version() -> str:
    try:
        return metadata.version("dossier")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@lru_cache(maxsize=8)
def _code_hash(params_hash: str) -> str:
    h = hashlib.sha256(params_hash.encode())
    for path in sorted(RULES_DIR.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:8]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(__file__).resolve().parent.parent))
    except ValueError:
        return str(path)


@lru_cache(maxsize=32)
def _cached(path: str, mtime: float) -> Parameters:
    return _read(Path(path))


def load_parameters(version_or_path: str | Path | None = None) -> Parameters:
    """The current parameters (None), a file (path), or the shipped file whose version is
    `version_or_path`: "1.0.0", "hp-ii-2019-9/1.0.0", a parameters version with hash (which
    must then match the content exactly), or a whole stamp "… code <package>+<hash>", whose
    code part is remembered when it is not the running code's (`Parameters.code_note`)."""
    if version_or_path is None:
        path = DEFAULT_FILE
    else:
        wanted, _, code = str(version_or_path).partition(_CODE_MARK)
        path = Path(wanted)
        if not path.is_file():
            p = _by_version(wanted.strip())
            return p if not code or code.strip() == p.code_version else p.model_copy(update={"stamped_code": code.strip()})
    return _cached(str(path.resolve()), path.stat().st_mtime)


def _by_version(wanted: str) -> Parameters:
    name, _, rest = wanted.rpartition("/") if "/" in wanted else ("", "", wanted)
    version, _, digest = rest.partition("+")
    seen = []
    for path in sorted(PARAMETERS_DIR.glob("*.y*ml")):
        p = _cached(str(path.resolve()), path.stat().st_mtime)
        seen.append(p.parameters_version)
        if p.version == version and (not name or p.name == name) and (not digest or p.content_hash == digest):
            return p
    raise ParametersError(f"no parameters file or version {wanted!r}; shipped: {', '.join(seen) or 'none'}")
