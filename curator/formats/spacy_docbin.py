"""spaCy DocBin files, both ways (optional: pip install 'curator[spacy]').

Read: the spans of ``doc.ents`` and of every span group (a span in several is read once),
or, in a file Curator wrote, exactly the spans it wrote (offsets and annotators kept in
``doc.user_data``); ``doc.cats`` scored 0.5 or more as categories.

Written: every span in ``doc.spans["sc"]`` (overlaps kept), and the spans that do not
overlap in ``doc.ents`` too, so that ``spacy debug data`` and an NER pipeline's training
see the labels; categories in ``doc.cats`` under the names the peers use."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from curator.errors import CuratorError
from curator.formats.annotated import (
    FieldReader,
    ReadFile,
    categories_by_document,
    category_entry,
    new_document,
    peer_category_names,
    read_choices,
    refuse_invalid,
)
from curator.formats.boundary import Problems, bad_text, describe, read_input
from curator.formats.outputs import atomic_path
from curator.store import Store

SPAN_KEY = "sc"  # spaCy's span-categorizer key: a span group keeps overlapping spans


def export_docbin(store: Store, target: str | Path, annotator: str | None = None) -> list[str]:
    """Write a spaCy DocBin: each document's spans in ``doc.spans["sc"]``, the annotator and
    exact offsets of each in ``doc.user_data``. Returns spans that do not fall on spaCy's
    token boundaries (in the span group they are widened to whole tokens)."""
    try:
        import spacy
        from spacy.tokens import DocBin
    except ImportError as exc:
        raise CuratorError("spaCy is not installed: pip install 'curator[spacy]'") from exc
    target = Path(target)
    refuse_invalid(store, target, annotator)
    from spacy.util import filter_spans

    nlp = spacy.blank("xx")
    docbin = DocBin(store_user_data=True)
    widened = []
    categories = categories_by_document(store, annotator)
    named = peer_category_names(store.label_schema.categories)
    for document, spans in store.iter_documents_with_annotations(annotator):
        doc = nlp.make_doc(document.text)
        chosen = categories.get(document.id, {})
        # doc.cats holds one layer's categories ("set:choice": 1.0, the set's other choices 0.0);
        # which annotator's, and every layer's, travel in user_data.
        schema_sets = {category.name: category for category in store.label_schema.categories}
        for who in sorted(chosen)[:1]:
            for set_name, choices in chosen[who].items():
                for option in (schema_sets[set_name].names if set_name in schema_sets else choices):
                    doc.cats[named.get((set_name, option), f"{set_name}:{option}")] = \
                        1.0 if option in choices else 0.0
        doc.user_data["curator_categories"] = [[who, set_name, choices] for who, sets in sorted(chosen.items())
                                               for set_name, choices in sets.items()]
        group = []
        for span in spans:
            made = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
            if made is None:
                made = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
                widened.append(f"{document.uid} [{span.start}:{span.end}] {span.label}")
            group.append(made)
        doc.spans[SPAN_KEY] = group
        doc.ents = filter_spans(group)  # the longest of overlapping spans, then the first
        doc.user_data["curator_uid"] = document.uid
        doc.user_data["curator_annotators"] = [span.annotator for span in spans]
        # Exact offsets too, so spans off spaCy's token boundaries come back unchanged.
        doc.user_data["curator_offsets"] = [[span.start, span.end] for span in spans]
        docbin.add(doc)
    with atomic_path(target) as temp:
        docbin.to_disk(temp)
    return widened


MAX_UNPACKED = 1_000_000_000  # bytes a DocBin may unpack to


def _unpacks_within(data: bytes, limit: int) -> bool:
    """Whether the zlib stream ``data`` (a DocBin) unpacks to at most ``limit`` bytes,
    unpacked a piece at a time and kept nowhere; True for a stream that is not zlib (the
    reader words that)."""
    inflater, size = zlib.decompressobj(), 0
    try:
        while data and size <= limit:
            size += len(inflater.decompress(data, 1 << 24))
            data = inflater.unconsumed_tail
    except zlib.error:
        return True
    return size <= limit


def read_docbin(path: Path) -> ReadFile:
    """A spaCy DocBin's documents and spans (exact offsets and annotators from ``user_data``
    when Curator wrote them); raises ``FileRefused`` if anything in it is malformed."""
    try:
        import spacy
        from spacy.tokens import DocBin
    except ImportError as exc:
        raise CuratorError("spaCy is not installed: pip install 'curator[spacy]'") from exc
    try:
        data = read_input(path)
    except OSError as exc:
        raise CuratorError(f"{path}: {exc.strerror or exc}") from exc
    if not _unpacks_within(data, MAX_UNPACKED):
        raise CuratorError(f"{path}: refused: the DocBin would unpack to more than {MAX_UNPACKED / 1e9:.0f} GB "
                           "(a zip bomb?)")
    try:
        docs = list(DocBin().from_bytes(data).get_docs(spacy.blank("xx").vocab))
    except Exception as exc:  # spaCy raises several kinds for a damaged file
        raise CuratorError(f"{path}: not a spaCy DocBin ({type(exc).__name__}: {str(exc)[:200]})") from exc
    problems = Problems(str(path))
    documents = []
    seen: dict[str, int] = {}
    for number, doc in enumerate(docs, start=1):
        record = FieldReader(problems, f"doc {number}")
        user_data = doc.user_data if isinstance(doc.user_data, dict) else {}
        if "curator_offsets" in user_data and SPAN_KEY in doc.spans:
            spans = list(doc.spans[SPAN_KEY])  # Curator's own: exactly what it wrote
        else:
            spans = _every_span(doc, seen)
        annotators = record.items(_listed(user_data.get("curator_annotators")), "user_data.curator_annotators")
        offsets = record.items(_listed(user_data.get("curator_offsets")), "user_data.curator_offsets")
        if bad_text(doc.text):
            record.bad("text", "holds a lone surrogate (not a Unicode character)")
            continue
        document = new_document(record, record.uid(user_data.get("curator_uid"), "user_data.curator_uid",
                                                f"{path.stem}-{number}"), record.text(doc.text, "text"))
        for index, span in enumerate(spans):
            who = annotators[index] if index < len(annotators) else "spacy"
            who = record.text(who, f"user_data.curator_annotators.{index}")
            if index < len(offsets):
                pair = offsets[index]
                if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                    record.bad(f"user_data.curator_offsets.{index}", f"is {describe(pair)}, not [start, end]")
                    continue
                found = record.offsets(pair[0], pair[1], (f"user_data.curator_offsets.{index}.0",
                                                          f"user_data.curator_offsets.{index}.1"))
            else:
                found = (span.start_char, span.end_char)
            label = record.text(span.label_, f"spans.{index}.label")
            if found and who and label and document:
                document.spans.append((*found, label, who, {}))
        kept = record.items(_listed(user_data.get("curator_categories")), "user_data.curator_categories")
        for index, entry in enumerate(kept):
            if not isinstance(entry, (list, tuple)) or len(entry) != 3:
                record.bad(f"user_data.curator_categories.{index}", f"is {describe(entry)}, not [annotator, set, "
                           "choices]")
                continue
            who, set_name = (record.text(entry[0], f"user_data.curator_categories.{index}.0"),
                             record.text(entry[1], f"user_data.curator_categories.{index}.1"))
            choices = read_choices(record, _listed(entry[2]), f"user_data.curator_categories.{index}.2")
            if who and set_name and choices and document:
                document.categories.append((who, set_name, choices))
        if not kept and document:  # another tool's doc.cats: the categories scored 0.5 or more
            chosen_cats = sorted(name for name, score in doc.cats.items() if isinstance(score, (int, float))
                                 and score >= 0.5)
            by_set: dict[str, list[str]] = {}
            for name in chosen_cats:
                set_name, choice = category_entry(name)
                by_set.setdefault(set_name, []).append(choice)
            document.categories.extend(("spacy", set_name, choices) for set_name, choices in by_set.items())
        if document:
            documents.append(document)
    problems.refuse_if_any()
    where = ", ".join(f"{name} ({count:,})" for name, count in seen.items())
    return ReadFile(documents, "a spaCy DocBin" + (f": spans from {where}" if where else ""))


def _every_span(doc: Any, seen: dict[str, int]) -> list:
    """The spans of ``doc.ents`` and of every span group, each (offsets and label) once."""
    spans, kept = [], set()
    for name, group in [("doc.ents", doc.ents), *((f"doc.spans[{key!r}]", doc.spans[key]) for key in doc.spans)]:
        for span in group:
            key = (span.start_char, span.end_char, span.label_)
            if key not in kept:
                kept.add(key)
                spans.append(span)
                seen[name] = seen.get(name, 0) + 1
    return spans


def _listed(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value  # msgpack gives tuples for lists
