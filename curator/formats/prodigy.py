"""Prodigy's JSONL (``prodigy db-out``), both ways.

Read: one annotated example a line: ``text``, ``spans`` (``start``, ``end``, ``label``;
from ``ner``, ``ner_manual``, ``spans_manual``), ``tokens``, the ``answer``, and who gave it
(``_annotator_id``, else ``_session_id``). Only accepted examples are annotations:
rejected and ignored ones are counted and reported, never imported as gold. A
classification's ``label`` (``textcat``) or its ``accept``ed options (``choice``) become
categories; relations (``rel.manual``) are reported. The example's ``meta`` is its metadata.

Written: a line per document and annotator, with the tokens the spans are made of (cut
wherever a span starts or ends), ``spans`` with their tokens, ``answer: accept``, the
annotator as ``_annotator_id`` and the metadata in ``meta``; categories as ``accept``ed
``options``. Prodigy adds its hashes itself when the file is loaded (``db-in``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from curator.domain.models import Annotation, DocumentStatus
from curator.formats.annotated import (
    AnnotatedDocument,
    FieldReader,
    FoundRelation,
    ReadFile,
    article_columns,
    categories_by_document,
    category_entry,
    jsonl_records,
    new_document,
    peer_category_names,
    refuse_invalid,
    stated_fields,
)
from curator.formats.boundary import Problems, describe
from curator.formats.outputs import atomic_path
from curator.formats.reports import ImportProblem
from curator.formats.span_offsets import SpanPlacer, disagreement
from curator.formats.span_tokens import aligned_tokens, token_range
from curator.store import Store

DEFAULT_ANNOTATOR = "prodigy"
DONE_KEY = "_curator_done"  # where Curator's export says whether a line's annotator marked the document done


def read_prodigy(path: Path) -> ReadFile:
    """Prodigy JSONL; raises ``FileRefused`` if any line is malformed."""
    problems = Problems(str(path))
    found = ReadFile([], "Prodigy annotations (JSONL)")
    for number, record, raw in jsonl_records(path, problems):
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
            record.bad("text", "no 'text' (a string)")
            continue
        answer = raw.get("answer", "accept")
        if answer != "accept":
            said = {"reject": "rejected", "ignore": "ignored"}.get(answer) if isinstance(answer, str) else None
            said = said or f"answered {str(answer)[:20]!r}"
            found.leave_out(f"{said} example(s) not imported: only accepted answers are annotations")
            continue
        document = _document(record, raw, path, number)
        who = raw.get("_annotator_id") or raw.get("_session_id") or DEFAULT_ANNOTATOR
        who = record.text(str(who) if type(who) is int else who, "_annotator_id")
        if document is not None and who:
            _read_example(record, raw, document, who, found)
            # An answer given is the annotator done with the example; Curator's export, a line
            # per layer, says whether its annotator is (``DONE_KEY``).
            done = raw[DONE_KEY] is True if DONE_KEY in raw else raw.get("answer") == "accept"
            if done:
                document.statuses[who] = DocumentStatus.DONE.value
            found.documents.append(document)
    problems.refuse_if_any()
    return found


def _document(record: FieldReader, raw: dict, path: Path, number: int) -> AnnotatedDocument | None:
    meta = record.mapping(raw.get("meta"), "meta")
    if meta is None:
        return None
    uid = meta.get("uid") or raw.get("id") or meta.get("id") or raw.get("_input_hash")
    fields = stated_fields({}, meta, skip=("uid", "id"))  # named as an article file's may be
    document = new_document(record, record.uid(uid, "meta.uid", f"{path.stem}-{number}"),
                            record.text(raw["text"], "text"), fields)
    if document is not None:  # (an input hash, or a line's number, is Prodigy's)
        document.own_id = bool(meta.get("uid") or raw.get("id") or meta.get("id"))
    return document


def _read_example(record: FieldReader, raw: dict, document: AnnotatedDocument, who: str, found: ReadFile) -> None:
    placer = SpanPlacer(document.text)
    for field, span in record.objects(raw.get("spans"), "spans"):
        offsets = record.offsets(span.get("start"), span.get("end"), (f"{field}.start", f"{field}.end"))
        label = span.get("label")
        if label is None:  # a span a binary recipe asked about, with the example's label
            label = raw.get("label")
        label = record.text(label, f"{field}.label")
        if not offsets or not label:
            continue
        written = span.get("text") if isinstance(span.get("text"), str) else None
        placed = placer.place(*offsets, written) if written is not None else offsets
        if placed is None:
            found.skipped.append(ImportProblem(record.problems.file, disagreement(document.text, *offsets, written),
                                               f"{record.name}: {field}"))
            continue
        document.spans.append((*placed, label, who, {}))
    label = raw.get("label")
    if isinstance(label, str) and not raw.get("spans") and label:  # textcat: the example's label
        document.categories.append((who, *_category(label)))
    options = raw.get("options")
    for index, choice in enumerate(record.items(raw.get("accept"), "accept")):
        name = choice if isinstance(choice, str) else str(choice) if type(choice) is int else None
        if name is None:
            record.bad(f"accept.{index}", f"is {describe(choice)}, not an option's id")
            continue
        if isinstance(options, list) and not any(isinstance(o, dict) and o.get("id") == choice for o in options):
            found.leave_out("accepted option(s) not among the example's options not imported")
            continue
        document.categories.append((who, *_category(name)))
    for relation in record.items(raw.get("relations"), "relations"):
        ends = [_span_key(relation.get(key)) if isinstance(relation, dict) else None
                for key in ("head_span", "child_span")]
        label = relation.get("label") if isinstance(relation, dict) and isinstance(relation.get("label"), str) else ""
        if ends[0] and ends[1]:
            document.relations.append(FoundRelation(who, ends[0], ends[1], label))
        else:
            found.leave_out("relation(s) not imported: the spans they join are not given")


def _span_key(span: Any) -> tuple[int, int, str] | None:
    if isinstance(span, dict) and type(span.get("start")) is int and type(span.get("end")) is int:
        return span["start"], span["end"], span.get("label") if isinstance(span.get("label"), str) else ""
    return None


def _category(name: str) -> tuple[str, list[str]]:
    set_name, choice = category_entry(name)
    return set_name, [choice]


def export_prodigy(store: Store, target: Path, annotator: str | None = None) -> None:
    """One accepted example a line per document and annotator, tokens and spans together."""
    refuse_invalid(store, Path(target), annotator)
    categories = categories_by_document(store, annotator)
    named = peer_category_names(store.label_schema.categories)
    options = [{"id": name, "text": name} for name in named.values()]
    done_by = store.done_by(annotator)
    with atomic_path(target) as temp, temp.open("w", encoding="utf-8") as out:
        for document, spans in store.iter_documents_with_annotations(annotator):
            by_annotator: dict[str, list[Annotation]] = {}
            for span in spans:
                by_annotator.setdefault(span.annotator, []).append(span)
            chosen = categories.get(document.id, {})
            for name in chosen:
                by_annotator.setdefault(name, [])
            meta = {"uid": document.uid, **article_columns(document, ())}
            # A document no one annotated goes out unanswered, as a task still to do.
            for name, layer in by_annotator.items() or [("", [])]:
                tokens = aligned_tokens(document.text, [(s.start, s.end) for s in layer])
                example: dict[str, Any] = {"text": document.text, "meta": meta, "tokens": [
                    {"text": document.text[start:end], "start": start, "end": end, "id": number,
                     "ws": document.text[end:end + 1].isspace()} for number, (start, end) in enumerate(tokens)],
                    "spans": [], "_view_id": "ner_manual"}
                if name:
                    example.update(answer="accept", _annotator_id=name)
                    example[DONE_KEY] = name in done_by.get(document.id, [])
                for span in sorted(layer, key=lambda s: (s.start, s.end, s.label)):
                    first, last = token_range(tokens, span.start, span.end)
                    example["spans"].append({"start": span.start, "end": span.end, "text": document.text[
                        span.start:span.end], "label": span.label, "token_start": first, "token_end": last})
                if name in chosen:
                    example["options"] = options
                    example["accept"] = [named.get((set_name, choice), f"{set_name}:{choice}")
                                         for set_name, choices in chosen[name].items() for choice in choices]
                # ASCII-escaped: a raw U+2028 would end the line for readers that split on it.
                out.write(json.dumps(example) + "\n")
