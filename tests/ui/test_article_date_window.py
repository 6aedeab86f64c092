"""An undated document shows as undated, one key sets its date, and the date set in the
Document tab re-resolves the values computed from it in one undo step."""

from datetime import date

from PySide6.QtCore import Qt

from curator.domain.models import Annotation, Document
from curator.domain.normalize import value_for
from curator.domain.schema import LabelSchema
from curator.store import Store
from ui.models.document_table_model import UNDATED
from ui.widgets.annotation_panel import UNDATED_STYLE

TEXT = "Exports Rise Again\n\nBISHKEK (TCA) — Exports fell on Thursday, after talks began last Tuesday.\n"


def thursday(store: Store) -> dict:
    [span] = [a for a in store.annotations_for(store.document_ids()[0]) if TEXT[a.start:a.end] == "Thursday"]
    return span.value


def test_an_undated_document_gets_its_date_with_one_key_and_its_values_follow(open_window, tmp_path, qtbot):
    store = Store.create(tmp_path / "p")
    [doc_id] = store.add_documents([Document(uid="tca", text=TEXT, title="Exports Rise Again")])
    start = TEXT.index("Thursday")
    store.add_annotations([Annotation(doc_id=doc_id, start=start, end=start + 8, label="DATE", annotator="tester",
                                      value=value_for(LabelSchema(), "DATE", TEXT, start, start + 8, None))])
    store.close()
    window = open_window(tmp_path / "p")
    assert thursday(window.session.store)["reason"] == "no_anchor"

    # The list and the Document tab say the document is undated.
    assert window.documents.index(0, 2).data() == UNDATED
    assert "Ctrl+Shift+D" in window.documents.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)
    editor = window.panel.details.editors["published"]
    assert editor.placeholderText().startswith("Undated") and editor.styleSheet() == UNDATED_STYLE

    # One key: the Document tab, the caret in the date field.
    qtbot.keyClick(window.article, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.panel.tabs.currentWidget() is window.panel.details
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClicks(editor, "2024-03-08")
    qtbot.keyClick(editor, Qt.Key.Key_Return)

    assert window.session.store.get_document(doc_id).published == date(2024, 3, 8)
    assert thursday(window.session.store) == {"type": "date", "start": "2024-03-07", "end": "2024-03-07",
                                      "granularity": "day", "inferred": True}
    assert "(1 date value re-resolved)" in window.saved_label.text()
    assert window.documents.index(0, 2).data() == "2024-03-08"
    assert editor.styleSheet() == ""
    qtbot.waitUntil(window.article.hasFocus)  # Enter: back to the article, whose keys are the next ones
    window.grab().save(str(tmp_path / "dated.png"))

    # A date that is not one stays in the field, which says why.
    qtbot.keyClick(window.article, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClicks(editor, "22024-03-08")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert editor.hasFocus() and "is not a date" in window.statusBar().currentMessage()
    assert window.session.store.get_document(doc_id).published == date(2024, 3, 8)
    editor.setText("2024-03-08")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(window.article.hasFocus)

    # One undo puts the date and the value back.
    window.history.undo()
    assert window.session.store.get_document(doc_id).published is None
    assert thursday(window.session.store)["reason"] == "no_anchor"
    assert window.documents.index(0, 2).data() == UNDATED
