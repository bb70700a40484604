"""Where no command checked the settings first (a Prefect worker, the review app), a bad
DOSSIER_* number is the file's recorded error naming the variable: a limit's typo was quietly
its default, DOSSIER_OCR_THREADS's a bare int()'s ValueError."""
import pytest

from core.models import FileStatus
from core.settings import SettingError
from ingest.ocr.base import threads
from tests.ingest.makers import text_pdf
from tests.ingest.test_ingest_read import read


def test_a_bad_limit_is_the_files_error_naming_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_MAX_PAGES", "five")
    doc = read(text_pdf(tmp_path / "one.pdf", [[(72, 72, "合同条款 甲方乙方约定事项")]]), tmp_path)
    assert doc.status == FileStatus.error and "DOSSIER_MAX_PAGES='five': give the limit of pages of one PDF as a whole number ≥ 1" in doc.error


@pytest.mark.parametrize("raw", ["1.5", "all", "-2"])
def test_ocr_threads_that_are_no_count_are_an_error_naming_them(monkeypatch, raw):
    monkeypatch.setenv("DOSSIER_OCR_THREADS", raw)
    with pytest.raises(SettingError, match=rf"^DOSSIER_OCR_THREADS='{raw}': .* a whole number ≥ 0 and at most 1024 \(default 0\)$"):
        threads()


def test_ocr_threads_default_to_every_core(monkeypatch):
    monkeypatch.delenv("DOSSIER_OCR_THREADS", raising=False)
    assert threads() == 0
    monkeypatch.setenv("DOSSIER_OCR_THREADS", "1")
    assert threads() == 1
