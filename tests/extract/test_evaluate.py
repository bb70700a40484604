"""The evaluation runner end to end: generated text-layer PDFs read by ingest, scored."""
import json

import pytest

from flows.evaluate import evaluate, main, show


# Every family the generator draws, one document each (a kind drawn in no family is its own)
def generator_families() -> set[tuple[str, str]]:
    from fixtures.generator.generate import FAMILIES, INVOICE_SUBTYPES, KINDS

    return ({("invoice", s) for s in (*INVOICE_SUBTYPES, "专票/代开")} | {(k, f) for k, fams in FAMILIES.items() for f in fams}
            | {(k, k) for k in KINDS if k not in FAMILIES and k != "invoice"})


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """One text-layer document of every family (the 代开 专票 is the ninth invoice drawn)."""
    from fixtures.generator import generate
    from fixtures.generator.generate import FAMILIES, KINDS

    out = tmp_path_factory.mktemp("generated")
    seen: set[tuple[str, str | None]] = set()
    for kind in KINDS:
        n = 9 if kind == "invoice" else len(FAMILIES.get(kind, ("",)))
        for path in generate(out, n=n, seed=5, kinds=[kind], forms=["text_pdf"]):
            truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            if (kind, truth.get("family")) in seen:  # a second of its family: not needed
                path.unlink()
                path.with_suffix(".json").unlink()
            seen.add((kind, truth.get("family")))
    return out


@pytest.fixture(scope="module")
def report(generated):
    return evaluate([generated])


def test_text_layer_documents_score_on_every_key_field(report):
    assert len(report.documents) == len(generator_families()) and not report.missing_truth
    assert {d.doc_type for d in report.documents} >= {"invoice", "contract", "standard_notice", "business_licence"}
    assert report.key.total > 100
    # The generated text layer is read right on every key field of every family (README: 764 / 764
    # on `make eval`'s 101 documents); a family that slips is named here.
    assert {g.group: f"{g.key.tp} / {g.key.total}" for g in report.families if g.key.exact < 1} == {}
    assert all(d.kind and d.family for d in report.documents)
    assert {g.group for g in report.kinds} == {d.kind for d in report.documents}
    assert sum(g.documents for g in report.families) == len(report.documents)


def test_every_family_the_generator_draws_has_its_own_line_in_the_report(report, capsys, monkeypatch):
    """`make eval` reports each family apart: one row per family, never two families in one."""
    rows = {g.group for g in report.families}
    for kind, family in generator_families():
        own = [r for r in rows if r.startswith(kind + "/") and r.endswith("/" + family)]
        assert len(own) == 1, (kind, family, own)
    assert len(rows) == len(generator_families())
    monkeypatch.setenv("COLUMNS", "200")
    show(report)
    printed = capsys.readouterr().out
    assert all(row in printed for row in rows), printed


def test_json_figures_for_the_cli(generated, capsys):
    assert main([str(generated)], json_out=True) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["key_exact"] >= 0.97 and "invoice_number" in figures["fields"]
    assert figures["documents"] == len(generator_families()) and "contract" in figures["kinds"]
    assert all(k.count("/") >= 1 for k in figures["families"])


def test_files_without_truth_are_listed_not_scored(tmp_path):
    (tmp_path / "loose.pdf").write_bytes(b"%PDF-1.4 nothing")
    report = evaluate([tmp_path])
    assert report.missing_truth == [str(tmp_path / "loose.pdf")] and not report.documents


def test_calibration_names_a_confident_wrong_value(generated, tmp_path, capsys):
    """A real document read right, scored against a truth that says otherwise: the extracted
    number is then a wrong value given with confidence, and the report says so."""
    import shutil

    invoice = next(p for p in sorted(generated.glob("*_invoice_*.pdf")))
    shutil.copy(invoice, tmp_path / invoice.name)
    truth = json.loads(invoice.with_suffix(".json").read_text(encoding="utf-8"))
    read_number = truth["fields"]["invoice_number"]
    truth["fields"]["invoice_number"] = "99999999"
    (tmp_path / invoice.with_suffix(".json").name).write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")

    report = evaluate([tmp_path])
    c = report.calibration
    assert (c.wrong, c.confident_wrong) == (1, 1) and c.right > 5
    assert [(r.field, r.got) for r in report.confident_wrong()] == [("invoice_number", read_number)]
    assert main([str(tmp_path)], json_out=True) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["calibration"]["confident_wrong"] == 1 and figures["calibration"]["wrong"] == 1
    assert figures["confident_wrong"][0]["field"] == "invoice_number"
    assert main([str(tmp_path)]) == 0
    assert "1 confident wrong" in capsys.readouterr().out
