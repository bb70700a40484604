"""One batch spread over every worker: archive first, then one deployed run per dossier.

Why `run_deployment` (one flow run per dossier on the `dossier` work pool) rather than
Prefect's task workers: a dossier is the unit that must land exactly once, be retried whole
and show up in the UI with its own logs; a deployed flow run gives all three, and the work
pool's and each worker's concurrency limit (`--limit 1`) bound how many processes load the
OCR models at once. Workers need no disk in common with the submitter: the batch is archived
(DOSSIER_ARCHIVE_URL, shared) before any run is created, and each run reads its originals
back through the archive.

Exactly once: the dossier id comes from its name and files, intake of a known dossier is
idempotent in the store, and a run that crashed (its worker killed, a zombie marked Crashed by
the heartbeat automation) is submitted again, up to `attempts` times.
"""
from __future__ import annotations

import datetime as dt
import time

from pydantic import BaseModel, Field

from core.models import Manifest
from core.store import Store
from flows.pipeline import ArchivedFile, DossierReport, FileReport, archive_files, intake_dossier
from ingest.archive import default_archive
from ingest.intake import FileError, IncomingDossier

from prefect import flow  # noqa: E402  (flows.pipeline has set PREFECT_HOME)

DEPLOYMENT = "intake-archived/intake-archived"
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


class StagedDossier(BaseModel):
    """A dossier whose originals are already in the archive: what a remote worker needs."""

    dossier_id: str
    name: str
    source: str
    manifest: Manifest | None = None
    files: list[ArchivedFile] = Field(default_factory=list)
    errors: list[FileError] = Field(default_factory=list)
    fresh: bool = True  # a first intake (not a known dossier handed in again)


def stage(incoming: IncomingDossier, store: Store) -> StagedDossier:
    """Archive the dossier and record it `received`: from here on, a crash anywhere leaves
    something `dossier doctor` can resume."""
    dossier_id, earlier, archived, unreadable = archive_files(incoming, store)
    fresh = earlier is None
    if store.dossier(dossier_id) is None:
        store.upsert_dossier(dossier_id, incoming.name, str(incoming.source), incoming.manifest)
    return StagedDossier(
        dossier_id=dossier_id,
        name=incoming.name,
        source=incoming.source,
        manifest=incoming.manifest,
        files=archived,
        errors=incoming.errors + unreadable,
        fresh=fresh,
    )


@flow(name="intake-archived")
def intake_archived(
    staged: StagedDossier,
    engine: str = "rapidocr",
    today: dt.date | None = None,
    database_url: str | None = None,
) -> DossierReport:
    """One dossier already in the archive, on whichever worker took it."""
    incoming = IncomingDossier.from_archive(
        default_archive(), staged.name, staged.source, [(f.original_name, f.sha256) for f in staged.files],
        manifest=staged.manifest, errors=staged.errors,
    )
    return intake_dossier(incoming, engine=engine, today=today, database_url=database_url)


def report_from_store(store: Store, staged: StagedDossier, error: str | None = None) -> DossierReport:
    """What a deployed run did, read back from the store (its result lives on another machine)."""
    row = store.dossier(staged.dossier_id)
    if row is None or row.status == "received":
        return DossierReport(dossier_id=None, name=staged.name, error=error or "not processed")
    files = [
        FileReport(name=f.original_name, sha256=f.sha256, media_type=f.media_type or "", status=f.status, error=f.error)
        for f in store.files(staged.dossier_id)
    ]
    latest = store.latest_assessment(staged.dossier_id)
    report = DossierReport(dossier_id=staged.dossier_id, name=staged.name, files=files, error=error)
    if latest:
        report.total = latest[1].total
        report.rule_set_version = latest[1].rule_set_version
    return report


def _submit(staged: StagedDossier, attempt: int, parent: str, engine: str, today, database_url):
    from prefect.deployments import run_deployment

    return run_deployment(
        DEPLOYMENT,
        parameters={
            "staged": staged.model_dump(mode="json"),
            "engine": engine,
            "today": today.isoformat() if today else None,
            "database_url": database_url,
        },
        timeout=0,
        # A retried parent (same run id) never creates a second run for the same dossier.
        idempotency_key=f"{parent}:{staged.dossier_id}:{attempt}",
        flow_run_name=f"{staged.name[:60]}-{staged.dossier_id}",
    ).id


def _landed(store: Store, staged: StagedDossier) -> bool:
    """A first intake whose draft is in the store has landed, whatever its run's last state
    says: a run marked Crashed (a heartbeat late on a loaded machine) may well have finished
    its work, and running it again would only repeat it."""
    row = store.dossier(staged.dossier_id)
    return staged.fresh and row is not None and row.status != "received"


def _state_of(run_id) -> str | None:
    """The run's state type, or None while the API is away (a server restart): keep waiting."""
    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:
            run = client.read_flow_run(run_id)
    except Exception:  # the server restarting; the runs carry on without it
        return None
    return run.state.type.value if run.state else None


def fan_out(
    dossiers: list[IncomingDossier],
    engine: str = "rapidocr",
    today: dt.date | None = None,
    database_url: str | None = None,
    attempts: int = 3,
    poll: float = 2.0,
    timeout: float = 6 * 3600,
    progress=None,
) -> list[DossierReport]:
    """Archive every dossier, create one deployed run each, wait for all, re-submit crashes."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    parent = str(ctx.flow_run.id) if ctx and ctx.flow_run else f"cli-{time.time_ns()}"
    store = Store(database_url)
    staged = [stage(d, store) for d in dossiers]
    runs = {s.dossier_id: (_submit(s, 1, parent, engine, today, database_url), 1) for s in staged}
    errors: dict[str, str] = {}
    done: set[str] = set()
    deadline = time.monotonic() + timeout
    while len(done) < len(staged) and time.monotonic() < deadline:
        for s in staged:
            if s.dossier_id in done:
                continue
            run_id, attempt = runs[s.dossier_id]
            state = _state_of(run_id)
            if state is None or state not in FINAL:
                continue
            if state == "COMPLETED" or _landed(store, s):
                done.add(s.dossier_id)
            elif attempt < attempts:
                try:
                    runs[s.dossier_id] = (_submit(s, attempt + 1, parent, engine, today, database_url), attempt + 1)
                except Exception:  # the API is away: the next round tries again
                    continue
            else:
                errors[s.dossier_id] = f"run {run_id} ended {state} after {attempt} attempts"
                done.add(s.dossier_id)
            if progress and s.dossier_id in done:
                progress(s.name)
        if len(done) < len(staged):
            time.sleep(poll)
    for s in staged:
        if s.dossier_id not in done:
            errors[s.dossier_id] = f"still running after {timeout:.0f} s"
    return [report_from_store(store, s, errors.get(s.dossier_id)) for s in staged]
