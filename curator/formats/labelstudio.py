"""Label Studio's JSON tasks, both ways.

Read: a project export (a list of tasks), a single task object, tasks with or without the
``data`` wrapper (Label Studio takes a task without one as its data), ``annotations`` and
the older ``completions``, ``predictions`` (pre-annotations: suggestions named after their
``model_version``). The text is the field the project's labeling config names, else
``data.text``, else the task's only long text field; the choice is reported. What Curator
cannot represent (relations until the project has relation labels, rectangles, HTML
regions) is counted and reported, never refusing the file (``labelstudio_results``).

Written: one task per document, one annotation per annotator, ``labels`` and ``choices``
results. Label Studio's import takes ``completed_by`` only as one of its own user ids
or e-mails, so the export leaves it out (the importing user is recorded) and names the
annotator in each result's ``meta``, which Label Studio keeps and exports again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from curator.domain.models import Annotation, DocumentStatus, Relation
from curator.domain.text import span_problem
from curator.errors import CuratorError
from curator.formats.annotated import (
    AnnotatedDocument,
    FieldReader,
    ReadFile,
    article_columns,
    categories_by_document,
    load_json,
    new_document,
    refuse_invalid,
    stated_fields,
)
from curator.formats.boundary import Problems, describe
from curator.formats.labelstudio_config import TextFields, remembered
from curator.formats.labelstudio_results import ANNOTATOR_KEY, ResultReader
from curator.formats.outputs import atomic_path
from curator.formats.reports import ImportProblem
from curator.formats.schema_files import label_studio_config
from curator.formats.span_offsets import UTF16_NOTE
from curator.store import Store

DEFAULT_ANNOTATOR = "label-studio"
# What a task holds beside its data: never read as the document's text or metadata.
TASK_KEYS = frozenset({"annotations", "completions", "predictions", "drafts", "id", "meta", "data", "created_at",
                       "updated_at", "inner_id", "total_annotations", "cancelled_annotations", "total_predictions",
                       "comment_count", "unresolved_comment_count", "last_comment_updated_at", "project",
                       "updated_by", "file_upload", "comment_authors", "agreement", "is_labeled", "overlap",
                       "annotators", "state", "allow_skip"})
_RESULT_LISTS = ("annotations", "completions")
_LONG = 40  # characters: a field at least this long, or holding a space, may be an article's text


def looks_like_tasks(payload: Any) -> bool:
    """Whether parsed JSON is Label Studio tasks: a list of them or a single one (one of
    the first tasks with a ``data`` object, or with annotations, completions or predictions)."""
    tasks = payload if isinstance(payload, list) else [payload]
    return any(isinstance(task.get("data"), dict) or any(
        isinstance(task.get(key), list) and task[key] and all(isinstance(item, dict) and "result" in item
                                                             for item in task[key])
        for key in ("annotations", "completions", "predictions"))
        for task in tasks[:50] if isinstance(task, dict))


def _annotator_of(record: FieldReader, completed_by: Any, default: str) -> str | None:
    if isinstance(completed_by, dict):
        completed_by = completed_by.get("email") or completed_by.get("id")
    if completed_by is None or completed_by == "":
        return default
    if type(completed_by) is int:
        return str(completed_by)
    return record.text(completed_by, "completed_by")


def _data_of(task: dict) -> dict:
    """A task's data: ``task["data"]``, or the task itself when it has none, as Label Studio reads it."""
    if isinstance(task.get("data"), dict) and task["data"]:
        return task["data"]
    return {key: value for key, value in task.items() if key not in (*_RESULT_LISTS, "predictions", "drafts")}


def _long_text(value: Any) -> bool:
    return isinstance(value, str) and (len(value) >= _LONG or any(c.isspace() for c in value.strip())) \
        and "://" not in value[:12]


def _spans_fit(task: dict, text: str) -> bool:
    """Whether every span result of the task with a ``value.text`` finds it at its offsets in ``text``."""
    found = False
    for key in _RESULT_LISTS:
        for annotation in task.get(key) or []:
            results = annotation.get("result") if isinstance(annotation, dict) else None
            for result in results if isinstance(results, list) else []:
                value = result.get("value") if isinstance(result, dict) else None
                if isinstance(value, dict) and isinstance(value.get("text"), str) and \
                        type(value.get("start")) is int and type(value.get("end")) is int:
                    if span_problem(text, value["start"], value["end"], value["text"]):
                        return False
                    found = True
    return found


def choose_text_field(task: dict, data: dict, fields: TextFields | None) -> tuple[str | None, str]:
    """The data field holding the task's text, and why it was chosen (for the report)."""
    named = fields.text_field if fields else None
    if named is not None and named != "text" and isinstance(data.get(named), str):  # (data.text: nothing to say)
        return named, f"text read from data.{named}, the field the labeling config names"
    if isinstance(data.get("text"), str):
        return "text", ""
    long = [key for key, value in data.items() if key not in TASK_KEYS and _long_text(value)]
    if len(long) == 1:
        return long[0], f"text read from data.{long[0]}, the task's only long text field"
    fitting = [key for key in long if _spans_fit(task, data[key])]
    if len(fitting) == 1:
        return fitting[0], f"text read from data.{fitting[0]}, the field its spans' texts are found in"
    # A word or two, not a path or a link (an image task's "/data/upload/1.jpg" is no text).
    strings = [key for key, value in data.items() if key not in TASK_KEYS and isinstance(value, str)
               and " " in value.strip()]
    if len(strings) == 1 and not long:
        return strings[0], f"text read from data.{strings[0]}, the task's only text field"
    return None, ", ".join(f"data.{key}" for key in (long or strings)[:5])


def read_labelstudio(path: Path, payload: Any = None, fields: TextFields | None = None,
                     names: list[str] | None = None) -> ReadFile:
    """Label Studio tasks; raises ``FileRefused`` (nothing read) if any task is malformed.
    ``payload``: the file's JSON, if it was already read as ``load_json`` reads it;
    ``fields``: the binding of the project's labeling config, if it has one; ``names``:
    each task's name in problems (else "task N")."""
    if payload is None:
        payload = load_json(path)
    single = isinstance(payload, dict)
    tasks = [payload] if single else payload
    if not isinstance(tasks, list):
        raise CuratorError(f"{path}: a Label Studio export is a list of tasks (or one task), not {describe(payload)}")
    problems = Problems(str(path))
    found = ReadFile([], "a single Label Studio task" if single else "a Label Studio JSON export")
    chosen: dict[str, int] = {}
    for number, task in enumerate(tasks, start=1):
        record = FieldReader(problems, names[number - 1] if names else f"task {number}")
        if not isinstance(task, dict):
            record.bad(None, f"is {describe(task)}, not a task object")
            continue
        document = _task_document(path, record, task, fields, number, found, chosen)
        if document is not None:
            found.documents.append(document)
    for why, count in chosen.items():
        found.warnings.append(ImportProblem(str(path), f"{count:,} task(s): {why}"))
    problems.refuse_if_any()
    return found


def _layers_named(annotation: dict) -> set[str]:
    """The annotators Curator's export named on an annotation's results (``ANNOTATOR_KEY``)."""
    results = annotation.get("result") if isinstance(annotation.get("result"), list) else []
    return {result["meta"][ANNOTATOR_KEY] for result in results if isinstance(result, dict)
            and isinstance(result.get("meta"), dict) and isinstance(result["meta"].get(ANNOTATOR_KEY), str)}


def _task_document(path: Path, record: FieldReader, task: dict, fields: TextFields | None, number: int,
                   found: ReadFile, chosen: dict[str, int]) -> AnnotatedDocument | None:
    data = _data_of(task)
    key, why = choose_text_field(task, data, fields)
    if key is None:
        found.skipped.append(ImportProblem(str(path), (f"no text field: its data holds several ({why}) and no "
                                                       "labeling config names one; import the project's labeling "
                                                       "config first (curator schema import)") if why else
                                           "no text: its data holds no text field; skipped", record.name))
        return None
    if why:
        chosen[why] = chosen.get(why, 0) + 1
    meta = record.mapping(data.get("meta"), "data.meta")
    if meta is None:
        return None
    given = meta.get("uid") or data.get("id") or task.get("id")
    uid = record.uid(given, "data.meta.uid", f"{path.stem}-{number}" if given is None or given == "" else "")
    # The task's data holds the user's own columns: a title, outlet, address or date among
    # them, named as an article file's may be, is the article's (Curator's export writes
    # them in data.meta, which comes first). Anything else is extra metadata.
    fields_ = stated_fields(meta, data, skip=(key, "meta", "id", "uid", "done_by"))
    document = new_document(record, uid, record.text(data[key], f"data.{key}"), fields_)
    if document is not None:
        document.own_id = bool(meta.get("uid") or data.get("id"))  # (a task's id is Label Studio's)
    results = ResultReader(record, document, found, fields, key)
    for list_key in _RESULT_LISTS:
        for index, annotation in enumerate(record.items(task.get(list_key), list_key)):
            where = f"{list_key}.{index}"
            if not isinstance(annotation, dict):
                record.bad(where, f"is {describe(annotation)}, not an object")
                continue
            if annotation.get("was_cancelled") is True or annotation.get("skipped") is True:
                found.leave_out("cancelled (skipped) annotation(s) not imported")
                continue
            annotator = _annotator_of(record, annotation.get("completed_by"), DEFAULT_ANNOTATOR)
            layers = _layers_named(annotation)
            if len(layers) == 1:  # Curator's export of a layer, edited in Label Studio: a region drawn there is that layer's
                annotator = next(iter(layers))
            results.read(annotation.get("result"), f"{where}.result", annotator)
            # A user submitted it (completed_by): done with the task. Not so Curator's export of a
            # layer, whose regions name their annotator and whose task says who is done.
            if document is not None and annotator and annotation.get("completed_by") is not None and not layers:
                document.statuses[annotator] = DocumentStatus.DONE.value
    for index, prediction in enumerate(record.items(task.get("predictions"), "predictions")):
        if not isinstance(prediction, dict):  # an export names its predictions by id only
            found.leave_out("prediction(s) given by id only, without their results, not imported")
            continue
        model = prediction.get("model_version")
        model = model.strip() if isinstance(model, str) and model.strip() else DEFAULT_ANNOTATOR
        results.read(prediction.get("result"), f"predictions.{index}.result", None, model, prediction.get("score"))
    if results.converted:
        found.warnings.append(ImportProblem(str(path), f"{results.converted:,} {UTF16_NOTE}", record.name))
    done_by = meta.get("done_by")  # (Curator's export: who marked it done)
    if document is not None and isinstance(done_by, list):
        document.statuses.update({name: DocumentStatus.DONE.value for name in done_by if isinstance(name, str)})
    if isinstance(task.get("drafts"), list) and task["drafts"]:
        found.leave_out("draft(s) not imported: only submitted annotations are", len(task["drafts"]))
    return document


def export_labelstudio(store: Store, target: Path, annotator: str | None = None) -> None:
    refuse_invalid(store, Path(target), annotator)
    tasks = []
    categories = categories_by_document(store, annotator)
    relations: dict[int, list[Relation]] = {}
    for relation in store.relation_rows(None if annotator is None else [annotator]):
        relations.setdefault(relation.doc_id, []).append(relation)
    undirected = {kind.name for kind in store.label_schema.relations if not kind.directed}
    done_by = store.done_by(annotator)
    text_key, to_name, from_name = config_names(store)
    for number, (document, spans) in enumerate(store.iter_documents_with_annotations(annotator), start=1):
        by_annotator: dict[str, list[Annotation]] = {}
        for span in spans:
            by_annotator.setdefault(span.annotator, []).append(span)
        chosen = categories.get(document.id, {})
        for name in chosen:
            by_annotator.setdefault(name, [])
        tasks.append({
            "id": number,
            # The article's fields and extra metadata as the task's own columns (a config's
            # <Header value="$title"/> shows them); its id and who is done in its meta.
            "data": {text_key: document.text, **article_columns(document, (text_key, "meta")),
                     "meta": {"uid": document.uid, "done_by": done_by.get(document.id, [])}},
            "annotations": [{"result": [
                {"id": span.id[:10], "from_name": from_name, "to_name": to_name, "type": "labels",
                 "value": {"start": span.start, "end": span.end, "text": document.text[span.start:span.end],
                           "labels": [span.label]}, "meta": {ANNOTATOR_KEY: name}} for span in layer] + [
                {"from_name": set_name, "to_name": to_name, "type": "choices", "value": {"choices": choices},
                 "meta": {ANNOTATOR_KEY: name}}
                for set_name, choices in chosen.get(name, {}).items()] + [
                # A relation joins two regions of its annotation by their ids (a span's id, cut as above).
                {"from_id": r.source_id[:10], "to_id": r.target_id[:10], "type": "relation",
                 "direction": "bi" if r.label in undirected else "right", "labels": [r.label]}
                for r in relations.get(document.id, []) if r.annotator == name]}
                for name, layer in by_annotator.items()],
        })
    with atomic_path(target) as temp:
        temp.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    with atomic_path(config_beside(target)) as temp:  # what a Label Studio project shows them with
        temp.write_text(label_studio_config(store.label_schema, text_key, to_name, from_name), encoding="utf-8")


def config_beside(target: Path) -> Path:
    """Where Curator's Label Studio export of ``target`` writes its labeling config."""
    return Path(target).with_name(f"{Path(target).stem}.config.xml")


def config_names(store: Store) -> tuple[str, str, str]:
    """The names of the project's labeling config, if it read one (else Label Studio's
    template's): the task's field of the text, the object showing it and the control
    its labels are drawn with."""
    config = remembered(store)
    text_key = (config.text_field if config else None) or "text"
    to_name = next((name for name in ([config.labeled] if config.labeled else []) + list(config.objects)
                    if config.field_of(name) == text_key), "text") if config else "text"
    return text_key, to_name, (config.control if config and config.control else None) or "label"
