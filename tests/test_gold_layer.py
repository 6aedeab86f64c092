"""The gold layer as a reviewer fills it and an export writes it: the documents' done
status goes with it, and work only one annotator did reaches it one keystroke away, or
the export says what it leaves out."""

from __future__ import annotations

import json

import openpyxl

from curator.analysis.review import GOLD, accept_agreements
from curator.cli import main
from curator.session import Session


def _settle_agreements(store) -> None:
    Session(store, "reviewer").do(accept_agreements(store, "reviewer"))


def test_a_gold_export_says_who_marked_each_document_done(annotated_sample, tmp_path, capsys):
    store = annotated_sample
    _settle_agreements(store)
    location = store.location
    assert main(["export", location, "-o", str(tmp_path / "gold.json")]) == 0
    assert main(["export", location, "-o", str(tmp_path / "gold.xlsx")]) == 0
    documents = json.loads((tmp_path / "gold.json").read_text(encoding="utf-8"))["documents"]
    assert json.loads((tmp_path / "gold.json").read_text(encoding="utf-8"))["layer"] == GOLD
    done_by = [(d["status"], d["done_by"]) for d in documents]
    assert done_by == [("done", ["aigerim", "daniyar"])] * 4 + [("done", ["aigerim"])]  # the fifth: hers alone
    book = openpyxl.load_workbook(tmp_path / "gold.xlsx", read_only=True)
    rows = list(book["documents"].iter_rows(values_only=True))
    header = rows[0]
    assert "done_by" in header
    assert {(row[header.index("status")], row[header.index("done_by")]) for row in rows[1:]} == {
        ("done", "aigerim; daniyar"), ("done", "aigerim")}
    book.close()
    # One annotator's layer keeps that annotator's own status.
    assert main(["export", location, "--layer", "daniyar", "-o", str(tmp_path / "daniyar.json")]) == 0
    daniyar = json.loads((tmp_path / "daniyar.json").read_text(encoding="utf-8"))["documents"]
    assert [d["done_by"] for d in daniyar].count([]) == 1 and [d["status"] for d in daniyar].count("todo") == 1


def test_a_workbook_of_the_earlier_layout_still_imports_its_articles_without_derived_columns():
    from curator.formats.article_files import _derived_columns

    earlier = ["id", "title", "source", "url", "published", "status", "annotations", "text"]
    assert _derived_columns("documents", earlier) == {"status", "annotations"}
    from curator.formats.excel import DOCUMENT_COLUMNS

    now = [name for name, _width in DOCUMENT_COLUMNS]
    assert _derived_columns("documents", now) == {"status", "done_by", "annotations"}
