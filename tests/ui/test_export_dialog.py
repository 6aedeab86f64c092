"""The export and import dialogs offer what the core has: every export format from the
core's one list (Prodigy and WebAnno TSV among them), every extension the importers read,
and an export through the dialog writes what the command line writes for the same choice."""

from __future__ import annotations

import json
import zipfile

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog

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
