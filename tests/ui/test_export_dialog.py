"""The export and import dialogs offer what the core has: every export format from the
core's one list (Prodigy and WebAnno TSV among them), every extension the importers read,
and an export through the dialog writes what the command line writes for the same choice."""

from __future__ import annotations

import json
import zipfile

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLabel, QLineEdit

from curator.cli import main
from curator.session.exporting import EXPORT_FORMATS, export_format


def offered_filters(window, monkeypatch) -> list[str]:
    offered = []
    monkeypatch.setattr(QInputDialog, "getItem", lambda _parent, _title, _label, items, *rest: (items[0], True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda _parent, _title, _name, filters, *rest: offered.extend(filters.split(";;")) or ("", ""))
    window.export_dialog()
    return offered


def test_the_export_dialog_offers_every_format_curator_writes(window, monkeypatch):
    offered = offered_filters(window, monkeypatch)
    assert offered == [fmt.file_filter for fmt in EXPORT_FORMATS]
    assert "Prodigy JSONL (*.jsonl)" in offered
    assert "WebAnno TSV, one layer (*.zip *.tsv)" in offered


def test_the_import_dialog_lists_every_extension_the_importers_read(window, monkeypatch):
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args: asked.append(args) or ([], ""))
    window.import_dialog()
    patterns = asked[0][3].split(";;")[0]
    for suffix in (".txt", ".md", ".json", ".jsonl", ".csv", ".xlsx", ".conll", ".bio", ".iob", ".tsv", ".zip",
                   ".spacy"):
        assert f"*{suffix} " in patterns or f"*{suffix})" in patterns, suffix
    assert "Prodigy" in patterns and "WebAnno" in patterns


def comparable(path, fmt):
    """The file's content without what differs from one export to the next (the time)."""
    if fmt == "json":
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("exported")
        return data
    if fmt == "webanno":
        with zipfile.ZipFile(path) as archive:
            return {name: archive.read(name) for name in sorted(archive.namelist())}
    return path.read_bytes()


@pytest.mark.parametrize(("fmt", "name", "layer"), [("json", "out.json", "aigerim"), ("prodigy", "out.jsonl", "all"),
                                                    ("webanno", "out.zip", "daniyar"), ("conll", "out.conll", "aigerim")])
def test_the_window_and_the_command_line_export_the_same_file(open_window, annotated_project, qtbot, tmp_path,
                                                              monkeypatch, fmt, name, layer):
    window = open_window(annotated_project)
    by_window, by_cli = tmp_path / "window" / name, tmp_path / "cli" / name
    by_window.parent.mkdir()
    by_cli.parent.mkdir()
    monkeypatch.setattr(QInputDialog, "getItem", lambda _parent, _title, _label, items, *rest: (
        next(item for item in items if item.startswith(f"{layer} (")), True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args: (str(by_window), export_format(fmt).file_filter))
    window.export_dialog()
    qtbot.waitUntil(lambda: "Exported" in window.saved_label.text(), timeout=20_000)
    assert main(["export", str(annotated_project), "--format", fmt, "--layer", layer, "-o", str(by_cli)]) == 0
    assert comparable(by_window, fmt) == comparable(by_cli, fmt)


def import_as(window, monkeypatch, qtbot, path, refused: str, said: str, taken: str) -> None:
    """File → Import annotated files as… for ``path``: ``refused`` typed is refused there,
    saying ``said``; then ``taken`` imports the file."""
    from PySide6.QtWidgets import QDialogButtonBox

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args: ([str(path)], ""))
    [action] = [a for a in window.findChildren(type(window.undo_action)) if a.text() == "Import annotated files &as…"]
    action.trigger()
    dialog = window.findChild(QDialog, "import_options")
    assert dialog is not None and dialog.isVisible()
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    dialog.findChild(QLineEdit, "import_annotator").setText(refused)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and said in dialog.findChild(QLabel, "import_options_problem").text()
    dialog.findChild(QLineEdit, "import_annotator").setText(taken)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_annotated_files_are_imported_as_an_annotators_work_from_the_file_menu(window, monkeypatch, qtbot, tmp_path):
    """File → Import annotated files as…: what ``curator import --annotator NAME --gold``
    does, asked before the files are chosen; a name that cannot be one is said there."""

    conll = tmp_path / "ann.conll"
    conll.write_text("-DOCSTART- -X- -X- O\n\nSteppe NNP B-NP B-ORG\nRail NNP I-NP I-ORG\nopened VBD B-VP O\n"
                     ". . O O\n", encoding="utf-8")
    import_as(window, monkeypatch, qtbot, conll, "al\x07ice", "control character", "alice")
    qtbot.waitUntil(lambda: window.session.store.annotations_for(
        window.session.store.document_by_uid("ann-1").id if window.session.store.document_by_uid("ann-1") else 0,
        "alice") != [], timeout=20_000)
    document = window.session.store.document_by_uid("ann-1")
    assert [(a.label, a.annotator) for a in window.session.store.annotations_for(document.id)] == [("ORG", "alice")]


def test_a_files_numbered_users_are_named_in_the_import_as_dialog(window, monkeypatch, qtbot, tmp_path):
    """Label Studio numbers its users: "1=ana, 2=ben" in File → Import annotated files as…
    names their layers, as ``curator import --annotator 1=ana --annotator 2=ben`` does; a
    part that is no pair is said there."""
    import json


    text = "Tokayev met Xi in Astana."
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([{"data": {"text": text}, "annotations": [
        {"completed_by": user, "result": [{"from_name": "label", "to_name": "text", "type": "labels",
                                           "value": {"start": 0, "end": 7, "labels": [label]}}]}
        for user, label in ((1, "PERSON"), (2, "ORG"))]}]), encoding="utf-8")
    import_as(window, monkeypatch, qtbot, tasks, "1=ana, ben", "is not THEIRS=OURS", "1=ana, 2=ben")
    store = window.session.store
    qtbot.waitUntil(lambda: store.annotation_count() == 2, timeout=20_000)
    assert sorted(store.annotators()) == ["ana", "ben"]
