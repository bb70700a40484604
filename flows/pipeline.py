"""Prefect flows: bulk intake of dossiers, and audit re-runs over archived originals.

Tasks pass file references (archive paths, SHA-256) and small pydantic models, never file
bytes. Prefect's default cache policy includes the run id, so it never hits across runs:
the expensive step (OCR) is cached by ingest itself on (file SHA-256, page, engine,
engine version, settings), and tasks here run with caching off.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, Field

from core import home
from core.atomic import write_atomic
from core.decisions import apply_decisions
from core.models import Assessment, ClaimSet, Document, DocumentClaims
from core.store import Store

home.isolate_prefect()

from prefect import flow, task  # noqa: E402  (Prefect reads PREFECT_HOME at import)
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner  # noqa: E402

from extract import extract_document  # noqa: E402
from extract.claimset import build_claimset  # noqa: E402
from extract.recheck import recheck  # noqa: E402
from flows.recovery import transient  # noqa: E402
from ingest.archive import Archive, default_archive, sha256_of  # noqa: E402
from ingest.cache import NoCache, OcrCache  # noqa: E402
from ingest.intake import FileError, IncomingDossier, MemberError, collect, from_printable, release_buffers  # noqa: E402
from ingest.ocr import get_engine  # noqa: E402
from ingest.read import read_document  # noqa: E402
from rules.engine import assess  # noqa: E402
from rules.params import code_change, load_parameters  # noqa: E402

# Set by the CLI to drive a progress bar: called with (event, detail) as files move along.
progress_hook: Callable[[str, str], None] | None = None


def _progress(event: str, detail: str) -> None:
    if progress_hook is not None:
        progress_hook(event, detail)


class FileReport(BaseModel):
    name: str
    sha256: str | None = None
    media_type: str = ""
    status: str = "ok"
    error: str | None = None
    pages: list[str] = Field(default_factory=list)  # how each page was read: text_layer, ocr:engine@v, ofd, xml
    cached_pages: int = 0
    doc_type: str | None = None


class DossierReport(BaseModel):
    dossier_id: str | None
    name: str
    error: str | None = None  # the dossier as a whole could not be processed; its files stay archived
    files: list[FileReport] = Field(default_factory=list)
    total: Decimal = Decimal("0")
    rule_set_version: str | None = None
    assessment_path: str | None = None


class ArchivedFile(BaseModel):
    """What moves between tasks: where the original is, never its bytes."""

    sha256: str
    original_name: str
    path: str
    size: int


def dossier_id_for(name: str, shas: list[str]) -> str:
    """Same dossier handed in again (same name, same files) → same id, so re-intake is idempotent."""
    h = hashlib.sha256((name + "\n" + "\n".join(sorted(shas))).encode()).hexdigest()
    return f"D{h[:12]}"


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[2, 10, 30], retry_condition_fn=transient)
def archive_files(incoming: IncomingDossier, store: Store, archive: Archive | None = None):
    """(dossier id, the dossier it continues or None, archived files, error rows).

    Two passes, one file in memory at a time (zip members are read when needed): hash all
    for the dossier's id, then store each, receipted under the id the store will know it by
    (a folder handed in again continues its dossier: a receipt under the id its new files
    hash to would name a dossier that never exists). A member that turns out damaged or
    larger than declared becomes an error row on the dossier instead of a file."""
    archive = archive or default_archive()
    shas: list[str | None] = []
    errors: list[FileError] = []
    for f in incoming.files:
        if f.archived:
            shas.append(f.archived)
            continue
        try:
            shas.append(sha256_of(f.archive_source())[0])
        except (MemberError, OSError) as exc:
            shas.append(None)
            errors.append(FileError(name=f.name, reason=str(exc) if isinstance(exc, MemberError) else f"cannot be read: {exc}"))
    dossier_id, earlier = continued_dossier(store, dossier_id_for(incoming.name, [s for s in shas if s]), incoming)
    archived = []
    for f, sha in zip(incoming.files, shas):
        if sha is None:
            continue
        if f.archived:
            archived.append(ArchivedFile(sha256=sha, original_name=f.name, path=archive.path(sha), size=f.size))
            continue
        receipt = archive.put(f.archive_source(), f.name, dossier_id)
        archived.append(ArchivedFile(sha256=receipt.sha256, original_name=f.name, path=archive.path(receipt.sha256), size=receipt.size))
    release_buffers()
    return dossier_id, earlier, archived, errors


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[2, 10, 30], retry_condition_fn=transient)
def read_file(ref: ArchivedFile, engine_name: str = "rapidocr", use_cache: bool = True) -> Document:
    _progress("read", ref.original_name)
    # Through the archive, never ref.path: on a worker that shares no disk with the intake
    # (DOSSIER_ARCHIVE_URL on S3) that path is another machine's, or a URL.
    return read_document(
        default_archive().local_copy(ref.sha256),
        ref.sha256,
        ref.original_name,
        engine=get_engine(engine_name),
        cache=OcrCache() if use_cache else NoCache(),
    )


@task(cache_policy=NO_CACHE)
def extract_file(doc: Document, applicant_name: str | None = None) -> DocumentClaims:
    _progress("extract", doc.original_name)
    return extract_document(doc, applicant_name=applicant_name)


def read_all(refs: list[ArchivedFile], engine: str, use_cache: bool = True) -> list[Document]:
    futures = [read_file.submit(ref, engine, use_cache) for ref in refs]
    return [f.result() for f in futures]


def claims_for(store: Store, dossier_id: str, documents: list[Document], manifest, params) -> ClaimSet:
    """Extract every document and build the dossier's claim set: the same steps for a first
    intake and for an audit re-run, so the two can only differ by their inputs."""
    # A notice may publish several standards: the applicant's name picks theirs.
    applicant = manifest.applicant_name if manifest else None
    futures = [extract_file.submit(doc, applicant) for doc in documents]
    return build_claimset(
        dossier_id,
        [f.result() for f in futures],
        manifest,
        window=params.outer_window,
        seen_invoices=store.seen_invoices(dossier_id),
    )


def _write_json(dossier_id: str, assessment: Assessment, claims: ClaimSet) -> Path:
    out = home.sub("out") / dossier_id
    write_atomic(out / "claims.json", claims.model_dump_json(indent=2).encode("utf-8"))
    path = out / "assessment.json"
    write_atomic(path, assessment.model_dump_json(indent=2).encode("utf-8"))
    return path


def _report(dossier_id: str, name: str, documents: list[Document], claims: ClaimSet, errors) -> DossierReport:
    by_doc = {d.document: d for d in claims.documents}
    files = [
        FileReport(
            name=d.original_name,
            sha256=d.sha256,
            media_type=d.media_type,
            status=d.status.value,
            error=d.error,
            pages=[p.source.label for p in d.pages],
            cached_pages=sum(1 for p in d.pages if p.cached),
            doc_type=by_doc[d.sha256].doc_type.value if d.sha256 in by_doc else None,
        )
        for d in documents
    ]
    files += [FileReport(name=e.name, status="error", error=e.reason) for e in errors]
    return DossierReport(dossier_id=dossier_id, name=name, files=files)


def continued_dossier(store: Store, dossier_id: str, incoming: IncomingDossier):
    """(the id this intake writes to, the dossier it continues or None for a first intake).

    The same folder handed in again, its files changed or not, continues its dossier; one left
    `received` (staged by a fan-out batch, or cut off before its first draft) is still a first
    intake."""
    earlier = store.dossier(dossier_id) or store.dossier_from(incoming.name, str(incoming.source))
    if earlier is None:
        return dossier_id, None
    return earlier.id, (None if earlier.status == "received" else earlier)


# pdfium (PDF pages) is not thread-safe: a flow reads one file at a time in its own process,
# and parallel reading is processes (task_runner(workers > 1)) or Dask workers of one thread.
# Prefect's default runner would read a dossier's PDFs in concurrent threads and abort.
SERIAL = ThreadPoolTaskRunner(max_workers=1)


@flow(name="intake-dossier", log_prints=False, task_runner=SERIAL)
def intake_dossier(
    incoming: IncomingDossier,
    engine: str = "rapidocr",
    today: dt.date | None = None,
    database_url: str | None = None,
) -> DossierReport:
    """One dossier: archive → read (text layer or OCR) → classify/extract → rules → draft."""
    store = Store(database_url)
    dossier_id, earlier, archived, unreadable = archive_files(incoming, store)
    files_before = {f.original_name: f.sha256 for f in store.files(dossier_id) if f.status != "removed"}
    errors = incoming.errors + unreadable
    store.upsert_dossier(dossier_id, incoming.name, str(incoming.source), incoming.manifest)
    for err in errors:
        store.link_file(dossier_id, err.name, None, status="error", error=err.reason)

    documents = read_all(archived, engine)
    for doc in documents:
        store.link_file(
            dossier_id, doc.original_name, doc.sha256, doc.media_type, doc.size, doc.status.value, doc.error
        )
        store.save_document(dossier_id, doc)

    params = load_parameters()
    claims = claims_for(store, dossier_id, documents, incoming.manifest, params)
    if earlier is None:
        assessment = settle(store, dossier_id, claims, documents, params, today)
        store.set_status(dossier_id, "in_review", credit_code=claims.applicant.credit_code,
                         applicant_name=claims.applicant.name, year=claims.year)
    else:
        files = file_changes(files_before, {d.original_name: d.sha256 for d in documents}
                             | {e.name: None for e in errors})
        for name in files["removed"]:
            store.link_file(dossier_id, name["name"], name["sha256"], status="removed")
        assessment = reintake(store, dossier_id, claims, documents, params, today, files)
    report = _report(dossier_id, incoming.name, documents, claims, errors)
    report.total = assessment.total
    report.rule_set_version = assessment.rule_set_version
    report.assessment_path = str(_write_json(dossier_id, assessment, claims))
    _progress("done", incoming.name)
    return report


def settle(store: Store, dossier_id: str, claims: ClaimSet, documents: list[Document], params, today,
           ) -> Assessment:
    """A fresh extraction saved, then the working claims made from it and the change log (a
    known dossier's corrections replayed, the cross-checks run again), assessed against the
    applicant's ledger with the reviewer's clause decisions: the draft."""
    store.save_claimset(claims, "extract")
    window = params.outer_window
    by_sha = {d.sha256: d for d in documents}
    claimset_id, working, _ = store.rebuild_claims(dossier_id, refine=lambda c: recheck(c, by_sha, window))
    ledger = store.ledger(working.applicant.credit_code, exclude_dossier=dossier_id)
    assessment = apply_decisions(assess(working, ledger, params, today=today), store.clause_decisions(dossier_id))
    store.save_assessment(assessment, "draft", claimset_id)
    return assessment


def file_changes(before: dict[str, str | None], after: dict[str, str | None]) -> dict[str, list[dict]]:
    """Files added, removed or changed (same name, other content) between two intakes."""
    return {
        "added": [{"name": n, "sha256": after[n]} for n in sorted(after) if n not in before],
        "removed": [{"name": n, "sha256": before[n]} for n in sorted(before) if n not in after],
        "changed": [{"name": n, "sha256": after[n], "was": before[n]} for n in sorted(after)
                    if n in before and before[n] != after[n]],
    }


def reintake(store: Store, dossier_id: str, claims: ClaimSet, documents: list[Document], params, today,
             files: dict[str, list[dict]]) -> Assessment:
    """A known dossier read again: corrections replayed on the new extraction, decisions kept.
    A confirmed dossier goes back to review only when its amounts change (its awards reversed,
    the log says why); otherwise it stays confirmed. The log records what changed in the files."""
    status = store.dossier(dossier_id).status
    assessment = settle(store, dossier_id, claims, documents, params, today)
    changes = store.reopen_if_changed(dossier_id, assessment, "重新接收 / re-intake ")
    if status != "confirmed":
        store.set_status(dossier_id, "in_review", credit_code=claims.applicant.credit_code,
                         applicant_name=claims.applicant.name, year=claims.year)
    said = ", ".join(f"{k} {len(v)}" for k, v in files.items() if v) or "files unchanged"
    stays = ("金额不变，仍为已确认 / amounts unchanged: stays confirmed" if status == "confirmed" and not changes
             else "金额变化，退回审核 / amounts changed: back to review" if changes else "待审核 / in review")
    store.add_event(dossier_id, "reintake", f"重新接收 / re-intake: {said}; {stays}",
                    {"files": files, "corrections_replayed": len(store.corrections(dossier_id)),
                     "amounts_changed": [c.model_dump(mode="json") for c in changes]})
    return assessment


def task_runner(workers: int, kind: str = "process", dask_address: str | None = None):
    """Reading (OCR) is the costly step; with workers > 1 it runs in that many processes,
    each loading the models once and using one thread, so they don't fight over cores.
    `kind="dask"` reads on a Dask cluster instead: a local one of `workers` processes, or the
    scheduler at `dask_address` (prefect-dask, the `[dask]` extra)."""
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        os.environ["DOSSIER_OCR_THREADS"] = "1"
        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": max(workers, 1), "threads_per_worker": 1, "processes": True, "dashboard_address": None})
    if kind != "process":
        raise ValueError(f"unknown task runner {kind!r}: process or dask")
    if workers <= 1:
        return ThreadPoolTaskRunner(max_workers=1)
    os.environ["DOSSIER_OCR_THREADS"] = "1"
    return ProcessPoolTaskRunner(max_workers=workers)


@flow(name="bulk-intake")
def bulk_intake(
    paths: list[str],
    engine: str = "rapidocr",
    workers: int = 1,
    today: dt.date | None = None,
    database_url: str | None = None,
    fan_out: bool = False,
    runner: str = "process",
    dask_address: str | None = None,
) -> list[DossierReport]:
    """Many dossiers at once: each folder or zip is one dossier; a folder of them is many.
    `fan_out` spreads the dossiers over every worker of the `dossier` pool (flows.fanout)."""
    if fan_out:
        from flows.fanout import fan_out as spread

        dossiers = collect([from_printable(p) for p in paths])
        _progress("total", str(sum(len(d.files) for d in dossiers)))
        return spread(dossiers, engine=engine, today=today, database_url=database_url, progress=lambda name: _progress("done", name))
    reports = []
    per_dossier = intake_dossier.with_options(task_runner=task_runner(workers, runner, dask_address))
    dossiers = collect([from_printable(p) for p in paths])
    _progress("total", str(sum(len(d.files) for d in dossiers)))
    for incoming in dossiers:
        _progress("dossier", incoming.name)
        # One dossier failing as a whole (a bug, a full disk) is reported; the batch goes on.
        state = per_dossier(incoming, engine=engine, today=today, database_url=database_url, return_state=True)
        if state.is_completed():
            reports.append(state.result())
        else:
            reports.append(DossierReport(dossier_id=None, name=incoming.name, error=_state_error(state)))
    return reports


def _state_error(state) -> str:
    try:
        state.result()
    except Exception as exc:  # the flow's own exception, re-raised by Prefect
        return f"{type(exc).__name__}: {exc}"
    return state.message or state.name


# --------------------------------------------------------------------------- audit re-runs


class ClauseChange(BaseModel):
    clause_id: str
    before_status: str | None
    after_status: str | None
    before_amount: Decimal | None
    after_amount: Decimal | None
    before_formula: str = ""
    after_formula: str = ""


class AuditDiff(BaseModel):
    dossier_id: str
    baseline_rule_set: str | None
    new_rule_set: str
    baseline_total: Decimal | None
    new_total: Decimal
    changes: list[ClauseChange] = Field(default_factory=list)
    extraction_changes: list[str] = Field(default_factory=list)
    code_note: str | None = None  # the rule code differs from the baseline's stamp (rules.params.code_change)
    ledger_note: str | None = None  # which state of the applicant's ledger the re-run assessed against
    error: str | None = None  # this dossier could not be re-run

    @property
    def unchanged(self) -> bool:
        return (
            self.error is None
            and not self.changes
            and not self.extraction_changes
            and self.baseline_total == self.new_total
        )


def diff_assessments(before: Assessment | None, after: Assessment) -> list[ClauseChange]:
    old = {r.clause_id: r for r in before.results} if before else {}
    new = {r.clause_id: r for r in after.results}
    changes = []
    for cid in sorted(set(old) | set(new)):
        a, b = old.get(cid), new.get(cid)
        if a and b and a.status == b.status and a.amount == b.amount and a.formula == b.formula:
            continue
        changes.append(
            ClauseChange(
                clause_id=cid,
                before_status=a.status.value if a else None,
                after_status=b.status.value if b else None,
                before_amount=a.amount if a else None,
                after_amount=b.amount if b else None,
                before_formula=a.formula if a else "",
                after_formula=b.formula if b else "",
            )
        )
    return changes


def diff_claims(before: ClaimSet | None, after: ClaimSet) -> list[str]:
    if before is None:
        return ["no earlier claim set"]
    lines = []
    old = {(d.document, c.field): c.value for d in before.documents for c in d.claims}
    new = {(d.document, c.field): c.value for d in after.documents for c in d.claims}
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            lines.append(f"{key[0][:12]} {key[1]}: {old.get(key)!r} → {new.get(key)!r}")
    return lines


@flow(name="audit-rerun", task_runner=SERIAL)
def audit_rerun(
    dossier_ids: list[str] | None = None,
    rules: str | None = None,
    engine: str = "rapidocr",
    fresh_ocr: bool = False,
    today: dt.date | None = None,
    database_url: str | None = None,
) -> list[AuditDiff]:
    """Re-run archived dossiers from their originals: same inputs, pinned (`rules`) or current
    rule set, reviewer corrections replayed from the change log, and a diff of what changed
    against the latest stored assessment. A dossier that cannot be re-run (unknown id, an
    original failing its hash check) gets its error in the diff; the others go on."""
    store = Store(database_url)
    archive = default_archive()
    params = load_parameters(rules)
    diffs = []
    for dossier_id in dossier_ids or [d.id for d in store.dossiers()]:
        try:
            diffs.append(_audit_one(store, archive, params, dossier_id, engine, fresh_ocr, today))
        except Exception as exc:  # reported per dossier, so one bad file never hides the rest
            diffs.append(
                AuditDiff(
                    dossier_id=dossier_id,
                    baseline_rule_set=None,
                    new_rule_set=params.rule_set_version,
                    baseline_total=None,
                    new_total=Decimal("0"),
                    error=f"{type(exc).__name__}: {exc}",
                )
            )
    return diffs


def _audit_one(store: Store, archive: Archive, params, dossier_id: str, engine: str, fresh_ocr: bool, today) -> AuditDiff:
    if store.dossier(dossier_id) is None:
        raise KeyError(f"no dossier {dossier_id!r} in the store")
    refs = [
        ArchivedFile(sha256=f.sha256, original_name=f.original_name, path=archive.path(f.sha256), size=f.size)
        for f in store.files(dossier_id)
        if f.sha256 and f.status != "removed"
    ]
    for ref in refs:
        if not archive.verify(ref.sha256):
            raise RuntimeError(f"archived original {ref.sha256} of {ref.original_name} fails its hash check")
    documents = read_all(refs, engine, use_cache=not fresh_ocr)
    claims = claims_for(store, dossier_id, documents, store.manifest(dossier_id), params)
    return audit_claims(store, dossier_id, claims, params, today)


def audit_claims(store: Store, dossier_id: str, extracted: ClaimSet, params, today=None) -> AuditDiff:
    """The audit's assessment of claims read afresh, against the latest stored assessment, as
    the reviewers' own would have been: their corrections replayed, their clause decisions in
    force applied, and the applicant's ledger as it stood when that assessment was made (an
    award confirmed later for another dossier of the same year must not show up as a change
    in the rules). Saves the re-run and its diff beside the originals; changes nothing else."""
    import json

    from core.corrections import apply_correction
    from core.decisions import apply_decisions

    extraction_changes = diff_claims(store.extracted_claimset(dossier_id), extracted)
    claims = extracted
    for c in store.corrections(dossier_id):
        claims, _ = apply_correction(claims, c.document, c.field, json.loads(c.new_json), c.reviewer)
    claimset_id = store.save_claimset(claims, "audit")
    baseline = store.latest_assessment(dossier_id)
    through = baseline[1].ledger_through if baseline else None
    ledger = store.ledger(store.credit_code_of(dossier_id, claims), exclude_dossier=dossier_id, through=through)
    if through is not None:
        ledger_note = f"ledger as the baseline saw it (entries up to #{through})"
    else:
        ledger_note = "the baseline does not record its ledger state: assessed against the ledger as it stands now"
    after = apply_decisions(assess(claims, ledger, params, today=today), store.clause_decisions(dossier_id))
    new_id = store.save_assessment(after, "audit", claimset_id)
    diff = AuditDiff(
        dossier_id=dossier_id,
        baseline_rule_set=baseline[1].rule_set_version if baseline else None,
        new_rule_set=after.rule_set_version,
        baseline_total=baseline[1].total if baseline else None,
        new_total=after.total,
        changes=diff_assessments(baseline[1] if baseline else None, after),
        extraction_changes=extraction_changes,
        code_note=code_change(baseline[1].rule_set_version if baseline else None, after.rule_set_version),
        ledger_note=ledger_note,
    )
    store.save_audit_run(dossier_id, baseline[0] if baseline else None, new_id, diff.model_dump(mode="json"))
    return diff


__all__ = [
    "bulk_intake",
    "intake_dossier",
    "audit_rerun",
    "DossierReport",
    "AuditDiff",
]
