"""Runs inside the `paddleocr` engine's own environment, never imported by the project.

PaddleOCR 3.x (through paddlex) pins numpy<2.4, PyYAML==6.0.2 and opencv-contrib-python==4.10,
which the project's environment cannot take, so `dossier engines install paddleocr` gives it
a venv of its own and ingest.ocr.paddle drives this script there as one long-lived process:

    python paddle_worker.py build MODELS --det DET.onnx --rec REC.onnx
        model folders (inference.onnx + inference.yml) from the ONNX files rapidocr's wheel
        ships: paddlex's own inference.yml for the model, the character list from the
        recognition model's metadata. Nothing is downloaded.
    python paddle_worker.py serve MODELS [--threads N]
        prints {"ready": ..., "version": ...}, then for each request line {"image": PATH}
        answers one line {"lines": [[text, score, [x0, y0, x1, y1]], ...]} or {"error": ...}.

Only the stages whose weights ship in a wheel run: detection and recognition on onnxruntime.
Document orientation, unwarping and text-line orientation are switched off; the project
turns pages upright itself (ingest.orient) before they get here.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

# Run as a script, this folder would be first on sys.path and its paddle.py would pass for the
# `paddle` package paddlex probes for.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

DET_MODEL = "PP-OCRv6_small_det"
REC_MODEL = "PP-OCRv6_small_rec"


def build(models: Path, det_onnx: Path, rec_onnx: Path) -> None:
    import onnxruntime as ort
    import yaml
    from paddlex.modules.base.utils.pdparams2safetensors.inference_meta import build_inference_meta

    for name, onnx in ((DET_MODEL, det_onnx), (REC_MODEL, rec_onnx)):
        folder = models / name
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(onnx, folder / "inference.onnx")
        meta = {"Global": {"model_name": name}, **build_inference_meta(name)}
        if name == REC_MODEL:
            session = ort.InferenceSession(str(onnx), providers=["CPUExecutionProvider"])
            characters = session.get_modelmeta().custom_metadata_map.get("character")
            if not characters:
                raise SystemExit(f"{onnx}: no character list in the model's metadata")
            meta["PostProcess"]["character_dict"] = characters.split("\n")
        with open(folder / "inference.yml", "w", encoding="utf-8") as out:
            yaml.safe_dump(meta, out, allow_unicode=True, sort_keys=False)
    print(json.dumps({"built": [DET_MODEL, REC_MODEL], "models": str(models)}))


def _pipeline(models: Path, threads: int):
    from paddleocr import PaddleOCR

    config = {"intra_op_num_threads": threads, "inter_op_num_threads": 1} if threads > 0 else {}
    return PaddleOCR(
        text_detection_model_name=DET_MODEL, text_detection_model_dir=str(models / DET_MODEL),
        text_recognition_model_name=REC_MODEL, text_recognition_model_dir=str(models / REC_MODEL),
        use_doc_orientation_classify=False, use_doc_unwarping=False, use_textline_orientation=False,
        engine="onnxruntime", engine_config=config or None, device="cpu",
    )


def _lines(result) -> list:
    lines = []
    for page in result:
        res = page.json.get("res", page.json) if hasattr(page, "json") else page
        for text, score, box in zip(res["rec_texts"], res["rec_scores"], res["rec_boxes"]):
            lines.append([text, float(score), [float(v) for v in box]])
    return lines


def serve(models: Path, threads: int) -> None:
    import cv2
    import paddleocr

    out = sys.stdout
    sys.stdout = sys.stderr  # paddlex prints; only answers go to the pipe
    ocr = _pipeline(models, threads)
    out.write(json.dumps({"ready": True, "version": f"paddleocr {paddleocr.__version__} ({DET_MODEL}, {REC_MODEL}, onnxruntime)"}) + "\n")
    out.flush()
    for request in sys.stdin:
        try:
            image = cv2.imread(json.loads(request)["image"], cv2.IMREAD_COLOR)
            if image is None:
                raise ValueError("image could not be read")
            answer = {"lines": _lines(ocr.predict(image))}
        except Exception as exc:  # noqa: BLE001 - one bad page must not end the worker
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        out.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("models", type=Path)
    b.add_argument("--det", type=Path, required=True)
    b.add_argument("--rec", type=Path, required=True)
    s = sub.add_parser("serve")
    s.add_argument("models", type=Path)
    # ingest.ocr.paddle always passes DOSSIER_OCR_THREADS, read and checked there (this
    # environment has none of the project's packages to read it with).
    s.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.command == "build":
        build(args.models, args.det, args.rec)
    else:
        serve(args.models, args.threads)


if __name__ == "__main__":
    main()
