"""Relations in the window: made from the keyboard in under five keystrokes once the span
exists, walked with Tab and the arrows, cancelled with Esc, made by Ctrl+dragging,
listed in the panel, drawn as arcs, deleted with their span and brought back by undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from curator.domain.models import Document, Project
from curator.domain.schema import template
from curator.store import Store

SHIFT, NONE = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.NoModifier
TEXT = ("Exports rose to $4.2 billion in 2023, up 6%, according to the Bureau of National Statistics. "
        "Talks between Astana Rail and Orient Freight went on.")


@pytest.fixture
def related_window(open_window, tmp_path):
    location = tmp_path / "relations"
    store = Store.create(location, Project(label_schema=template("news")))
    store.add_documents([Document(uid="d", text=TEXT)])
    store.close()
    return open_window(location)


def tag(qtbot, window, words, key):
    start = TEXT.index(words)
    window.article.set_selection(start, start + len(words))
    qtbot.keyClick(window.article, key)
    return next(s for s in window.spans.spans if s.start == start)


def relations(window):
    return window.session.store.relations_for(window.document.id, window.annotator)


def test_a_figure_is_linked_to_its_source_in_two_keystrokes_once_the_source_is_tagged(qtbot, related_window):
    window = related_window
    figure = tag(qtbot, window, "$4.2 billion", Qt.Key.Key_5)  # MONEY
    bureau = tag(qtbot, window, "the Bureau of National Statistics", Qt.Key.Key_2)  # ORG: now selected
    assert window.panel.selected_span_id() == bureau.id
    keys = [(Qt.Key.Key_T, SHIFT), (Qt.Key.Key_Return, NONE)]  # attributed_to's key, Enter: the nearest figure
    for key, modifier in keys:
        qtbot.keyClick(window.article, key, modifier)
    assert len(keys) < 5
    made = relations(window)
    assert [(r.source_id, r.target_id, r.label) for r in made] == [(figure.id, bureau.id, "attributed_to")]
    assert window.relations.model.rowCount() == 1
    assert window.relations.model.data(window.relations.model.index(0, 0)) == "$4.2 billion"
    assert window.relations.arcs.drawn() == [made[0].id]  # drawn over the text
    assert window.session.undo_text == "Add relation attributed_to"  # one command in the history
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert relations(window) == [] and window.relations.model.rowCount() == 0


def test_tab_and_the_arrows_walk_the_spans_the_schema_allows_and_esc_cancels(qtbot, related_window):
    window = related_window
    figure = tag(qtbot, window, "$4.2 billion", Qt.Key.Key_5)
    percent = tag(qtbot, window, "6%", Qt.Key.Key_6)  # PERCENT
    tag(qtbot, window, "Astana Rail", Qt.Key.Key_2)  # an ORG, and no figure: not a candidate of the figure
    bureau = tag(qtbot, window, "the Bureau of National Statistics", Qt.Key.Key_2)
    qtbot.keyClick(window.article, Qt.Key.Key_T, SHIFT)
    linking = window.relations.linking
    assert [s.id for s in linking.candidates] == [percent.id, figure.id]  # nearest first; only figures
    assert "6% → the Bureau of National Statistics" in window.statusBar().currentMessage()
    qtbot.keyClick(window.article, Qt.Key.Key_Tab)
    assert linking.ends == (figure, bureau)
    qtbot.keyClick(window.article, Qt.Key.Key_Left)
    assert linking.ends == (percent, bureau)
    qtbot.keyClick(window.article, Qt.Key.Key_Escape)
    assert window.relations.linking is None and relations(window) == []
    window.panel.select_span(bureau.id)
    for key, modifier in ((Qt.Key.Key_T, SHIFT), (Qt.Key.Key_Down, NONE), (Qt.Key.Key_T, SHIFT)):
        qtbot.keyClick(window.article, key, modifier)  # the relation's key makes it too
    assert [(r.source_id, r.target_id) for r in relations(window)] == [(figure.id, bureau.id)]


def test_a_relation_is_refused_where_the_schema_allows_none(qtbot, related_window):
    window = related_window
    tag(qtbot, window, "2023", Qt.Key.Key_9)  # DATE: nothing links a date
    qtbot.keyClick(window.article, Qt.Key.Key_T, SHIFT)
    assert window.relations.linking is None and "No span here" in window.statusBar().currentMessage()


def test_deleting_a_span_deletes_its_relations_and_undo_restores_both(qtbot, related_window):
    window = related_window
    tag(qtbot, window, "$4.2 billion", Qt.Key.Key_5)
    bureau = tag(qtbot, window, "the Bureau of National Statistics", Qt.Key.Key_2)
    qtbot.keyClick(window.article, Qt.Key.Key_T, SHIFT)
    qtbot.keyClick(window.article, Qt.Key.Key_Return)
    window.panel.select_span(bureau.id)
    qtbot.keyClick(window.article, Qt.Key.Key_Delete)
    assert relations(window) == [] and window.relations.model.rowCount() == 0
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(relations(window)) == 1 and window.relations.model.rowCount() == 1


def test_ctrl_dragging_from_span_to_span_links_them_and_the_list_deletes(qtbot, related_window):
    window = related_window
    rail = tag(qtbot, window, "Astana Rail", Qt.Key.Key_2)
    freight = tag(qtbot, window, "Orient Freight", Qt.Key.Key_2)
    article = window.article

    def point(span):
        rect = article.offset_rect(span.start + 1)
        return QPoint(rect.center().x() + 2, rect.center().y())

    control = Qt.KeyboardModifier.ControlModifier
    qtbot.mousePress(article.viewport(), Qt.MouseButton.LeftButton, control, point(rail))
    qtbot.mouseRelease(article.viewport(), Qt.MouseButton.LeftButton, control, point(freight))
    made = relations(window)
    assert [(r.source_id, r.target_id, r.label) for r in made] == [(rail.id, freight.id, "deal_between")]
    window.relations.table.selectRow(0)
    window.relations.delete_button.click()
    assert relations(window) == []


def test_a_category_choice_may_share_a_relation_keys_letter(qtbot, related_window):
    """A relation's key is pressed with Shift: ``T`` chooses a category, ``Shift+T`` links."""
    from curator.domain.schema import CategorySet, Choice

    window = related_window
    window.session.store.save_schema(window.session.store.label_schema.with_category(
        CategorySet(name="topic", choices=[Choice(name="trade", key="T")])))
    window.poll_changes()
    tag(qtbot, window, "$4.2 billion", Qt.Key.Key_5)
    tag(qtbot, window, "the Bureau of National Statistics", Qt.Key.Key_2)
    qtbot.keyClick(window.article, Qt.Key.Key_T)
    assert window.session.store.categories_for(window.document.id, "tester") == {"tester": {"topic": ["trade"]}}
    assert window.relations.linking is None
    qtbot.keyClick(window.article, Qt.Key.Key_T, SHIFT)
    qtbot.keyClick(window.article, Qt.Key.Key_Return)
    assert len(relations(window)) == 1


def test_the_relations_benchmarks_window_rows_run_at_a_tiny_size(qtbot, tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import relations as benchmark

    store, doc_id, _spans = benchmark.build(tmp_path / "project", 30, 20)
    store.close()
    rows = benchmark.window_rows(tmp_path / "project", doc_id, 3)
    assert [row[0].split(",")[0] for row in rows] == [
        "window: switch to it", "window: switch to it", "  the same", "window: scroll a page"]


def test_relation_labels_are_edited_in_the_label_editor_and_the_window_follows(qtbot, related_window):
    from PySide6.QtWidgets import QPushButton

    window = related_window
    editor = window.open_label_editor()
    qtbot.waitExposed(editor)
    editor.tabs.setCurrentIndex(2)
    form = editor.relations
    assert form.names.stringList() == ["attributed_to", "about", "deal_between"]
    form.new_relation()
    form.name.setText("quoted_in")
    form.source.setText("PERSON")
    form.target.setText("ORG")
    form.key.setText("q")

    def click(text):
        next(b for b in form.findChildren(QPushButton) if b.text() == text).click()

    click("Save relation label")
    assert "✓ Add relation label quoted_in" in editor.message.text()
    assert window.session.store.label_schema.relation("quoted_in").key == "Q"
    assert any(a.text() == "Link: quoted_in" and a.shortcut().toString() == "Shift+Q"
               for a in window.label_menu.actions())  # the window's keys follow
    form.key.setText("a")  # A accepts a suggestion
    click("Save relation label")
    assert "taken by the window" in editor.message.text()
    form.select("quoted_in")
    click("Delete relation label")
    assert window.session.store.label_schema.relation("quoted_in") is None
    editor.close()


def test_the_review_windows_relations_tab_settles_relations_into_gold(qtbot, open_window, tmp_path, settings):
    from curator.domain.models import GOLD, Annotation, Relation
    from curator.session.relation_commands import AddRelation

    location = tmp_path / "reviewed"
    store = Store.create(location, Project(label_schema=template("news")))
    doc_id = store.add_documents([Document(uid="d", text=TEXT)])[0]
    for who in ("ana", "ben", GOLD):
        spans = {}
        for words, label in (("$4.2 billion", "MONEY"), ("6%", "PERCENT"),
                             ("the Bureau of National Statistics", "ORG")):
            start = TEXT.index(words)
            spans[words] = store.add_annotation(Annotation(doc_id=doc_id, start=start, end=start + len(words),
                                                           label=label, annotator=who))
        if who != GOLD:
            AddRelation(Relation(doc_id=doc_id, source_id=spans["$4.2 billion"].id,
                                 target_id=spans["the Bureau of National Statistics"].id, label="attributed_to",
                                 annotator=who)).apply(store)
        if who == "ana":
            AddRelation(Relation(doc_id=doc_id, source_id=spans["6%"].id,
                                 target_id=spans["the Bureau of National Statistics"].id, label="attributed_to",
                                 annotator=who)).apply(store)
    store.close()
    settings.reviewer = True
    window = open_window(location)
    review = window.open_review()
    qtbot.addWidget(review)
    tab = review.relations_tab
    assert review.tabs.tabText(review.tabs.count() - 1) == "Relations"
    assert [row["state"] for row in (tab.model.row(n) for n in range(tab.model.rowCount()))] == [
        "agreement", "disagreement"]
    assert "attributed_to: F1 0.667" in tab.figures.text() and "2 open" in tab.figures.text()
    assert tab.accept_agreed()
    tab.table.selectRow(1)
    assert tab.settle(False)  # ana's 6% one: rejected
    assert [row["state"] for row in (tab.model.row(n) for n in range(tab.model.rowCount()))] == [
        "accepted", "rejected"]
    gold = window.session.store.relations_for(doc_id, GOLD)
    assert [r.label for r in gold] == ["attributed_to"]
    window.session.undo()
    window.session.undo()
    tab.refresh()
    assert window.session.store.relations_for(doc_id, GOLD) == [] and "2 open" in tab.figures.text()


def test_suggested_relations_are_proposed_accepted_and_rejected_in_the_panel(qtbot, related_window):
    window = related_window
    figure = tag(qtbot, window, "$4.2 billion", Qt.Key.Key_5)
    percent = tag(qtbot, window, "6%", Qt.Key.Key_6)
    bureau = tag(qtbot, window, "the Bureau of National Statistics", Qt.Key.Key_2)
    links = window.relations
    assert links.suggest() == 2 and links.suggested.rowCount() == 2
    links.suggested_table.selectRow(0)
    assert links.accept_suggested()
    assert [(r.source_id, r.target_id) for r in relations(window)] == [(figure.id, bureau.id)]
    assert links.suggested.rowCount() == 1 and links.model.rowCount() == 1
    links.suggested_table.selectRow(0)
    assert links.reject_suggested()
    assert links.suggested.rowCount() == 0 and links.suggest() == 0  # a rejected one is not proposed again
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the rejection undone
    assert links.suggested.rowCount() == 1 and links.suggested.relation(0).source_id == percent.id
