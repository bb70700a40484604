#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: Debian packages (when root), a venv, the pinned Python set.
# Everything comes from PyPI and Debian; OCR weights ship inside rapidocr-onnxruntime's wheel.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# (no grep -q: under pipefail its early exit makes fc-list fail, and the fonts look missing)
fc-list 2>/dev/null | grep -i "wqy\|noto sans cjk" >/dev/null || need_apt+=(fonts-wqy-microhei fonts-wqy-zenhei)
command -v pdftoppm >/dev/null || need_apt+=(poppler-utils)
# Tesseract is an optional OCR engine; the tests run it for real next to the default.
[ -f /usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata ] || need_apt+=(tesseract-ocr tesseract-ocr-chi-sim)
# A real PostgreSQL server for the store's tests (tests/core starts a throwaway one).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${need_apt[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: missing Debian packages (${need_apt[*]}); install them as root for browser tests and fixture rendering" >&2
  fi
fi

stamp=.venv/.installed-$(cat constraints.txt pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  # (grep drops this machine's notes about local index folders that do not exist)
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | { grep -v "is ignored: it is neither" || true; }
  .venv/bin/python -m pip install -q -c constraints.txt -e ".[test]" 2>&1 | { grep -v "is ignored: it is neither" || true; }
  rm -f .venv/.installed-*
  touch "$stamp"
fi
