"""A long document in the window: its spans highlighted where they are, wherever one
scrolls; its arcs drawn where their spans are in view; its suggestions and relations shown
just after its text; and each arc's label told without hiding a word (its tooltip, and
the status bar for the span or relation selected, whose arcs are drawn bolder)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from curator.domain.models import Annotation, Document, Project, Relation, Suggestion
from curator.domain.schema import template
from curator.store import Store

PARAGRAPHS = [f"Paragraph {n}: the harbour board of town {n} reported $1.{n} million, said Harbour Trust {n}."
              for n in range(300)]
TEXT = "\n".join(PARAGRAPHS)


def _span(doc_id: int, words: str, label: str, after: int = 0) -> Annotation:
    start = TEXT.index(words, after)
    return Annotation(doc_id=doc_id, start=start, end=start + len(words), label=label, annotator="tester")


@pytest.fixture
def long_window(open_window, tmp_path):
    """A short document first, then a long one of 300 paragraphs: spans, a relation and a
    suggestion at its top and at its bottom."""
    location = tmp_path / "long"
    store = Store.create(location, Project(label_schema=template("news")))
    short, long = store.add_documents([Document(uid="short", text="A short note."), Document(uid="long", text=TEXT)])
    last = TEXT.index(PARAGRAPHS[-1])
    spans = [_span(long, "$1.0 million", "MONEY"), _span(long, "Harbour Trust 0", "ORG"),
             _span(long, "$1.299 million", "MONEY", last), _span(long, "Harbour Trust 299", "ORG", last)]
    store.add_annotations(spans)
    store.add_relations([Relation(doc_id=long, source_id=spans[0].id, target_id=spans[1].id, label="attributed_to",
                                  annotator="tester"),
                         Relation(doc_id=long, source_id=spans[2].id, target_id=spans[3].id, label="attributed_to",
                                  annotator="tester")])
    start = TEXT.index("town 299")
    store.add_suggestions([Suggestion(doc_id=long, start=start, end=start + 8, label="LOCATION", annotator="tester",
                                      source="rules")])
    store.close()
    window = open_window(location)
    window.open_document(short)
    window.settle()
    return window, long, spans


def test_a_long_document_shows_its_text_first_and_its_suggestions_and_relations_just_after(qtbot, long_window):
    window, long, spans = long_window
    window.open_document(long)
    assert window.article.text == TEXT and len(window.spans.spans) == 4  # the text and its spans at once
    assert window.suggestions.rowCount() == 0 and window.relations.model.rowCount() == 0  # the rest: once drawn
    qtbot.waitUntil(lambda: window.suggestions.rowCount() == 1 and window.relations.model.rowCount() == 2)
    top = window.relations.model.relation(0)
    assert window.relations.arcs.drawn() == [top.id]  # only the relation whose spans are in view


def test_a_span_far_below_is_highlighted_and_its_arc_drawn_once_scrolled_to(qtbot, long_window):
    window, long, spans = long_window
    window.open_document(long)
    window.settle()
    window.article.scroll_to(spans[3].start)
    window.article.viewport().repaint()
    shown = [piece for piece, _fmt in window.article.highlights()]
    assert shown[-3:] == ["town 299", "$1.299 million", "Harbour Trust 299"]  # the suggestion, then the spans
    bottom = window.relations.model.relation(1)
    assert window.relations.arcs.drawn() == [bottom.id]
    for step in (3, -40):  # scrolled a little (the view moves what is over it with the text): still over the text
        window.article.verticalScrollBar().setValue(window.article.verticalScrollBar().value() + step)
        assert window.relations.arcs.geometry() == window.article.viewport().rect()


def test_an_inner_span_is_drawn_over_the_outer_one_around_it(qtbot, long_window):
    window, long, _spans = long_window
    window.open_document(long)
    outer = _span(long, "the harbour board of town 5", "ORG")
    inner = _span(long, "town 5", "LOCATION")
    window.article.set_spans([*window.spans.spans, outer, inner])
    pieces = [piece for piece, _fmt in window.article.highlights()]
    assert pieces[2:4] == ["the harbour board of ", "town 5"]


def _arc_point(window, relation_id: str) -> QPoint:
    window.relations.arcs.repaint()
    path = window.relations.arcs.path_of(relation_id)
    return path.pointAtPercent(0.5).toPoint()  # the top of the arc, over the line before its spans'


def test_hovering_an_arc_tells_its_label_and_ends(qtbot, long_window):
    window, long, spans = long_window
    window.open_document(long)
    window.settle()
    window.article.scroll_to(spans[3].start)
    bottom = window.relations.model.relation(1)
    point = _arc_point(window, bottom.id)
    assert window.relations.arcs.relation_at(point) == bottom
    viewport = window.article.viewport()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point)))
    assert QToolTip.text() == "attributed_to: $1.299 million → Harbour Trust 299"
    assert window.relations.arcs.relation_at(point + QPoint(0, 60)) is None  # away from every arc


def test_selecting_a_span_or_a_relation_says_its_relations_and_draws_their_arcs_bolder(qtbot, long_window):
    window, long, spans = long_window
    window.open_document(long)
    window.settle()
    window.panel.select_span(spans[1].id)
    assert window.statusBar().currentMessage() == "attributed_to ← $1.0 million"  # its label, the other end
    assert window.relations.arcs.emphasised() == [window.relations.model.relation(0).id]
    window.relations.table.selectRow(1)
    assert window.statusBar().currentMessage() == "attributed_to: $1.299 million → Harbour Trust 299"
    assert window.relations.arcs.emphasised() == [window.relations.model.relation(1).id]
