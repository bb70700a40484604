import io
import zipfile
from pathlib import Path

from ingest import intake
from ingest.intake import collect
from tests.ingest.makers import ofd_bytes


class GbkInfo(zipfile.ZipInfo):
    """A member name stored as GBK bytes without the UTF-8 flag, as Chinese Windows zips do."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def make_zip(path: Path, members: dict[str, bytes], gbk: bool = False) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = GbkInfo(name) if gbk else zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return path


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


PDF = b"%PDF-1.4 pretend"


def errors(dossier) -> dict[str, str]:
    return {e.name: e.reason for e in dossier.errors}


def test_dossier_folder_with_manifest_and_subfolder(tmp_path):
    d = tmp_path / "申请材料"
    (d / "发票").mkdir(parents=True)
    (d / "合同.pdf").write_bytes(PDF)
    (d / "发票" / "inv1.pdf").write_bytes(PDF)
    (d / "e.ofd").write_bytes(ofd_bytes())
    (d / ".DS_Store").write_bytes(b"junk")
    (d / "manifest.yaml").write_text("applicant_name: 广州测试科技有限公司\nclauses: [art5]\nyear: 2024\nfacts: {sme: true}\n", encoding="utf-8")
    [dossier] = collect([d])
    assert dossier.name == "申请材料"
    assert sorted(f.name for f in dossier.files) == ["e.ofd", "发票/inv1.pdf", "合同.pdf"]
    assert dossier.manifest.applicant_name == "广州测试科技有限公司" and dossier.manifest.facts == {"sme": True}
    assert not dossier.errors
    assert next(f for f in dossier.files if f.name == "e.ofd").read() == ofd_bytes()  # an OFD is a file, not a zip


def test_bad_manifest_is_an_error_not_a_crash(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "a.pdf").write_bytes(PDF)
    (d / "manifest.json").write_text('{"year": "not a year"}')
    [dossier] = collect([d])
    assert dossier.manifest is None
    assert "manifest fields invalid" in errors(dossier)["manifest.json"]
    assert [f.name for f in dossier.files] == ["a.pdf"]


def test_zip_of_one_dossier_strips_the_top_folder(tmp_path):
    z = make_zip(tmp_path / "company.zip", {"company/a.pdf": PDF, "company/sub/b.pdf": PDF, "company/manifest.yml": b"year: 2023\n"})
    [dossier] = collect([z])
    assert dossier.name == "company"
    assert sorted(f.name for f in dossier.files) == ["a.pdf", "sub/b.pdf"]
    assert dossier.manifest.year == 2023
    assert dossier.files[0].source.startswith(str(z) + "!")


def test_folder_of_dossiers(tmp_path):
    root = tmp_path / "batch"
    (root / "A").mkdir(parents=True)
    (root / "A" / "a.pdf").write_bytes(PDF)
    make_zip(root / "B.zip", {"b.pdf": PDF})
    dossiers = collect([root])
    assert [(d.name, [f.name for f in d.files]) for d in dossiers] == [("A", ["a.pdf"]), ("B", ["b.pdf"])]


def test_traversal_absolute_and_links_are_refused_and_nothing_is_written(tmp_path):
    z = make_zip(tmp_path / "evil.zip", {
        "../../escape.pdf": PDF, "/etc/evil.pdf": PDF, "C:/windows/evil.pdf": PDF,
        "ok/../../up.pdf": PDF, "good.pdf": PDF,
    })
    before = sorted(p for p in tmp_path.parent.rglob("*"))
    [dossier] = collect([z])
    assert [f.name for f in dossier.files] == ["good.pdf"]
    reasons = errors(dossier)
    assert "'..'" in reasons["../../escape.pdf"] and "'..'" in reasons["ok/../../up.pdf"]
    assert "absolute path" in reasons["/etc/evil.pdf"] and "absolute path" in reasons["C:/windows/evil.pdf"]
    assert sorted(p for p in tmp_path.parent.rglob("*")) == before  # nothing extracted anywhere


def test_nested_zips_opened_down_to_the_depth_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_MAX_ZIP_DEPTH", "1")
    deeper = zip_bytes({"deep.pdf": PDF})
    inner = zip_bytes({"inner.pdf": PDF, "deeper.zip": deeper})
    z = make_zip(tmp_path / "outer.zip", {"top.pdf": PDF, "inner.zip": inner})
    [dossier] = collect([z])
    assert sorted(f.name for f in dossier.files) == ["inner.zip/inner.pdf", "top.pdf"]
    assert "nested too deep" in errors(dossier)["inner.zip/deeper.zip"]


def test_zip_bomb_by_ratio_and_by_total(tmp_path, monkeypatch):
    z = make_zip(tmp_path / "bomb.zip", {"zeros.pdf": b"%PDF" + b"\0" * (8 << 20), "fine.pdf": PDF})
    [dossier] = collect([z])
    assert "zip bomb" in errors(dossier)["zeros.pdf"]
    assert [f.name for f in dossier.files] == ["fine.pdf"]

    monkeypatch.setenv("DOSSIER_MAX_DOSSIER_BYTES", "1000")
    z = make_zip(tmp_path / "big.zip", {"a.pdf": b"%PDF" + bytes(range(256)) * 3, "b.pdf": b"%PDF" + bytes(range(256)) * 3})
    [dossier] = collect([z])
    assert [f.name for f in dossier.files] == ["a.pdf"]
    assert "total uncompressed limit" in errors(dossier)["b.pdf"]


def test_gbk_and_odd_names(tmp_path):
    z = make_zip(tmp_path / "gbk.zip", {"增值税发票.pdf": PDF, "合同（2024）.pdf": PDF}, gbk=True)
    [dossier] = collect([z])
    assert sorted(f.name for f in dossier.files) == ["合同（2024）.pdf", "增值税发票.pdf"]

    z = make_zip(tmp_path / "odd.zip", {"sub\\发票\x07 #1 😀.pdf": PDF, "e\u0301.pdf": PDF, "  spaced name .pdf": PDF})
    [dossier] = collect([z])
    assert sorted(f.name for f in dossier.files) == ["spaced name .pdf", "sub/发票 #1 😀.pdf", "é.pdf"]


def test_damaged_zip_and_missing_path(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04" + b"garbage" * 10)
    missing = tmp_path / "nope"
    dossiers = collect([bad, missing])
    assert "damaged zip" in dossiers[0].errors[0].reason
    assert dossiers[1].errors[0].reason == "no such file or folder"


def test_single_file_is_a_dossier_of_one(tmp_path):
    f = tmp_path / "lone.pdf"
    f.write_bytes(PDF)
    [dossier] = collect([f])
    assert [x.name for x in dossier.files] == ["lone.pdf"] and dossier.files[0].read() == PDF
    assert dossier.files[0].archive_source() == f  # on-disk files stream into the archive


from hypothesis import given, settings
from hypothesis import strategies as st

PATHISH = st.lists(st.sampled_from(list("ab./\\:发票 \x00\x07\u202e") + ["..", "../", "C:"]), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(PATHISH)
def test_any_accepted_member_name_stays_inside(name):
    import posixpath

    cleaned = intake.clean_name(name)
    if cleaned and intake.unsafe_reason(cleaned) is None:
        assert posixpath.normpath(posixpath.join("/dossier", cleaned)).startswith("/dossier/")
        assert "\x00" not in cleaned and "\u202e" not in cleaned
