"""One annotator's version of a review item, with what sets it apart spelled out."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from curator.domain.models import Annotation
from curator.domain.schema import LabelSchema
from curator.domain.values import describe
from ui.widgets.article_view import ArticleView

if TYPE_CHECKING:
    from curator.analysis.review import ReviewItem  # the item it is given to show

DIFFERS_STYLE = "background-color:#ffd8a8; color:#7a2e00; font-weight:600"
MOST_LINES = 5  # a region of many nested spans is summed up, not allowed to crowd out the article


def span_parts(span: Annotation, text: str, entity_names: dict[str, str],
               differs: tuple[str, ...] = ()) -> dict[str, str]:
    """The parts of a span a reviewer compares, in words: its text, label, normalized value
    and linked entity (the last two only when set, or when another version has them)."""
    parts = {"bounds": f"“{text[span.start : span.end]}”", "label": span.label}
    if span.value or "value" in differs:
        parts["value"] = describe(span.value) or "no value"
    if span.entity_id or "entity" in differs:
        parts["entity"] = f"→ {entity_names.get(span.entity_id, 'unknown entity')}" if span.entity_id else "no entity"
    return parts


def _plain(span: Annotation, text: str, entity_names: dict[str, str], differs: tuple[str, ...] = ()) -> str:
    return " ".join(span_parts(span, text, entity_names, differs).values())


def span_note(span: Annotation, text: str, entity_names: dict[str, str], item: ReviewItem | None = None,
              differs: tuple[str, ...] = ()) -> str:
    """A span's tooltip: its parts, and, in a review item, each other version beside it."""
    parts = span_parts(span, text, entity_names, differs)
    lines = [f"{parts['bounds']} {span.label}, by {span.annotator}  ({span.start}–{span.end})"]
    if "value" in parts:
        lines.append(f"Value: {parts['value']}")
    if "entity" in parts:
        lines.append(f"Entity: {entity_names.get(span.entity_id, span.entity_id)}" if span.entity_id
                     else "Entity: none linked")
    if item is not None:
        lines.append(f"Differs in: {', '.join(differs)}" if differs else "The same in every version")
        for name, spans in item.versions.items():
            if name != span.annotator:
                # Their value and entity are said (if only "none") where this span differs in them.
                theirs = "; ".join(_plain(s, text, entity_names, differs) for s in spans) or "no span here"
                lines.append(f"{name}: {theirs}")
    return "\n".join(lines)


def version_html(spans: tuple[Annotation, ...], text: str, entity_names: dict[str, str],
                 differences: dict[str, tuple[str, ...]]) -> str:
    """One line per span of a version, the parts that differ from other versions marked."""
    if not spans:
        return f"<span style='{DIFFERS_STYLE}'>no span here</span> (missed)"
    lines = []
    for span in spans[:MOST_LINES]:
        differs = differences.get(span.id, ())
        parts = span_parts(span, text, entity_names, differs)
        lines.append(" · ".join(f"<span style='{DIFFERS_STYLE}'>{escape(parts[part])}</span>" if part in differs
                                else escape(parts[part]) for part in parts))  # (in the order versions are compared)
    if len(spans) > MOST_LINES:
        lines.append(f"… and {len(spans) - MOST_LINES} more spans")
    return "<br>".join(lines)


class VersionPanel(QGroupBox):
    """One annotator's version of the item under review: the article with their spans,
    and under it each span of the item's region spelled out (text, label, normalized
    value, linked entity) with the parts that differ from the other versions marked.
    Hovering a span says the same, with the other versions beside it. UI thread only.
    """

    def __init__(self, title: str, schema: LabelSchema, parent: QWidget | None = None, key: str = "") -> None:
        super().__init__(title, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.view = ArticleView(self)
        self.view.set_schema(schema)
        self.details = QLabel(self)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Under its own version, narrow: four annotators' panels still fit a 1280-pixel screen.
        self.accept_button = QPushButton(f"Accept  ({key})" if key else "Accept", self)
        self.accept_button.setToolTip(f"Accept {title}'s version into gold" + (f" (key {key})" if key else ""))
        layout.addWidget(self.view, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.accept_button)

    def show_version(self, text: str, annotator: str, spans: list[Annotation], item: ReviewItem,
                     differences: dict[str, tuple[str, ...]], entity_names: dict[str, str]) -> None:
        """Show ``spans`` (the annotator's spans in the document) with ``item`` shaded."""
        if self.view.text != text:
            self.view.set_text(text)
        mine = item.versions.get(annotator, ())
        in_item = {span.id for span in mine}
        self.view.set_span_notes({
            span.id: span_note(span, text, entity_names, item if span.id in in_item else None,
                               differences.get(span.id, ()))
            for span in spans})
        differing = next((span.id for span in mine if differences.get(span.id)), None)
        self.view.set_spans(spans, selected_id=differing, paint=False)
        self.view.set_region(item.start, item.end)
        self.view.scroll_to(item.start)  # near the end of a long article too
        if annotator in item.versions:
            self.details.setText(version_html(mine, text, entity_names, differences))
        else:
            self.details.setText("<i>did not work on this document</i>")
