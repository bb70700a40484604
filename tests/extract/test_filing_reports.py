"""行业/地方标准备案月报 (the SAC's monthly filing bulletins, fixtures/realdev): notices whose
heading names the level of every standard they list — that level even where no row's code
is read (the list's 备案号 column made them read as a standard's own cover, with no level)."""
import hashlib
from pathlib import Path

from extract import extract_document
from ingest.cache import OcrCache
from ingest.read import read_document
from tests.extract.builders import document, prose

REALDEV = Path(__file__).resolve().parents[2] / "fixtures" / "realdev"


def _level(doc) -> str | None:
    return next((c.value for c in extract_document(doc).claims if c.field == "level"), None)


def test_local_filing_report_is_local(tmp_path):
    path = REALDEV / "地方标准备案月报_2026年第7号_附表_real-text-our-rendering.pdf"
    doc = read_document(path, hashlib.sha256(path.read_bytes()).hexdigest(), path.name,
                        cache=OcrCache(tmp_path / "cache"), render_dir=tmp_path / "pages")
    assert _level(doc) == "local"


def test_industry_filing_report_is_industry():
    # the wording of 行业标准备案月报 2026年第7号 (fixtures/realdev/texts), its first row
    page = prose(["中华人民共和国行业标准", "备案月报", "2026年第7号(总第315号)",
                  "2026年7月工业和信息化部、国家发展和改革委员会、国家广播电视总局等12个部门20个行业共发布标准674项（详见附表1：备案标准清单）。",
                  "2026-08-01", "附表1：备案标准清单", "序号 备案号 标准编号 标准名称 代替标准号 批准日期 实施日期 标准主管部门",
                  "1 106383-2026 GY/T 429-2026 8K超高清视频质量评价用测试图像 2026-06-21 2026-06-21 国家广播电视总局"])
    assert _level(document(page, name="备案月报.pdf")) == "industry"
