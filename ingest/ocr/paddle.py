"""The real PaddleOCR 3.x, offline, in an environment of its own: `--engine paddleocr`.

paddlex (which paddleocr 3.x runs on) pins numpy<2.4, PyYAML==6.0.2 and
opencv-contrib-python==4.10.0.84; the project's environment has numpy 2.4, PyYAML 6.0.4 and
opencv-python 5, so the two cannot share one. `dossier engines install paddleocr` makes
$DOSSIER_HOME/engines/paddleocr/venv from PyPI (paddleocr, paddlex[ocr], onnxruntime; no
paddlepaddle) and builds its model folders from the PP-OCRv6 small ONNX files that rapidocr
3.x's wheel ships. The engine drives ingest/ocr/paddle_worker.py there as one long-lived
process, a page at a time over JSON lines on stdin/stdout.
"""
from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from core.models import Box, Line
from ingest.ocr.base import EngineUnavailable, threads as ocr_threads

WORKER = Path(__file__).with_name("paddle_worker.py")
# Exact versions: the engine's environment is built the same way on every machine.
PACKAGES = ["paddleocr==3.7.0", "paddlex[ocr]==3.7.2", "onnxruntime==1.32.0"]
START_TIMEOUT = 300.0
ENV = {"PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK": "True"}  # never look for model hosts


def engine_dir() -> Path:
    from core.home import home

    return Path(os.environ.get("DOSSIER_PADDLEOCR_HOME") or home() / "engines" / "paddleocr")


def venv_python(root: Path | None = None) -> Path:
    return (root or engine_dir()) / "venv" / "bin" / "python"


def models_dir(root: Path | None = None) -> Path:
    return (root or engine_dir()) / "models"


def _wheel_models() -> tuple[Path, Path]:
    """PP-OCRv6 small det and rec, as rapidocr 3.x's wheel installs them."""
    try:
        import rapidocr
    except ImportError as exc:
        raise EngineUnavailable("paddleocr: its models come from rapidocr 3.x's wheel, which is not installed") from exc
    models = Path(rapidocr.__file__).parent / "models"
    return models / "PP-OCRv6_det_small.onnx", models / "PP-OCRv6_rec_small.onnx"


def install(root: Path | None = None, log=print) -> Path:
    """Create the engine's venv and model folders (minutes: paddlex brings ~100 packages)."""
    root = root or engine_dir()
    python = venv_python(root)
    if not python.exists():
        log(f"creating {root / 'venv'}")
        subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    log(f"installing {' '.join(PACKAGES)} (this takes minutes)")
    pip = subprocess.run([str(python), "-m", "pip", "install", "-q", *PACKAGES], capture_output=True, text=True)
    if pip.returncode != 0:
        raise RuntimeError(f"paddleocr: pip install failed: {pip.stderr.strip()[-1500:]}")
    det, rec = _wheel_models()
    log(f"building model folders in {models_dir(root)} from {det.parent}")
    subprocess.run([str(python), str(WORKER), "build", str(models_dir(root)), "--det", str(det), "--rec", str(rec)],
                   check=True, env={**os.environ, **ENV}, stdout=subprocess.DEVNULL)
    return root


class _Worker:
    """The long-lived worker process; one request at a time."""

    def __init__(self, python: Path, models: Path, threads: int):
        self.proc = subprocess.Popen(
            [str(python), str(WORKER), "serve", str(models), "--threads", str(threads)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, encoding="utf-8", env={**os.environ, **ENV},
        )
        self.lock = threading.Lock()
        atexit.register(self.close)
        hello = self._answer(START_TIMEOUT)
        if not hello.get("ready"):
            raise EngineUnavailable(f"paddleocr: the worker did not start: {hello}")
        self.version = hello["version"]

    def _answer(self, timeout: float) -> dict:
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not result or not result[0]:
            self.close()
            raise EngineUnavailable(f"paddleocr: the worker stopped or gave no answer within {timeout:.0f} s")
        return json.loads(result[0])

    def read(self, path: str, timeout: float = 600.0) -> list:
        with self.lock:
            self.proc.stdin.write(json.dumps({"image": path}) + "\n")
            self.proc.stdin.flush()
            answer = self._answer(timeout)
        if "error" in answer:
            raise RuntimeError(f"paddleocr: {answer['error']}")
        return answer["lines"]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


_WORKERS: dict[tuple[str, int], _Worker] = {}


def _worker() -> _Worker:
    python, models = venv_python(), models_dir()
    if not python.exists() or not (models / "PP-OCRv6_small_rec" / "inference.yml").exists():
        raise EngineUnavailable(f"paddleocr is not installed here (no {python.parent.parent}); run `dossier engines install paddleocr`")
    threads = ocr_threads()
    key = (str(python), threads)
    if key not in _WORKERS or _WORKERS[key].proc.poll() is not None:
        _WORKERS[key] = _Worker(python, models, threads)
    return _WORKERS[key]


class PaddleOcrEngine:
    name = "paddleocr"

    def __init__(self):
        self._worker = _worker()
        self.version = self._worker.version
        # Orientation is the project's own step (ingest.orient); paddle's is switched off.
        from ingest import seal

        self.settings: dict[str, Any] = {"det": "PP-OCRv6_small_det", "rec": "PP-OCRv6_small_rec",
                                         "doc_orientation": False, "unwarping": False, "textline_orientation": False,
                                         "seal_pass": True, "seal_version": seal.VERSION}

    def read(self, image: np.ndarray) -> list[Line]:
        with tempfile.TemporaryDirectory(prefix="dossier-paddle-") as tmp:
            path = str(Path(tmp) / "page.png")
            cv2.imwrite(path, image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
            found = self._worker.read(path)
        return [Line(text=text, box=Box(x0=b[0], y0=b[1], x1=b[2], y1=b[3]), confidence=score)
                for text, score, b in found if text.strip()]
