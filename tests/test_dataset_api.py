import json

import jsonschema

import curator
from curator.cli import main
from curator.formats.export import SCHEMA_NAME, export_json, export_jsonl
from curator.session.review_decisions import accept_agreements


def test_json_export_ships_a_schema_it_validates_against(annotated_sample, tmp_path):
    export_json(annotated_sample, tmp_path / "data.json")
    schema = json.loads((tmp_path / SCHEMA_NAME).read_text())
    assert schema["$id"] == "urn:curator:dataset:v1"
    data = json.loads((tmp_path / "data.json").read_text())
    jsonschema.validate(data, schema)
    data["documents"][0]["annotations"][0]["start"] = "zero"
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        assert "zero" in str(exc)
    else:
        raise AssertionError("a broken export passed its schema")


def test_the_shipped_schema_is_the_one_the_models_make():
    """Exports copy the schema shipped beside the export code rather than make it each
    time: it must be what the models make now. If this fails, the dataset's models
    changed: write it again with
    python -c "from curator.formats.export import *; SHIPPED_SCHEMA.write_text(schema_text(), encoding='utf-8')"
    (and raise FORMAT_VERSION if a reader of an older export would be misled)."""
    from curator.formats.export import SHIPPED_SCHEMA, schema_text

    assert SHIPPED_SCHEMA.read_text(encoding="utf-8") == schema_text()


def test_an_installation_without_the_shipped_schema_still_writes_it(annotated_sample, tmp_path, monkeypatch):
    from curator.formats import export

    monkeypatch.setattr(export, "SHIPPED_SCHEMA", tmp_path / "missing.json")
    export_json(annotated_sample, tmp_path / "data.json")
    assert (tmp_path / SCHEMA_NAME).read_text(encoding="utf-8") == export.schema_text()


def test_jsonl_export_has_one_document_per_line(annotated_sample, tmp_path):
    export_jsonl(annotated_sample, tmp_path / "data.jsonl")
    lines = (tmp_path / "data.jsonl").read_text().splitlines()
    assert len(lines) == 5
    first = json.loads(lines[0])
    assert first["id"] == "000_14e10f92779dfa8b" and first["annotations"]
    assert (tmp_path / SCHEMA_NAME).is_file()


def test_excel_export_has_agreement_sheets(annotated_sample, tmp_path):
    import openpyxl

    assert main(["export", str(annotated_sample.location), "--layer", "all", "-o", str(tmp_path / "d.xlsx")]) == 0
    sheets = openpyxl.load_workbook(tmp_path / "d.xlsx", read_only=True).sheetnames
    assert {"agreement overall", "agreement pairs", "agreement labels", "agreement documents"} <= set(sheets)


def test_curator_open_gives_the_tables_as_dataframes(annotated_sample):
    accept_agreements(annotated_sample, "rev").apply(annotated_sample)
    with curator.open(annotated_sample.location) as data:
        assert list(data.documents["id"])[:2] == ["000_14e10f92779dfa8b", "001_7f242fc889ef2bf1"]
        spans = data.annotations
        assert set(spans["annotator"]) == {"aigerim", "daniyar", "gold"}
        money = spans[(spans["label"] == "MONEY") & (spans["annotator"] == "gold")]
        assert money["amount"].dtype.kind == "f" and money["amount"].max() >= 24e9
        assert len(data.entities) > 30
        assert list(data.agreement["label"])[:2] == ["PERSON", "ORG"]


def test_schema_command(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"].startswith("Curator dataset")


def test_clean_export_refuses_open_disagreements_and_duplicates(annotated_sample, tmp_path):
    import pytest

    from curator.analysis.duplicates import pair_key
    from curator.analysis.near_duplicates import search_near_duplicates
    from curator.analysis.review import iter_items
    from curator.formats.articles import import_files
    from curator.formats.export import ExportRefused
    from curator.session.commands import SetDecision
    from curator.session.exporting import export
    from curator.session.review_decisions import merge_versions

    copy = tmp_path / "copy.txt"
    copy.write_text(annotated_sample.document_by_uid("002_dbc77deba9cd34d7").text + "\nShared.", encoding="utf-8")
    import_files(annotated_sample, [copy])
    with pytest.raises(ExportRefused) as refused:  # articles were added since the last search
        export(annotated_sample, tmp_path / "clean.json", clean=True)
    assert any("near-duplicate search has not run" in p.message for p in refused.value.problems)
    search_near_duplicates(annotated_sample, workers=1)
    with pytest.raises(ExportRefused) as refused:
        export(annotated_sample, tmp_path / "clean.json", clean=True)
    messages = [p.message for p in refused.value.problems]
    assert not any("has not run" in m for m in messages)
    assert any("unresolved disagreement" in m for m in messages)
    assert any("possible duplicate of 002_dbc77deba9cd34d7" in m for m in messages)
    assert not (tmp_path / "clean.json").exists()
    export(annotated_sample, tmp_path / "plain.json")  # without --clean the same data exports

    for item in iter_items(annotated_sample):
        if not item.agreed:
            merge_versions(item, "rev").apply(annotated_sample)
    SetDecision(pair_key("documents", "002_dbc77deba9cd34d7", "copy"), "documents", "duplicate",
                keep="002_dbc77deba9cd34d7").apply(annotated_sample)
    export(annotated_sample, tmp_path / "clean.json", clean=True)
    ids = [d["id"] for d in json.loads((tmp_path / "clean.json").read_text())["documents"]]
    assert "copy" not in ids and len(ids) == 5


def test_a_clean_export_reads_the_stored_search_and_hashes_nothing(annotated_sample, tmp_path, monkeypatch):
    """Export writes decided data: the near-duplicate pairs are those the last search
    found and kept, not found again by hashing every article at export."""
    from curator.analysis import near_duplicates
    from curator.analysis.review import iter_items
    from curator.session.exporting import export
    from curator.session.review_decisions import merge_versions

    near_duplicates.search_near_duplicates(annotated_sample, workers=1)
    for item in iter_items(annotated_sample):
        if not item.agreed:
            merge_versions(item, "rev").apply(annotated_sample)

    def no_hashing(*_args, **_kwargs):
        raise AssertionError("a clean export hashed the articles again")

    monkeypatch.setattr(near_duplicates, "find_near_duplicates", no_hashing)
    monkeypatch.setattr(near_duplicates, "all_signatures", no_hashing)
    export(annotated_sample, tmp_path / "clean.json", clean=True)
    assert len(json.loads((tmp_path / "clean.json").read_text())["documents"]) == 5
