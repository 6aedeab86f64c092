"""One description of what an operation changed, and who started it (after Anki's
``OpChanges``): every do, undo, redo, import, job and change seen from another process
is published as one ``Changes`` value, and every window follows the session through it.

The store announces each committed write as a fine-grained event (``store.events``).
A ``ChangeStream``, one per store and shared by every session over it, collects the
events of one operation (``operation(origin)``) and publishes one ``Changes`` at its
end. A write made outside any operation (a script calling the store) is published at
once, as a ``Changes`` of its own.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from curator.domain.models import Annotation
from curator.store.events import (
    AnnotationAdded,
    AnnotationChanged,
    AnnotationRemoved,
    Event,
)

EDIT, UNDO, REDO, IMPORT, JOB, ELSEWHERE = "edit", "undo", "redo", "import", "job", "elsewhere"
ORIGINS = (EDIT, UNDO, REDO, IMPORT, JOB, ELSEWHERE)
EVENTS_KEPT = 20_000  # fine-grained events kept in one Changes; a bigger import keeps its flags only


@dataclass(frozen=True)
class HistoryChanged:
    """A user's history of edits moved: something was done, undone or redone (``moved``:
    "Done", "Undone" or "Redone", with the edit's label and document), or was cleared."""

    annotator: str
    moved: str | None = None
    label: str = ""
    doc_id: int = 0


@dataclass(frozen=True)
class ShowRequested:
    """Someone asked the views to show a document (and a span in it)."""

    doc_id: int
    annotation_id: str | None = None
    start: int | None = None  # or a stretch of its text to select
    end: int | None = None
    annotator: str | None = None  # whose layer holds what is to be shown, if one does


SpanEdit = tuple[str, Annotation | None, Annotation | None]  # ("added" | "removed" | "changed", before, after)


@dataclass(frozen=True)
class Changes:
    """What one operation changed, and who started it (``origin``: edit, undo, redo,
    import, job or elsewhere). Each field names a part of the project a window may show;
    a window checks the ones it cares about. ``events`` keeps the store's fine-grained
    events, in order, for the models that update row by row; ``complete`` says whether it
    holds all of them (a change seen from another process, or a very large import, has
    its flags only: what it touched is read again)."""

    origin: str = EDIT
    documents_added: tuple[int, ...] = ()
    documents_removed: tuple[int, ...] = ()  # with everything on them (an import undone)
    documents: frozenset[int] = frozenset()  # details or status changed
    spans: frozenset[int] = frozenset()  # documents whose spans (of any layer) changed
    schema: bool = False
    relabelled: tuple[str, ...] = ()  # labels whose spans moved to another label or went
    entities: bool = False
    facts: bool = False  # facts recorded, changed or removed; figures attributed
    decisions: frozenset[str] = frozenset()  # kinds of duplicate decisions: "documents", "entities"
    measures: bool = False
    categories: frozenset[tuple[int, str]] = frozenset()  # (document, annotator)
    suggestions: frozenset[int] = frozenset()  # documents whose suggestions changed
    reviews: frozenset[int] = frozenset()  # documents with a disagreement settled or reopened
    recommenders: frozenset[str] = frozenset()
    relations: frozenset[tuple[int, str]] = frozenset()  # (document, annotator) whose relations changed
    history: HistoryChanged | None = None
    events: tuple[Event, ...] = ()
    complete: bool = True

    def __bool__(self) -> bool:
        return any((self.documents_added, self.documents_removed, self.documents, self.spans, self.schema,
                    self.entities, self.facts, self.decisions, self.measures, self.categories, self.suggestions,
                    self.reviews, self.recommenders, self.relations, self.history))

    @property
    def elsewhere(self) -> bool:
        return self.origin == ELSEWHERE

    def touches(self, doc_id: int) -> bool:
        """Whether anything of document ``doc_id`` changed (or it was added or went)."""
        return (doc_id in self.spans or doc_id in self.documents or doc_id in self.suggestions
                or doc_id in self.reviews or doc_id in self.documents_added or doc_id in self.documents_removed
                or any(doc == doc_id for doc, _annotator in self.categories)
                or any(doc == doc_id for doc, _annotator in self.relations))

    def span_edits(self, doc_id: int | None = None, annotator: str | None = None) -> list[SpanEdit]:
        """The span edits, in order, of ``doc_id`` and ``annotator`` (each if given):
        ("added", None, span), ("removed", span, None) or ("changed", before, after)."""
        edits = []
        for event in self.events:
            edit = _span_edit(event)
            if edit is None:
                continue
            span = edit[2] or edit[1]
            if (doc_id is None or span.doc_id == doc_id) and (annotator is None or span.annotator == annotator):
                edits.append(edit)
        return edits

    def spans_added(self, doc_id: int | None = None, annotator: str | None = None) -> list[Annotation]:
        return [after for kind, _before, after in self.span_edits(doc_id, annotator) if kind == "added"]

    def spans_removed(self, doc_id: int | None = None, annotator: str | None = None) -> list[Annotation]:
        return [before for kind, before, _after in self.span_edits(doc_id, annotator) if kind == "removed"]

    def span_documents(self, annotator: str | None = None) -> set[int]:
        """The documents whose spans (of ``annotator``'s layer, if given) changed. Without
        every event at hand (a change seen from elsewhere), any span changed counts."""
        if annotator is None or not self.complete:
            return set(self.spans)
        return {(after or before).doc_id for _kind, before, after in self.span_edits(annotator=annotator)}

    def spans_of(self, doc_id: int, annotator: str | None = None) -> bool:
        """Whether spans of ``doc_id`` (of ``annotator``'s layer, if given) changed; see
        ``span_documents``."""
        if doc_id not in self.spans:
            return False
        return annotator is None or not self.complete or bool(self.span_edits(doc_id, annotator))

    def span_layers(self) -> dict[int, set[str]] | None:
        """Whose spans changed, by document; None when not known (see ``complete``)."""
        if not self.complete:
            return None
        layers: dict[int, set[str]] = {}
        for _kind, before, after in self.span_edits():
            span = after or before
            layers.setdefault(span.doc_id, set()).add(span.annotator)
        return layers


def _span_edit(event: Event) -> SpanEdit | None:
    kind = _SPAN_EDITS.get(type(event))
    if kind is None:
        return None
    if kind == "changed":
        return kind, event.before, event.after
    return (kind, None, event.annotation) if kind == "added" else (kind, event.annotation, None)


_SPAN_EDITS: dict[type, str] = {AnnotationAdded: "added", AnnotationRemoved: "removed", AnnotationChanged: "changed"}


@dataclass
class ChangesBuilder:
    """The changes of one operation as its events come in. Thread-safe: a bulk import's
    batches are committed on a writer thread of its own."""

    origin: str = EDIT
    documents_added: list[int] = field(default_factory=list)
    documents_removed: list[int] = field(default_factory=list)
    documents: set[int] = field(default_factory=set)
    spans: set[int] = field(default_factory=set)
    schema: bool = False
    relabelled: list[str] = field(default_factory=list)
    entities: bool = False
    facts: bool = False
    decisions: set[str] = field(default_factory=set)
    measures: bool = False
    categories: set[tuple[int, str]] = field(default_factory=set)
    suggestions: set[int] = field(default_factory=set)
    reviews: set[int] = field(default_factory=set)
    recommenders: set[str] = field(default_factory=set)
    relations: set[tuple[int, str]] = field(default_factory=set)
    history: HistoryChanged | None = None
    events: list[Event] = field(default_factory=list)
    complete: bool = True
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, event: Event) -> None:
        """Fold a store event into the changes."""
        fold = _FOLDS.get(type(event).__name__)
        with self._lock:
            if fold is not None:
                fold(self, event)
            if len(self.events) < EVENTS_KEPT:
                self.events.append(event)
            else:
                self.complete = False

    def moved(self, history: HistoryChanged) -> None:
        """The user's history moved (an edit done, undone, redone; the history cleared)."""
        with self._lock:
            self.history = history

    def build(self) -> Changes:
        with self._lock:
            return Changes(
                origin=self.origin, documents_added=tuple(dict.fromkeys(self.documents_added)),
                documents_removed=tuple(dict.fromkeys(self.documents_removed)),
                documents=frozenset(self.documents), spans=frozenset(self.spans), schema=self.schema,
                relabelled=tuple(dict.fromkeys(self.relabelled)), entities=self.entities, facts=self.facts,
                decisions=frozenset(self.decisions), measures=self.measures, categories=frozenset(self.categories),
                suggestions=frozenset(self.suggestions), reviews=frozenset(self.reviews),
                recommenders=frozenset(self.recommenders), relations=frozenset(self.relations), history=self.history,
                events=tuple(self.events) if self.complete else (), complete=self.complete)


def _decision(builder: ChangesBuilder, event: Any) -> None:
    kind = event.key.partition(":")[0]
    if kind == "measures":
        builder.measures = True
    elif kind in ("fact", "attribution"):
        builder.facts = True
    else:
        builder.decisions.add(kind)


def _schema(builder: ChangesBuilder, event: Any) -> None:
    builder.schema = True
    builder.relabelled.extend(event.relabelled)


# Each store event, by its class's name, folded into the flags.
_FOLDS: dict[str, Callable[[ChangesBuilder, Any], None]] = {
    "DocumentsAdded": lambda b, e: b.documents_added.extend(e.ids),
    "DocumentsRemoved": lambda b, e: b.documents_removed.extend(e.ids),
    "DocumentChanged": lambda b, e: b.documents.add(e.id),
    "AnnotationAdded": lambda b, e: b.spans.add(e.annotation.doc_id),
    "AnnotationRemoved": lambda b, e: b.spans.add(e.annotation.doc_id),
    "AnnotationChanged": lambda b, e: b.spans.add(e.after.doc_id),
    "EntitiesChanged": lambda b, e: setattr(b, "entities", True),
    "SuggestionsChanged": lambda b, e: b.suggestions.add(e.doc_id),
    "ReviewsChanged": lambda b, e: b.reviews.add(e.doc_id),
    "DecisionsChanged": _decision,
    "SchemaChanged": _schema,
    "CategoriesChanged": lambda b, e: b.categories.add((e.doc_id, e.annotator)),
    "RecommenderChanged": lambda b, e: b.recommenders.add(e.name),
    "MeasuresChanged": lambda b, e: setattr(b, "measures", True),
    "AttributionsChanged": lambda b, e: setattr(b, "facts", True),
    "RelationsChanged": lambda b, e: b.relations.add((e.doc_id, e.annotator)),
}

ChangesListener = Callable[[Changes], None]
ShowListener = Callable[[ShowRequested], None]


class ChangeStream:
    """Where the changes of one store are published: one per store, shared by every
    session over it, so that a window follows edits made through any of them.

    It listens to the store only while someone listens to it (the command line, which
    nobody follows, builds no events). Listeners run on the thread that made the change
    (a job's worker thread too); a Qt window relays them to its own thread."""

    def __init__(self, store: Any) -> None:
        self._store = weakref.ref(store)  # the store keeps its stream, not the other way round
        self._listeners: list[ChangesListener] = []
        self._show_listeners: list[ShowListener] = []
        self._unsubscribe_store: Callable[[], None] | None = None
        self._open: contextvars.ContextVar[ChangesBuilder | None] = contextvars.ContextVar(
            f"curator-operation-{next(_numbers)}", default=None)
        self._running = 0  # operations open on any thread
        self._lock = threading.Lock()

    def subscribe(self, listener: ChangesListener) -> Callable[[], None]:
        """Call ``listener(changes)`` after every operation; returns the call that stops it."""
        with self._lock:
            self._listeners.append(listener)
            if self._unsubscribe_store is None:
                self._unsubscribe_store = self._store().events.subscribe(self._on_store_event)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)
                if not self._listeners and self._unsubscribe_store is not None:
                    self._unsubscribe_store()
                    self._unsubscribe_store = None

        return unsubscribe

    def subscribe_show(self, listener: ShowListener) -> Callable[[], None]:
        """Call ``listener(request)`` when someone asks the views to show a document."""
        self._show_listeners.append(listener)
        return lambda: self._show_listeners.remove(listener) if listener in self._show_listeners else None

    def listening(self) -> bool:
        return bool(self._listeners)

    def busy(self) -> bool:
        """Whether an operation is open (on any thread): its writes are not announced yet."""
        return self._running > 0

    @contextlib.contextmanager
    def operation(self, origin: str = EDIT) -> Iterator[ChangesBuilder]:
        """The store's writes in the block (on this thread, and on the threads it starts
        with its context, as a bulk import's writer) are one ``Changes``, published at the
        end of the block, even when the block fails part-way (what was committed is
        announced). Inside another operation, the block is part of it."""
        outer = self._open.get()
        if outer is not None:
            yield outer
            return
        builder = ChangesBuilder(origin)
        token = self._open.set(builder)
        with self._lock:
            self._running += 1
        try:
            yield builder
        finally:
            self._open.reset(token)
            with self._lock:
                self._running -= 1
            changes = builder.build()
            if changes:
                self.publish(changes)

    def publish(self, changes: Changes) -> None:
        for listener in list(self._listeners):
            listener(changes)

    def show(self, request: ShowRequested) -> None:
        for listener in list(self._show_listeners):
            listener(request)

    def _on_store_event(self, event: Event) -> None:
        builder = self._open.get()
        if builder is not None:
            builder.add(event)
            return
        alone = ChangesBuilder(EDIT)  # a write made outside any operation: announced at once
        alone.add(event)
        changes = alone.build()
        if changes:
            self.publish(changes)


_numbers = itertools.count()
_streams: weakref.WeakKeyDictionary[Any, ChangeStream] = weakref.WeakKeyDictionary()
_streams_lock = threading.Lock()


def stream_of(store: Any) -> ChangeStream:
    """The change stream of ``store``: the same for every session over it."""
    with _streams_lock:
        stream = _streams.get(store)
        if stream is None:
            stream = _streams[store] = ChangeStream(store)
        return stream


__all__ = ["Changes", "ChangeStream", "HistoryChanged", "ORIGINS", "ShowRequested", "stream_of"]
