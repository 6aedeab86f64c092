"""doccano's files, both ways.

Read, in every shape doccano exports and imports: sequence labeling (``label`` triples),
text classification (``label`` as a list of category names), intent detection
(``entities`` as triples, ``cats``), relation extraction (``entities`` objects with ids and
``relations`` between them: reported until the project has relation labels), as JSONL or
JSON, and the CSV of text classification (``doccano_csv``). Category names become
category choices, found in the project's one set that has them. The record's other
fields are read as the article import reads them; ``Comments`` are reported, not kept.

Written: JSONL, one line per document and annotator, ``label`` triples, ``cats`` and the
article's metadata. Lines end at ``\\n`` only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from curator.domain.models import Annotation, Relation
from curator.formats.annotated import (
    AnnotatedDocument,
    FieldReader,
    FoundRelation,
    ReadFile,
    article_columns,
    categories_by_document,
    category_entry,
    load_json,
    new_document,
    peer_category_names,
    read_lines,
    refuse_invalid,
)
from curator.formats.article_files import Skipped, record_to_candidate
from curator.formats.boundary import (
    BadJSON,
    Problems,
    describe,
    loads,
)
from curator.formats.outputs import atomic_path
from curator.formats.reports import ImportProblem
from curator.store import Store

DEFAULT_ANNOTATOR = "doccano"
_ANNOTATION_KEYS = ("label", "entities", "annotator", "cats", "relations", "Comments")


def read_doccano(path: Path, payload: Any = None, lines: list[str] | None = None,
                 annotator: str | None = None) -> ReadFile:
    """doccano JSONL (or the JSON of a classification export, ``payload`` if already
    parsed; or ``lines`` of a file in a zip, annotated by ``annotator``); raises
    ``FileRefused`` if any record is malformed."""
    problems = Problems(str(path))
    found = ReadFile([], "doccano JSONL")
    if lines is not None:
        numbered = _lines(lines, problems)
    elif payload is not None or path.suffix.lower() == ".json":
        payload = load_json(path) if payload is None else payload
        if not isinstance(payload, list):
            problems.add(None, None, f"a doccano JSON export is a list of examples, not {describe(payload)}")
            problems.refuse_if_any()
        found.kind = "doccano JSON"
        numbered = ((f"example {number}", raw) for number, raw in enumerate(payload, start=1))
    else:
        numbered = _lines(read_lines(path), problems)
    kinds: set[str] = set()
    for number, (name, raw) in enumerate(numbered, start=1):
        record = FieldReader(problems, name)
        if isinstance(raw, dict) and "text" not in raw:  # doccano's import reports such an example and goes on
            found.skipped.append(ImportProblem(str(path), "no 'text': the example is skipped", name))
            continue
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
            record.bad("text", "no 'text' (a string)")
            continue
        # A user's file of doccano's zip is that user's work, whoever its examples' "annotator"
        # field (metadata Curator's export wrote, kept by doccano) names.
        who = record.text(annotator or raw.get("annotator") or DEFAULT_ANNOTATOR, "annotator")
        document = example_document(record, raw, path, number)
        read_example(record, raw, document, who, found, kinds)
        if document:
            found.documents.append(document)
    problems.refuse_if_any()
    if kinds:
        found.kind += f" ({', '.join(sorted(kinds))})"
    return found


def _lines(lines: list[str], problems: Problems):
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", loads(line)
        except BadJSON as exc:
            problems.add(f"line {number}", None, str(exc))


def read_example(record: FieldReader, raw: dict, document: AnnotatedDocument | None, annotator: str | None,
                 found: ReadFile, kinds: set[str]) -> None:
    """One example's spans, categories and relations, into ``document``."""
    ready = bool(annotator and document)
    for index, item in enumerate(record.items(raw.get("label"), "label")):
        if isinstance(item, str):  # text classification: a category name
            kinds.add("text classification")
            name = record.text(item, f"label.{index}")
            if name and ready:
                document.categories.append((annotator, *_category(name)))
            continue
        span = _triple(record, item, f"label.{index}")
        if span and ready:
            kinds.add("sequence labeling")
            document.spans.append((*span, annotator, {}))
    for index, item in enumerate(record.items(raw.get("cats"), "cats")):  # document categories
        name = record.text(item, f"cats.{index}")
        if name and ready:
            document.categories.append((annotator, *_category(name)))
    ids: dict[Any, tuple[int, int, str]] = {}
    for index, item in enumerate(record.items(raw.get("entities"), "entities")):
        if isinstance(item, list):  # intent detection writes triples
            span = _triple(record, item, f"entities.{index}")
        elif isinstance(item, dict):
            span = record.offsets(item.get("start_offset"), item.get("end_offset"),
                                  (f"entities.{index}.start_offset", f"entities.{index}.end_offset"))
            label = record.text(item.get("label"), f"entities.{index}.label")
            span = (*span, label) if span and label else None
            if span and isinstance(item.get("id"), (int, str)):
                ids[item["id"]] = span
        else:
            record.bad(f"entities.{index}", f"is {describe(item)}, not an object or [start, end, label]")
            continue
        if span and ready:
            document.spans.append((*span, annotator, {}))
    if "cats" in raw:
        kinds.add("intent detection" if raw.get("entities") is not None else "text classification")
    relations = record.items(raw.get("relations"), "relations")
    if relations:
        kinds.add("relation extraction")
    for index, item in enumerate(relations):
        if not isinstance(item, dict):
            record.bad(f"relations.{index}", f"is {describe(item)}, not an object")
            continue
        ends = ids.get(item.get("from_id")), ids.get(item.get("to_id"))
        label = item.get("type") if isinstance(item.get("type"), str) else ""
        if ready and ends[0] and ends[1]:
            document.relations.append(FoundRelation(annotator, ends[0], ends[1], label))
        elif ready:
            found.leave_out("relation(s) not imported: an entity they join is not in the record")
    comments = raw.get("Comments")
    if isinstance(comments, list) and comments:
        found.leave_out("comment(s) not imported: Curator keeps no comments", len(comments))


def read_doccano_zip(path: Path) -> ReadFile:
    """doccano's download: a zip of JSONL files, ``all.jsonl`` for a shared project or one
    for each user, named after them (their annotator name here)."""
    from curator.formats.archives import members

    found = ReadFile([], "doccano's export (a zip of JSONL)")
    for name, text in members(path, (".jsonl",)):
        user = Path(name).stem
        read = read_doccano(path / name, lines=text.split("\n"), annotator=None if user == "all" else user)
        found.documents.extend(read.documents)
        found.left_out.update(read.left_out)
        found.kind = f"doccano's export (a zip of {read.kind})"
    return found


def _category(name: str) -> tuple[str, list[str]]:
    set_name, choice = category_entry(name)
    return set_name, [choice]


def _triple(record: FieldReader, item: Any, field: str) -> tuple[int, int, str] | None:
    if not isinstance(item, list) or len(item) != 3:
        size = f" of {len(item)}" if isinstance(item, list) else ""
        record.bad(field, f"is {describe(item)}{size}, not [start, end, label]")
        return None
    span = record.offsets(item[0], item[1], (f"{field}.0", f"{field}.1"))
    label = record.text(item[2], f"{field}.2")
    return (*span, label) if span and label else None


def example_document(record: FieldReader, raw: dict, path: Path, number: int) -> AnnotatedDocument | None:
    fields = {k: v for k, v in raw.items() if k not in _ANNOTATION_KEYS}
    if "uid" in fields:  # Curator's own doccano export names the document "uid"
        fields["id"] = fields.pop("uid")
    warnings: list[ImportProblem] = []
    try:
        candidate = record_to_candidate(fields, file=path.name, record_name=record.name,
                                        default_uid=f"{path.stem}-{number}", warnings=warnings)
    except Skipped as exc:
        record.bad(None, str(exc))
        return None
    document = new_document(record, candidate.uid, candidate.text, dict(candidate.fields))
    if document is not None and "uid" not in raw:  # (an example's id is doccano's: Curator's export writes "uid")
        document.own_id = False
    if document is not None:  # e.g. a date that is not a date, kept in the extra metadata
        document.notes.extend(f"{record.name}: {warning.reason}" for warning in warnings)
    return document


def export_doccano(store: Store, target: Path, annotator: str | None = None) -> None:
    refuse_invalid(store, Path(target), annotator)
    categories = categories_by_document(store, annotator)
    named = peer_category_names(store.label_schema.categories)
    relations: dict[tuple[int, str], list[Relation]] = {}
    for relation in store.relation_rows(None if annotator is None else [annotator]):
        relations.setdefault((relation.doc_id, relation.annotator), []).append(relation)
    with atomic_path(target) as temp, temp.open("w", encoding="utf-8") as out:
        for document, spans in store.iter_documents_with_annotations(annotator):
            by_annotator: dict[str, list[Annotation]] = {}
            for span in spans:
                by_annotator.setdefault(span.annotator, []).append(span)
            chosen = categories.get(document.id, {})
            for name in chosen:
                by_annotator.setdefault(name, [])
            meta = article_columns(document, ("text", *_ANNOTATION_KEYS))
            for name, layer in by_annotator.items() or [("", [])]:
                record = {"uid": document.uid, "text": document.text, **meta, "annotator": name or None}
                if relations:  # doccano's relation extraction shape, entities with ids, for the whole file
                    record.update(_with_relations(layer, relations.get((document.id, name), [])))
                else:
                    record["label"] = [[s.start, s.end, s.label] for s in layer]
                if name in chosen:  # categories by name, "set:choice" where two sets share the name
                    record["cats"] = [named.get((set_name, choice), f"{set_name}:{choice}")
                                      for set_name, choices in chosen[name].items() for choice in choices]
                # ASCII-escaped: a raw U+2028 or U+0085 would end the line for readers that
                # split lines on every Unicode line break.
                out.write(json.dumps(record) + "\n")


def _with_relations(layer: list[Annotation], relations: list[Relation]) -> dict:
    """A layer as doccano's relation extraction writes it: entities numbered 1, 2, ...,
    relations joining them by those numbers (``from_id``, ``to_id``, ``type``)."""
    numbers = {span.id: number for number, span in enumerate(layer, start=1)}
    return {"entities": [{"id": numbers[s.id], "label": s.label, "start_offset": s.start, "end_offset": s.end}
                         for s in layer],
            "relations": [{"id": number, "from_id": numbers[r.source_id], "to_id": numbers[r.target_id],
                           "type": r.label} for number, r in enumerate(relations, start=1)]}
