"""Qt models tested without views."""

from PySide6.QtCore import Qt

from curator.domain.models import Annotation, Document
from curator.domain.schema import LabelSchema
from curator.session.changes import stream_of
from curator.session.document_list import DocumentList
from ui.models.annotation_table_model import AnnotationTableModel
from ui.models.document_table_model import DocumentTableModel
from ui.widgets.article_view import ArticleView, TextOffsets, display_text


def test_document_model_over_many_documents_reads_only_what_is_shown(store, qtmodeltester):
    store.add_documents([Document(uid=f"doc-{i:05d}", text=f"Article {i}", title=f"Title {i}") for i in range(5000)])
    model = DocumentTableModel(DocumentList(store), "ann")
    assert model.rowCount() == 5000
    assert model.rows_fetched == 0
    assert model.index(4321, 0).data() == "Title 4321"
    assert model.rows_fetched <= DocumentTableModel.PAGE
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data() == "Title 999"  # text order, done by the database
    model.set_search("title 12")
    assert model.rowCount() == 111  # 12, 120-129, 1200-1299
    assert model.rows_fetched < 1000


def test_document_model_reads_a_sort_a_page_at_a_time_in_the_order_of_the_whole(store, monkeypatch):
    """A sort reads none of the ids until rows are shown, then only their page; every row
    is where the general query puts it, and a document's row is found far down."""
    store.add_documents([Document(uid=f"d{i:04d}", text="x", title=None if i % 5 == 0 else f"T{i % 17}",
                                  source=["TDI", "nCa", None][i % 3]) for i in range(1200)])
    asked = []
    original = store.document_id_page
    monkeypatch.setattr(store, "document_id_page", lambda *a, **k: asked.append(a) or original(*a, **k))
    model = DocumentTableModel(DocumentList(store), "ann")
    for column, sort in ((0, "title"), (1, "source")):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
            asked.clear()
            whole = store.document_ids(sort=sort, descending=order == Qt.SortOrder.DescendingOrder)
            assert model.rowCount() == 1200 and asked == []
            assert [model.doc_id(row) for row in range(1000, 1010)] == whole[1000:1010]
            assert len(asked) <= 2  # the page of row 1000 (and the part without a value)
            assert model.row_of(whole[1150]) == 1150 and model.row_of(whole[3]) == 3


def test_document_model_passes_qt_model_checks(sample_store, qtmodeltester):
    model = DocumentTableModel(DocumentList(sample_store), "ann")
    qtmodeltester.check(model)  # raises on any violation of Qt's model contract
    assert model.rowCount() == 5


def test_document_model_inserts_rows_for_new_documents(store, qtbot):
    model = DocumentTableModel(DocumentList(store), "ann")
    stream_of(store).subscribe(model.on_changes)
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        store.add_documents([Document(uid="a", text="A"), Document(uid="b", text="B")])
    assert inserted.args[1:] == [0, 1]
    assert model.rowCount() == 2


def test_annotation_model_follows_changes_row_by_row(store, qtbot, qtmodeltester):
    doc_id = store.add_documents([Document(uid="d", text="Alpha beta gamma delta")])[0]
    model = AnnotationTableModel(LabelSchema())
    model.set_document(doc_id, "Alpha beta gamma delta", "ann", [])
    stream_of(store).subscribe(model.on_changes)
    late = store.add_annotation(Annotation(doc_id=doc_id, start=17, end=22, label="ORG", annotator="ann"))
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        early = store.add_annotation(Annotation(doc_id=doc_id, start=0, end=5, label="PERSON", annotator="ann"))
    assert inserted.args[1:] == [0, 0]  # kept in text order
    store.add_annotation(Annotation(doc_id=doc_id, start=6, end=10, label="ORG", annotator="someone else"))
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["Alpha", "delta"]
    store.update_annotation(late.id, label="LOCATION")
    assert model.index(1, 1).data() == "LOCATION"
    with qtbot.waitSignal(model.rowsRemoved):
        store.delete_annotation(early.id)
    assert model.rowCount() == 1
    qtmodeltester.check(model)


def test_offsets_convert_between_python_and_qt_after_emoji():
    text = "Hi 👋 there 🇰🇿 Astana"
    offsets = TextOffsets(text)
    start = text.index("Astana")
    qt_start = offsets.to_qt(start)
    assert qt_start == len(text[:start].encode("utf-16-le")) // 2
    assert offsets.from_qt(qt_start) == start
    assert TextOffsets("plain").to_qt(3) == 3


def test_highlights_sit_on_the_right_characters_after_emoji_and_crlf(qtbot):
    text = "Emoji 👋 first\r\nthen Astana and Ürümqi."
    view = ArticleView()
    qtbot.addWidget(view)
    view.set_schema(LabelSchema())
    view.set_text(text)
    spans = [Annotation(doc_id=1, start=text.index(w), end=text.index(w) + len(w), label="LOCATION", annotator="a")
             for w in ("Astana", "Ürümqi")]
    view.set_spans(spans)
    assert [piece for piece, _fmt in view.highlights()] == ["Astana", "Ürümqi"]
    view.set_text("👋 " + text)  # a character of two UTF-16 units before the spans, in their paragraph
    view.set_spans([s.model_copy(update={"start": s.start + 2, "end": s.end + 2}) for s in spans])
    assert [piece for piece, _fmt in view.highlights()] == ["Astana", "Ürümqi"]
    view.set_text(text)
    view.set_spans(spans)
    view.set_selection(text.index("then"), text.index("then") + 4)
    assert view.selection_range() == (text.index("then"), text.index("then") + 4)
    assert len(display_text(text)) == len(text)


def test_a_one_paragraph_article_opened_after_one_of_several_shows_its_spans(qtbot):
    """Its spans go to its paragraph's lay-out with the text (as in the window, which opens
    a document with its spans): the paragraphs of the article before, merged into the first
    as the text is replaced, took them away, and the spans showed in the list only."""
    several, one = "Astana\nsigned\n\nthe deal.", "The National Bank of Kazakhstan said."
    span = Annotation(doc_id=2, start=one.index("National"), end=one.index(" said"), label="ORG", annotator="a")
    view = ArticleView()
    qtbot.addWidget(view)
    view.set_schema(LabelSchema())
    for before in (several, "One paragraph before.", ""):
        view.set_text(before)
        view.set_text(one, [span])
        assert [piece for piece, _fmt in view.highlights()] == ["National Bank of Kazakhstan"], before


def test_thousands_of_spans_are_laid_out_with_the_text_and_an_edit_touches_one_paragraph(qtbot):
    paragraphs = [" ".join(f"word{p}x{i}" for i in range(40)) for p in range(200)]
    text = "\n".join(paragraphs)
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    view.set_schema(LabelSchema())
    view.set_text(text)
    spans = [Annotation(doc_id=1, start=m.start(), end=m.end(), label="ORG", annotator="a")
             for m in list(__import__("re").finditer(r"word\d+x\d+", text))[::4]]
    view.set_spans(spans)
    shown = view.highlights()
    assert len(shown) == len(spans) == 2000 and shown[-1][0] == text[spans[-1].start : spans[-1].end]
    relaid: list[int] = []
    view._highlighter.rehighlightBlock = lambda block: relaid.append(block.blockNumber())
    view._highlighter.rehighlight = lambda: relaid.append(-1)
    start = text.index("word150x1 ")
    view.set_spans([*spans, Annotation(doc_id=1, start=start, end=start + 9, label="PERSON", annotator="a")])
    assert relaid == [150]  # only the paragraph with the new span is laid out again
