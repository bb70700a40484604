"""The `dossier` command line."""
from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from core import home
from flows.engines_cli import engines_app
from flows.users_cli import users_app

app = typer.Typer(help="Dossier: subsidy dossiers (穗埔府规〔2019〕9号) to draft assessments.", no_args_is_help=True)
rules_app = typer.Typer(help="Run the policy's rules on a claim set.", no_args_is_help=True)
fixtures_app = typer.Typer(help="Generate sample documents with ground truth.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(fixtures_app, name="fixtures")
app.add_typer(users_app, name="users")
app.add_typer(engines_app, name="engines")

console = Console()
err = Console(stderr=True)

REPO = Path(__file__).resolve().parents[1]
DEMO_DOSSIER = REPO / "fixtures" / "demo" / "yuezhi-2021"
ENGINE_HELP = "OCR engine: rapidocr (default, or $DOSSIER_OCR_ENGINE), rapidocr3, paddleocr, tesseract"


def _yuan(d: Decimal | None) -> str:
    return "—" if d is None else f"{d:,.2f}"


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def show_assessment(assessment, console: Console = console) -> None:
    from core.models import Status

    table = Table(title=f"Draft assessment {assessment.dossier_id} · {assessment.rule_set_version}", show_lines=True)
    table.add_column("clause", style="bold")
    table.add_column("status")
    table.add_column("amount (元)", justify="right")
    table.add_column("formula")
    table.add_column("evidence")
    colour = {
        Status.eligible: "green",
        Status.not_eligible: "red",
        Status.needs_evidence: "yellow",
        Status.needs_judgement: "magenta",
        Status.not_applied: "dim",
    }
    for r in assessment.results:
        if r.status == Status.not_applied:
            continue
        evidence = []
        for i in r.inputs:
            cited = next((e for e in i.evidence if e.kind.value == "document"), i.evidence[0] if i.evidence else None)
            if cited is not None:
                evidence.append(_short(f"{i.name} ← {cited.cite()}", 70))
        evidence = evidence[:5]
        if r.missing:
            evidence.append("[yellow]missing: " + "; ".join(r.missing) + "[/]")
        if r.status != Status.eligible and r.reasons:
            evidence.append("; ".join(r.reasons[:2]))
        formula = r.formula
        if r.caps:
            formula += "\n" + "; ".join(f"cap {c.limit:,.0f}{' (bound)' if c.bound else ''}" for c in r.caps)
        table.add_row(
            f"{r.clause_id}\n{r.title.split(' / ')[0]}",
            f"[{colour.get(r.status, 'white')}]{r.status.value}[/]",
            _yuan(r.amount),
            formula,
            "\n".join(evidence),
        )
    console.print(table)
    console.print(f"[bold]Total proposed: {_yuan(assessment.total)} 元[/bold]")
    for flag in assessment.flags:
        console.print(f"[yellow]flag[/yellow] {flag.code}: {flag.message}")
    for r in assessment.results:
        if r.status != Status.not_applied and r.explanation:
            console.print(f"[bold]{r.clause_id}[/bold] {r.explanation}")
    for note in assessment.notes:
        console.print(f"[dim]note: {note}[/dim]")


@app.callback()
def _settings_checked(ctx: typer.Context) -> None:
    """Every DOSSIER_* number a command may read, read before it starts anything: a typo is
    one clear error naming the variable, not a failure of each file deep inside a run."""
    from core.settings import SettingError
    from flows import server
    from ingest import limits
    from ingest.ocr.base import threads

    checks = [limits.check, threads, server.migration_seconds]
    if ctx.invoked_subcommand in ("serve", "users"):  # the commands that log in (accounts load argon2 and the store)
        from core.accounts import LoginLimits

        checks.append(LoginLimits.from_env)
    try:
        for check in checks:
            check()
    except SettingError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


def _start_up() -> None:
    """What a run that writes to DOSSIER_HOME does first, one process at a time (a new home
    is set up by whichever comes first): clear temp files of runs killed mid-write, create
    the store's tables, boot Prefect's temporary API bound to this process (flows.server)."""
    from core.atomic import sweep_temp
    from core.store import Store
    from flows import server

    with server.first_run_lock():
        sweep_temp(home.home())
        Store()
        server.ensure_api()


def _run_intake(paths: list[str], engine: Optional[str], as_json: bool, today: Optional[dt.date] = None, workers: int = 1, **spread):
    from flows import pipeline
    from ingest.ocr import engine_name

    # Named here, not in each worker: a fanned-out run reads with the engine the clerk chose.
    engine = engine_name(engine)

    _start_up()

    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=as_json or not err.is_terminal,
    ) as progress:
        task = progress.add_task("intake", total=None)

        def hook(event: str, detail: str) -> None:
            # Reads may run in worker processes (no hook there); every file is extracted here.
            if event == "total":
                progress.update(task, total=int(detail))
                return
            progress.update(task, description=f"{event}: {detail}")
            if event == "extract":
                progress.advance(task)

        pipeline.progress_hook = hook
        try:
            return pipeline.bulk_intake(paths, engine=engine, workers=workers, today=today, **spread)
        finally:
            pipeline.progress_hook = None


@app.command()
def demo(
    as_json: bool = typer.Option(False, "--json", help="print the assessment as JSON"),
    engine: Optional[str] = typer.Option(None, help=ENGINE_HELP),
):
    """Run the sample dossier shipped in fixtures/demo through the whole pipeline."""
    from core.models import Assessment

    if not DEMO_DOSSIER.is_dir():
        err.print(f"[red]demo dossier not found at {DEMO_DOSSIER}[/red]")
        raise typer.Exit(2)
    err.print(f"DOSSIER_HOME={home.home()}")
    reports = _run_intake([str(DEMO_DOSSIER)], engine, as_json)
    for report in reports:
        if report.error:
            err.print(f"[red]demo dossier not processed: {report.error}[/red]")
            raise typer.Exit(1)
        assessment = Assessment.model_validate_json(Path(report.assessment_path).read_text(encoding="utf-8"))
        if as_json:
            _print_json(assessment.model_dump(mode="json"))
            continue
        _show_files(report)
        show_assessment(assessment)
        console.print(f"assessment JSON: {report.assessment_path}")
        console.print("review it: [bold]dossier serve[/bold], then open http://127.0.0.1:8000/")


def _show_files(report) -> None:
    table = Table(title=f"Dossier {report.dossier_id} · {report.name}")
    for col in ("file", "status", "type", "pages read by"):
        table.add_column(col)
    for f in report.files:
        status = f.status if f.status == "ok" else f"[red]{f.status}: {f.error}[/red]"
        cached = f" ({f.cached_pages} from cache)" if f.cached_pages else ""
        table.add_row(f.name, status, f.doc_type or "", ", ".join(f.pages) + cached)
    console.print(table)


@app.command()
def intake(
    paths: list[Path] = typer.Argument(..., help="dossier folders or zips, or folders of them"),
    as_json: bool = typer.Option(False, "--json", help="print per dossier its id and each file's status"),
    engine: Optional[str] = typer.Option(None, help=ENGINE_HELP),
    workers: int = typer.Option(1, help="processes reading (OCR) files in parallel"),
    fan_out: bool = typer.Option(False, "--fan-out", help="one deployed run per dossier over every worker of the `dossier` pool (needs PREFECT_API_URL and the deployments)"),
    task_runner: str = typer.Option("process", "--task-runner", help="process, or dask (a local Dask cluster of --workers, or --dask-address)"),
    dask_address: Optional[str] = typer.Option(None, "--dask-address", help="scheduler of a running Dask cluster, e.g. tcp://10.0.0.5:8786"),
):
    """Take in dossiers in bulk: archive, read, extract and draft an assessment for each."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        err.print(f"[red]not found: {', '.join(missing)}[/red]")
        raise typer.Exit(2)
    from ingest.intake import printable

    # Names that are no UTF-8 travel as their escapes: Prefect's API holds only text.
    reports = _run_intake(
        [printable(str(p)) for p in paths], engine, as_json, workers=workers,
        fan_out=fan_out, runner=task_runner, dask_address=dask_address,
    )
    # A dossier not processed as a whole (archive or database away, a bug) is a failed run for
    # whoever scripts the intake; a bad file inside a dossier is recorded on it and is not.
    failed = any(r.error for r in reports)
    if as_json:
        _print_json([r.model_dump(mode="json") for r in reports])
        raise typer.Exit(1 if failed else 0)
    for report in reports:
        if report.error:
            err.print(f"[red]{report.name}: not processed: {report.error}[/red]")
            continue
        _show_files(report)
        console.print(f"total proposed {_yuan(report.total)} 元 · {report.assessment_path}")
    files = [f for r in reports for f in r.files]
    bad = [f for f in files if f.status != "ok"]
    console.print(
        f"[bold]{len(reports)} dossier(s), {len(files)} file(s): {len(files) - len(bad)} read, "
        f"{len(bad)} with errors recorded on their dossier[/bold]"
        + (f"; [red]{sum(1 for r in reports if r.error)} dossier(s) not processed[/red]" if any(r.error for r in reports) else "")
    )
    if failed:
        raise typer.Exit(1)


@app.command()
def ocr(
    file: Path,
    as_json: bool = typer.Option(False, "--json"),
    engine: Optional[str] = typer.Option(None, help=ENGINE_HELP),
):
    """Read one file: pages → lines with text, box and confidence."""
    from flows.probe import read_single

    doc = read_single(file, engine)
    data = {
        "file": doc.original_name,
        "sha256": doc.sha256,
        "media_type": doc.media_type,
        "status": doc.status.value,
        "error": doc.error,
        "pages": [
            {
                "number": p.number,
                "width": p.width,
                "height": p.height,
                "unit": p.unit,
                "source": p.source.label,
                "rotation": p.rotation,
                "skew": p.skew,
                "lines": [
                    {"text": l.text, "box": [l.box.x0, l.box.y0, l.box.x1, l.box.y1], "confidence": round(l.confidence, 4)}
                    | ({"glyphs": l.glyphs} if l.glyphs else {})
                    for l in p.lines
                ],
                "tags": p.tags,
            }
            for p in doc.pages
        ],
    }
    if as_json:
        _print_json(data)
    else:
        for p in doc.pages:
            console.rule(f"page {p.number} · {p.source.label}")
            for line in p.lines:
                console.print(f"{line.confidence:.2f}  {line.text}")
    if doc.status.value != "ok":
        err.print(f"[red]{doc.status.value}: {doc.error}[/red]")
        raise typer.Exit(1)


@app.command()
def extract(
    file: Path,
    as_json: bool = typer.Option(False, "--json"),
    engine: Optional[str] = typer.Option(None, help=ENGINE_HELP),
):
    """Classify one file and extract its fields, each with value, confidence and evidence."""
    from extract import extract_document
    from flows.probe import read_single

    doc = read_single(file, engine)
    claims = extract_document(doc)
    if as_json:
        _print_json(
            {
                "file": claims.file_name,
                "document": claims.document,
                "doc_type": claims.doc_type.value,
                "subtype": claims.subtype,
                "doc_type_confidence": claims.doc_type_confidence,
                "error": claims.error,
                "flags": [f.model_dump(mode="json") for f in claims.flags],
                "fields": {
                    c.field: {
                        "value": c.model_dump(mode="json")["value"],
                        "confidence": round(c.confidence, 4),
                        "evidence": [e.model_dump(mode="json", exclude_none=True) for e in c.evidence],
                        "flags": [f.model_dump(mode="json") for f in c.flags],
                    }
                    for c in claims.claims
                },
            }
        )
        return
    table = Table(title=f"{claims.file_name}: {claims.doc_type.value} {claims.subtype or ''} ({claims.doc_type_confidence:.2f})")
    for col in ("field", "value", "conf", "evidence", "flags"):
        table.add_column(col)
    for c in claims.claims:
        table.add_row(
            c.field,
            str(c.model_dump(mode="json")["value"]),
            f"{c.confidence:.2f}",
            "; ".join(e.cite() for e in c.evidence[:1]),
            "; ".join(f.message for f in c.flags),
        )
    console.print(table)


@rules_app.command("check")
def rules_check(
    claims_file: Path = typer.Argument(..., help="a claim set as JSON (see `dossier rules schema`)"),
    as_json: bool = typer.Option(False, "--json"),
    ledger: Optional[Path] = typer.Option(None, help="earlier awards as JSON ({\"awards\": [...]})"),
    rules: Optional[str] = typer.Option(None, help="parameter set version or path (default: current)"),
):
    """Evaluate a claim set from a file."""
    from rules.check import check_claimset_json
    from rules.explain import render_text

    try:
        assessment = check_claimset_json(
            claims_file.read_text(encoding="utf-8"),
            ledger.read_text(encoding="utf-8") if ledger else None,
            rules,
        )
    except (ValueError, OSError) as exc:
        err.print(f"[red]{claims_file}: {exc}[/red]")
        raise typer.Exit(2)
    if as_json:
        _print_json(assessment.model_dump(mode="json"))
    else:
        show_assessment(assessment)
        console.print(render_text(assessment))


@rules_app.command("schema")
def rules_schema():
    """Print the claim-set JSON Schema that `rules check` accepts."""
    from rules.schema import claimset_json_schema

    _print_json(claimset_json_schema())


@app.command()
def audit(
    dossier_ids: list[str] = typer.Argument(None, help="dossier ids (default: every dossier in the store)"),
    rules: Optional[str] = typer.Option(None, help="pinned parameter set version or path"),
    fresh_ocr: bool = typer.Option(False, help="ignore the OCR cache and read every page again"),
    as_json: bool = typer.Option(False, "--json"),
):
    """Re-run archived dossiers from their originals and show what changed."""
    from flows import pipeline

    _start_up()
    diffs = pipeline.audit_rerun(dossier_ids or None, rules=rules, fresh_ocr=fresh_ocr)
    if as_json:
        _print_json([d.model_dump(mode="json") for d in diffs])
        raise typer.Exit(1 if any(d.error for d in diffs) else 0)
    for d in diffs:
        if d.error:
            console.print(f"{d.dossier_id}: [red]not re-run: {d.error}[/red]")
            continue
        state = "[green]unchanged[/green]" if d.unchanged else "[yellow]changed[/yellow]"
        console.print(
            f"{d.dossier_id}: {state} · {d.baseline_rule_set} → {d.new_rule_set} · "
            f"{_yuan(d.baseline_total)} → {_yuan(d.new_total)} 元"
        )
        for c in d.changes:
            console.print(
                f"  {c.clause_id}: {c.before_status} {_yuan(c.before_amount)} → {c.after_status} {_yuan(c.after_amount)}"
            )
        for line in d.extraction_changes:
            console.print(f"  extraction: {line}")
        if d.code_note:
            console.print(f"  {d.code_note}")
        if d.ledger_note:
            console.print(f"  {d.ledger_note}")
    if any(d.error for d in diffs):
        raise typer.Exit(1)


@app.command()
def doctor(
    install_automation: bool = typer.Option(False, "--install-automation", help="install Prefect's zombie-run automation (once per server)"),
    resume: bool = typer.Option(True, "--resume/--no-resume", help="re-run dossiers an intake left `received`"),
    older_than: int = typer.Option(600, help="seconds a dossier must have been `received` to count as stuck"),
    as_json: bool = typer.Option(False, "--json"),
):
    """Finish what a crash left half done: stuck dossiers resumed from the archive; zombie runs
    marked Crashed by Prefect's heartbeat automation (and then re-submitted by their batch)."""
    from flows import doctor as doc

    _start_up()
    lines = [doc.install_zombie_automation()] if install_automation else []
    resumed = doc.resume_stuck(dt.timedelta(seconds=older_than)) if resume else []
    if as_json:
        _print_json({"automation": lines, "resumed": [r.model_dump() for r in resumed]})
    else:
        for line in lines:
            console.print(line)
        for r in resumed:
            console.print(f"{r.dossier_id} {r.name}: {r.files} file(s) re-run → {r.status}")
        if resume and not resumed:
            console.print("no stuck dossier")
    if any(r.status.startswith("failed") for r in resumed):
        raise typer.Exit(1)


@app.command("list")
def list_dossiers():
    """The dossiers in the store."""
    from core.store import Store

    store = Store()
    table = Table()
    for col in ("id", "name", "applicant", "status", "received"):
        table.add_column(col)
    for d in store.dossiers():
        table.add_row(d.id, d.name, d.applicant_name or "", d.status, f"{d.received_at:%Y-%m-%d %H:%M}")
    console.print(table)


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    allowed_host: list[str] = typer.Option([], "--allowed-host", help="a Host name the app answers (repeat; also DOSSIER_ALLOWED_HOSTS)"),
):
    """Start the reviewers' web app (beyond loopback only once an admin account exists)."""
    from review_ui.serve import ServeRefused, serve as run

    try:
        run(host=host, port=port, allowed_hosts=allowed_host)
    except ServeRefused as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@app.command("eval")
def evaluate(
    paths: list[Path] = typer.Argument(None, help="documents with ground truth beside them"),
    as_json: bool = typer.Option(False, "--json"),
):
    """Per-field precision and recall of extraction against ground truth."""
    from flows.evaluate import main as run

    if not paths:
        err.print("give documents or folders with ground truth beside them (see `make eval`)")
        raise typer.Exit(2)
    raise typer.Exit(run([str(p) for p in paths], as_json))


@fixtures_app.command("generate")
def fixtures_generate(
    out: Path,
    n: int = typer.Option(200, "--n"),
    seed: int = typer.Option(7, "--seed"),
    forms: str = typer.Option("text_pdf,scan", help="comma-separated: text_pdf, scan, photo (a phone photo of the sheet)"),
):
    """Render sample documents with ground truth JSON beside each."""
    from fixtures.generator import generate

    paths = generate(out, n=n, seed=seed, forms=tuple(forms.split(",")))
    console.print(f"{len(paths)} documents in {out}")


def main() -> None:
    home.isolate_prefect()
    app()


if __name__ == "__main__":
    main()
