"""Formats other annotation tools use: Label Studio, doccano, CoNLL-2003 BIO,
and Curator's own JSON export read back into a project.

Each reader returns documents with their spans; ``import_annotated`` adds them
to a project (documents already there with the same id and text get only the
spans they lack). Each writer exports one layer (or all) of a project.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from curator.agreement import TOKEN
from curator.errors import CuratorError
from curator.export import TOOL_FORMATS, atomic_path
from curator.importer import ImportProblem, ImportReport, import_files
from curator.jobs import Job
from curator.models import Annotation, Document, DocumentStatus, Entity, Fact
from curator.store import Store

FORMATS = (*TOOL_FORMATS, "curator")  # what import_annotated reads


@dataclass
class AnnotatedDocument:
    """A document read from another tool's file, with spans as (start, end, label, annotator, extra)."""

    uid: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[tuple[int, int, str, str, dict]] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)


@dataclass
class InteropReport:
    documents_added: int = 0
    spans_added: int = 0
    spans_present: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.documents_added} document(s) and {self.spans_added} span(s) imported"
        if self.spans_present:
            text += f", {self.spans_present} span(s) already present"
        return text + (f", {len(self.problems)} problem(s)" if self.problems else "")


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise CuratorError(f"{path}: not valid UTF-8 (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise CuratorError(f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc


def detect(path: Path) -> str | None:
    """Which of these formats a file is in, or None for a plain article file."""
    suffix = path.suffix.lower()
    if suffix in (".conll", ".bio", ".iob"):
        return "conll"
    if suffix == ".spacy":
        return "spacy"
    try:
        if suffix == ".json":
            payload = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(payload, dict) and payload.get("format") == "curator-dataset":
                return "curator"
            if isinstance(payload, list) and payload and isinstance(payload[0], dict) and "data" in payload[0]:
                return "labelstudio"
        if suffix in (".jsonl", ".ndjson"):
            with path.open(encoding="utf-8") as lines:
                first = next((line for line in lines if line.strip()), "")
            record = json.loads(first) if first else {}
            if isinstance(record, dict) and isinstance(record.get("label", record.get("entities")), list):
                return "doccano"
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return None


# -- readers -------------------------------------------------------------------------------


def _annotator_of(completed_by: Any, default: str) -> str:
    if isinstance(completed_by, dict):
        return str(completed_by.get("email") or completed_by.get("id") or default)
    return str(completed_by) if completed_by not in (None, "") else default


def read_labelstudio(path: Path) -> Iterator[AnnotatedDocument]:
    payload = _load_json(path)
    if not isinstance(payload, list):
        raise CuratorError(f"{path}: a Label Studio export is a list of tasks")
    for number, task in enumerate(payload, start=1):
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise CuratorError(f"{path}: task {number}: no data.text")
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        uid = str(meta.get("uid") or data.get("id") or task.get("id") or f"{path.stem}-{number}")
        document = AnnotatedDocument(uid, data["text"], {k: v for k, v in meta.items() if k != "uid"})
        for annotation in task.get("annotations") or []:
            annotator = _annotator_of(annotation.get("completed_by"), "label-studio")
            for result in annotation.get("result") or []:
                value = result.get("value") or {}
                for label in value.get("labels") or []:
                    document.spans.append((int(value["start"]), int(value["end"]), str(label), annotator, {}))
        yield document


def read_doccano(path: Path) -> Iterator[AnnotatedDocument]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise CuratorError(f"{path}: not valid UTF-8 (byte {exc.start})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CuratorError(f"{path}: line {number}: malformed JSON: {exc.msg}") from exc
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise CuratorError(f"{path}: line {number}: no 'text'")
        document = AnnotatedDocument(str(record.get("uid") or record.get("id") or f"{path.stem}-{number}"),
                                     record["text"])
        annotator = str(record.get("annotator") or "doccano")
        for item in record.get("label") or []:
            start, end, label = item
            document.spans.append((int(start), int(end), str(label), annotator, {}))
        for item in record.get("entities") or []:
            document.spans.append((int(item["start_offset"]), int(item["end_offset"]), str(item["label"]),
                                   annotator, {}))
        yield document


def read_conll(path: Path, annotator: str = "conll") -> Iterator[AnnotatedDocument]:
    """CoNLL-2003 style: one token a line, its tag last; blank lines end sentences;
    ``-DOCSTART-`` lines start documents. The text is the tokens joined by spaces
    (sentences by new lines): CoNLL does not keep the original spacing."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise CuratorError(f"{path}: not valid UTF-8 (byte {exc.start})") from exc
    documents: list[list[list[tuple[str, str]]]] = [[[]]]
    for number, line in enumerate(lines, start=1):
        parts = line.split()
        if not parts:
            documents[-1].append([])
        elif parts[0] == "-DOCSTART-":
            documents.append([[]])
        elif len(parts) < 2:
            raise CuratorError(f"{path}: line {number}: expected a token and a tag")
        else:
            tag = parts[-1]
            if tag != "O" and not (tag[:2] in ("B-", "I-") and len(tag) > 2):
                raise CuratorError(f"{path}: line {number}: tag {tag!r} is not O, B-LABEL or I-LABEL")
            documents[-1][-1].append((parts[0], tag))
    for index, sentences in enumerate(d for d in documents if any(d)):
        text, spans, open_span = "", [], None
        for sentence in (s for s in sentences if s):
            if text:
                text += "\n"
            for position, (token, tag) in enumerate(sentence):
                if position:
                    text += " "
                start = len(text)
                text += token
                continues = tag.startswith("I-") and open_span is not None and open_span[2] == tag[2:]
                if open_span is not None and not continues:
                    spans.append(open_span)
                    open_span = None
                if tag != "O":
                    open_span = (open_span[0], len(text), tag[2:]) if continues else (start, len(text), tag[2:])
            if open_span is not None:
                spans.append(open_span)
                open_span = None
        yield AnnotatedDocument(f"{path.stem}-{index + 1}", text,
                                spans=[(s, e, label, annotator, {}) for s, e, label in spans])


def import_curator_export(store: Store, path: Path) -> InteropReport:
    """Read a Curator JSON export (documents, annotations, entities, facts) into a project."""
    payload = _load_json(path)
    report = InteropReport()
    known = {e.id for e in store.entities()}
    for raw in payload.get("entities") or []:
        entity = Entity.model_validate(raw)
        if entity.id not in known:
            store.add_entity(entity)
    documents = []
    for raw in payload.get("documents") or []:
        meta = {k: raw.get(k) for k in ("title", "source", "url")}
        if raw.get("published"):
            meta["published"] = date.fromisoformat(raw["published"])
        document = AnnotatedDocument(str(raw["id"]), raw["text"], meta)
        for span in raw.get("annotations") or []:
            document.spans.append((span["start"], span["end"], span["label"], span["annotator"],
                                   {"id": span.get("id"), "value": span.get("value"),
                                    "entity_id": span.get("entity_id"), "created": span.get("created"),
                                    "updated": span.get("updated")}))
        if raw.get("status") == DocumentStatus.DONE.value:
            document.statuses = {a: "done" for a in {s[3] for s in document.spans}}
        documents.append(document)
    _add(store, documents, report, str(path))
    for raw in payload.get("facts") or []:
        fact = Fact(id=raw["id"], subject=raw["subject"], measure=raw["measure"],
                    period_start=raw.get("period_start"), period_end=raw.get("period_end"), unit=raw.get("unit"),
                    accepted_amount=raw.get("accepted_amount"), note=raw.get("note"),
                    mentions=[m["mention"] for m in raw.get("mentions") or []])
        store.save_fact(fact)
    return report


READERS = {"labelstudio": read_labelstudio, "doccano": read_doccano, "conll": read_conll}


def import_annotated(store: Store, path: str | Path, fmt: str | None = None) -> InteropReport:
    """Import documents with their spans from another tool's file (format detected if not given)."""
    path = Path(path)
    fmt = fmt or detect(path)
    if fmt == "curator":
        return import_curator_export(store, path)
    if fmt not in READERS:
        raise CuratorError(f"{path}: not a Label Studio, doccano, CoNLL or Curator export file")
    report = InteropReport()
    _add(store, list(READERS[fmt](path)), report, str(path))
    return report


def _add(store: Store, documents: list[AnnotatedDocument], report: InteropReport, where: str) -> None:
    labels = set(store.label_schema.names)
    spans: list[Annotation] = []
    for document in documents:
        existing = store.document_by_uid(document.uid)
        if existing is not None and existing.text != document.text:
            report.problems.append(f"{where}: document {document.uid!r}: a different text with this id is "
                                   "already in the project; skipped")
            continue
        if existing is None:
            [doc_id] = store.add_documents([Document(uid=document.uid, text=document.text, origin=where,
                                                     **{k: v for k, v in document.meta.items() if v is not None
                                                        and k in ("title", "source", "url", "published")})])
            report.documents_added += 1
            present: set[tuple] = set()
        else:
            doc_id = existing.id
            present = {(a.start, a.end, a.label, a.annotator) for a in store.annotations_for(doc_id)}
        for start, end, label, annotator, extra in document.spans:
            where_span = f"{where}: document {document.uid!r} [{start}:{end}]"
            if not (0 <= start < end <= len(document.text)):
                report.problems.append(f"{where_span}: span is outside the text")
                continue
            if label not in labels:
                report.problems.append(f"{where_span}: unknown label {label!r}")
                continue
            if (start, end, label, annotator) in present:
                report.spans_present += 1
                continue
            present.add((start, end, label, annotator))
            fields = {k: v for k, v in extra.items() if v is not None}
            spans.append(Annotation(doc_id=doc_id, start=start, end=end, label=label, annotator=annotator, **fields))
        for annotator, status in document.statuses.items():
            if status == DocumentStatus.DONE.value:
                store.set_status(doc_id, annotator, DocumentStatus.DONE)
    store.add_annotations(spans)
    report.spans_added += len(spans)


# -- writers --------------------------------------------------------------------------------


def export_labelstudio(store: Store, target: Path, annotator: str | None = None) -> None:
    tasks = []
    for number, (document, spans) in enumerate(store.iter_documents_with_annotations(annotator), start=1):
        by_annotator: dict[str, list[Annotation]] = {}
        for span in spans:
            by_annotator.setdefault(span.annotator, []).append(span)
        tasks.append({
            "id": number,
            "data": {"text": document.text, "meta": {"uid": document.uid, "title": document.title,
                                                       "source": document.source}},
            "annotations": [{"completed_by": name, "result": [
                {"id": span.id[:10], "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": span.start, "end": span.end, "text": document.text[span.start:span.end],
                           "labels": [span.label]}} for span in layer]}
                for name, layer in by_annotator.items()],
        })
    with atomic_path(target) as temp:
        temp.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def export_doccano(store: Store, target: Path, annotator: str | None = None) -> None:
    with atomic_path(target) as temp, temp.open("w", encoding="utf-8") as out:
        for document, spans in store.iter_documents_with_annotations(annotator):
            by_annotator: dict[str, list[Annotation]] = {}
            for span in spans:
                by_annotator.setdefault(span.annotator, []).append(span)
            for name, layer in by_annotator.items() or [("", [])]:
                record = {"uid": document.uid, "text": document.text, "annotator": name or None,
                          "label": [[s.start, s.end, s.label] for s in layer]}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")


def export_conll(store: Store, target: Path, annotator: str) -> None:
    """BIO tags per token for one annotator's layer (the innermost span wins where spans nest)."""
    with atomic_path(target) as temp, temp.open("w", encoding="utf-8") as out:
        for document, spans in store.iter_documents_with_annotations(annotator):
            out.write("-DOCSTART- O\n\n")
            ordered = sorted(spans, key=lambda s: (s.end - s.start, s.start))
            previous: Annotation | None = None
            in_line, last_end = False, 0
            for token in TOKEN.finditer(document.text):
                if in_line and "\n" in document.text[last_end:token.start()]:
                    out.write("\n")
                covering = next((s for s in ordered if s.start < token.end() and token.start() < s.end), None)
                if covering is None:
                    tag = "O"
                elif covering is previous:
                    tag = f"I-{covering.label}"
                else:
                    tag = f"B-{covering.label}"
                previous = covering
                out.write(f"{token.group()} {tag}\n")
                in_line, last_end = True, token.end()
            out.write("\n")


def export_interop(store: Store, target: str | Path, fmt: str, annotator: str | None = None) -> None:
    target = Path(target)
    if fmt == "labelstudio":
        export_labelstudio(store, target, annotator)
    elif fmt == "doccano":
        export_doccano(store, target, annotator)
    elif fmt == "spacy":
        export_docbin(store, target, annotator)
    elif fmt == "conll":
        if annotator is None:
            raise CuratorError("CoNLL holds one layer: choose it with --layer NAME or gold")
        export_conll(store, target, annotator)
    else:
        raise CuratorError(f"unknown format {fmt!r}")


def import_paths(store: Store, paths: list[Path], job: Job | None = None) -> tuple[ImportReport, list[str]]:
    """Import articles and annotated files alike: annotated ones (detected by content) go
    through the readers above, the rest through the article importer. Returns the article
    report and one summary line per annotated file (problems are added to the report)."""
    annotated = [p for p in paths if p.is_file() and detect(p)]
    lines = []
    problems = []
    for path in annotated:
        try:
            result = import_annotated(store, path)
        except CuratorError as exc:
            problems.append(ImportProblem(str(path), str(exc)))
            continue
        lines.append(f"{path.name}: {result.summary()}")
        problems.extend(ImportProblem(str(path), problem) for problem in result.problems)
    report = import_files(store, [p for p in paths if p not in annotated], job)
    report.problems[:0] = problems
    return report, lines


# -- spaCy (optional: pip install 'curator[spacy]') ---------------------------------------------

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
    nlp = spacy.blank("xx")
    docbin = DocBin(store_user_data=True)
    widened = []
    for document, spans in store.iter_documents_with_annotations(annotator):
        doc = nlp.make_doc(document.text)
        group = []
        for span in spans:
            made = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
            if made is None:
                made = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
                widened.append(f"{document.uid} [{span.start}:{span.end}] {span.label}")
            group.append(made)
        doc.spans[SPAN_KEY] = group
        doc.user_data["curator_uid"] = document.uid
        doc.user_data["curator_annotators"] = [span.annotator for span in spans]
        # Exact offsets too, so spans off spaCy's token boundaries come back unchanged.
        doc.user_data["curator_offsets"] = [[span.start, span.end] for span in spans]
        docbin.add(doc)
    target = Path(target)
    with atomic_path(target) as temp:
        docbin.to_disk(temp)
    return widened


def read_docbin(path: Path) -> Iterator[AnnotatedDocument]:
    try:
        import spacy
        from spacy.tokens import DocBin
    except ImportError as exc:
        raise CuratorError("spaCy is not installed: pip install 'curator[spacy]'") from exc
    try:
        docbin = DocBin().from_disk(path)
    except Exception as exc:  # spaCy raises several kinds for a damaged file
        raise CuratorError(f"{path}: not a spaCy DocBin ({type(exc).__name__}: {exc})") from exc
    for number, doc in enumerate(docbin.get_docs(spacy.blank("xx").vocab), start=1):
        uid = str(doc.user_data.get("curator_uid") or f"{path.stem}-{number}")
        spans = list(doc.spans[SPAN_KEY]) if SPAN_KEY in doc.spans else list(doc.ents)
        annotators = doc.user_data.get("curator_annotators") or []
        offsets = doc.user_data.get("curator_offsets") or []
        document = AnnotatedDocument(uid, doc.text)
        for index, span in enumerate(spans):
            who = annotators[index] if index < len(annotators) else "spacy"
            start, end = offsets[index] if index < len(offsets) else (span.start_char, span.end_char)
            document.spans.append((start, end, span.label_, who, {}))
        yield document


READERS["spacy"] = read_docbin
