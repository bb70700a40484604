"""`dossier doctor`: find what a crash left half done and finish it.

Two things can be left behind. A dossier whose intake was cut off after its files were
archived stays `received` in the store: the sweep rebuilds it from the archive's receipts and
the manifest the store kept, and runs the intake again (idempotent: same name and files, same
dossier id). A deployed run whose worker died stays `Running` for ever: Prefect's own zombie
automation (heartbeats, installed by `--install-automation`) marks it Crashed, and the batch
that created it submits it again (flows.fanout).
"""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from core.store import Store
from ingest.archive import Archive, default_archive
from ingest.intake import IncomingDossier

AUTOMATION = "dossier: crash zombie flow runs"


class Resumed(BaseModel):
    dossier_id: str
    name: str
    files: int
    status: str  # the dossier's status after the re-run, or "failed: …"


def stuck(store: Store, older_than: dt.timedelta, now: dt.datetime | None = None) -> list:
    """Dossiers still `received` after `older_than`: an intake that never finished."""
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    return [d for d in store.dossiers() if d.status == "received" and d.received_at <= now - older_than]


def rebuild(store: Store, archive: Archive, dossier_id: str) -> IncomingDossier:
    """The dossier as it was handed in, from the archive's receipts (one per file received)."""
    row = store.dossier(dossier_id)
    seen: dict[str, str] = {}
    for r in archive.receipts():
        if r.dossier_id == dossier_id:
            seen.setdefault(r.sha256, r.original_name)
    return IncomingDossier.from_archive(
        archive, row.name, row.source or "", [(name, sha) for sha, name in seen.items()], manifest=store.manifest(dossier_id)
    )


def resume_stuck(
    older_than: dt.timedelta = dt.timedelta(minutes=10),
    database_url: str | None = None,
    engine: str = "rapidocr",
) -> list[Resumed]:
    from flows.pipeline import intake_dossier

    store = Store(database_url)
    archive = default_archive()
    out = []
    for row in stuck(store, older_than):
        try:
            incoming = rebuild(store, archive, row.id)
            report = intake_dossier(incoming, engine=engine, database_url=database_url)
            after = store.dossier(report.dossier_id or row.id)
            out.append(Resumed(dossier_id=row.id, name=row.name, files=len(incoming.files), status=after.status if after else "missing"))
        except Exception as exc:  # one dossier's failure is reported; the sweep goes on
            out.append(Resumed(dossier_id=row.id, name=row.name, files=0, status=f"failed: {type(exc).__name__}: {exc}"))
    return out


def install_zombie_automation(within: dt.timedelta = dt.timedelta(seconds=90)) -> str:
    """Prefect's documented zombie detection: a deployed run that stops sending heartbeats
    (PREFECT_FLOWS_HEARTBEAT_FREQUENCY on the workers) for `within` is marked Crashed."""
    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    try:
        existing = Automation.read(name=AUTOMATION)
    except ValueError:
        existing = None
    if existing:
        return f"automation {AUTOMATION!r} already installed"
    Automation(
        name=AUTOMATION,
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={
                "prefect.flow-run.heartbeat",
                "prefect.flow-run.Completed",
                "prefect.flow-run.Failed",
                "prefect.flow-run.Cancelled",
                "prefect.flow-run.Crashed",
            },
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=within,
        ),
        actions=[ChangeFlowRunState(state=StateType.CRASHED, message="no heartbeat: its worker is gone")],
    ).create()
    return f"automation {AUTOMATION!r} installed"
