"""Change events the store publishes after each committed write.

The session folds the events of one operation into one ``Changes`` value
(``curator.session.changes``), which views follow; the events stay inside it for the
models that update one row at a time. Events are delivered synchronously, in the
thread that wrote (or committed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from curator.domain.models import Annotation


@dataclass(frozen=True)
class DocumentsAdded:
    ids: tuple[int, ...]


@dataclass(frozen=True)
class DocumentsRemoved:
    """Documents went, with everything on them (an import undone)."""

    ids: tuple[int, ...]


@dataclass(frozen=True)
class DocumentChanged:
    """A document's metadata or an annotator's status for it changed."""

    id: int


@dataclass(frozen=True)
class AnnotationAdded:
    annotation: Annotation


@dataclass(frozen=True)
class AnnotationRemoved:
    annotation: Annotation


@dataclass(frozen=True)
class AnnotationChanged:
    before: Annotation
    after: Annotation


@dataclass(frozen=True)
class EntitiesChanged:
    ids: tuple[str, ...]


@dataclass(frozen=True)
class SuggestionsChanged:
    """Suggestions of a document were added or changed status."""

    doc_id: int


@dataclass(frozen=True)
class ReviewsChanged:
    """A disagreement of a document was settled or reopened."""

    doc_id: int


@dataclass(frozen=True)
class DecisionsChanged:
    """A duplicate decision or a fact was recorded, changed or removed."""

    key: str


@dataclass(frozen=True)
class MeasuresChanged:
    """The measures facts are grouped by changed (edited, or back to the list to start from)."""


@dataclass(frozen=True)
class AttributionsChanged:
    """Whom figures are attributed to changed: a curator's override of what a figure's
    sentence says was set or cleared, for the spans of ``annotation_ids`` (none named:
    any span, as when another process changed them)."""

    annotation_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class CategoriesChanged:
    """An annotator's categories of a document changed."""

    doc_id: int
    annotator: str


@dataclass(frozen=True)
class SchemaChanged:
    """The project's labels or category sets changed; spans may have moved between
    labels (``relabelled``: the labels whose spans moved or went)."""

    relabelled: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelationsChanged:
    """An annotator's relations in a document (or the relations proposed to them) changed."""

    doc_id: int
    annotator: str


@dataclass(frozen=True)
class RecommenderChanged:
    """A learned recommender was trained (its model stored) or removed."""

    name: str


Event = (
    DocumentsAdded | DocumentsRemoved | DocumentChanged | AnnotationAdded | AnnotationRemoved | AnnotationChanged
    | EntitiesChanged | SuggestionsChanged | ReviewsChanged | DecisionsChanged | SchemaChanged | CategoriesChanged
    | RecommenderChanged | MeasuresChanged | AttributionsChanged | RelationsChanged
)
Listener = Callable[[Event], None]


class EventHub:
    """A minimal publish/subscribe list. Listeners run after the write has committed."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def listening(self) -> bool:
        """Whether anyone listens: a writer may skip building events nobody will read."""
        return bool(self._listeners)

    def emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)
