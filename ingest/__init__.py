"""Files and pages: what was handed in, kept forever, read once.

intake.collect(paths)        folders / zips → IncomingDossier (files, manifest, per-file errors)
archive.LocalArchive/Fsspec  content-addressed originals + append-only receipts
read.read_document(...)      one file → core.models.Document (never raises for bad input)
  sniff      media type from content      pdf        text layer or render + OCR per page
  image      JPEG/PNG/TIFF/BMP/WebP/GIF, pixel cap    ofd / xml_invoice   structured e-invoices → tags
  orient     rotation 0/90/180/270, skew  qr         invoice QR payload → "qr.*" tags
  ocr/       rapidocr (default), tesseract, paddleocr      cache   page OCR results by key
Tag keys shared by OFD, XML and QR: ingest.tags.
"""

import os as _os

# onnxruntime (the OCR models) keeps a telemetry store (a device id, a session file) under
# $HOME/.cache/Microsoft and $TMPDIR unless this is set before it is first loaded; its
# documented opt-out. Nothing of a run may leave DOSSIER_HOME.
_os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
