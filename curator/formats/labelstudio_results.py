"""The results of one Label Studio annotation (or prediction) read into a document: span
labels become spans (suggestions, for a prediction), choices become categories,
relations are kept as relations between those spans, and every other kind of result
(a rectangle, a text area, an HTML region) is counted as left out, never refusing the
file. A span whose ``value.text`` is not the text at its offsets is reported and
skipped; offsets counted in UTF-16 are converted (``span_offsets``)."""

from __future__ import annotations

from typing import Any

from curator.formats.annotated import (
    AnnotatedDocument,
    FieldReader,
    FoundRelation,
    ReadFile,
    SpanKey,
    read_choices,
)
from curator.formats.boundary import describe
from curator.formats.labelstudio_config import TextFields
from curator.formats.reports import ImportProblem
from curator.formats.span_offsets import UTF16, SpanPlacer, disagreement

ANNOTATOR_KEY = "curator_annotator"  # where Curator's export names a result's annotator (result.meta)
SPAN_TYPES = ("labels",)
NO_OFFSETS = {  # span-like results Curator cannot place in the text
    "hypertextlabels": "HTML region result(s) not imported: they are marked by XPath, not by text offsets",
    "paragraphlabels": "dialogue paragraph result(s) not imported: they are marked in paragraphs, not in the text",
}


# A relation drawn without a label (Label Studio allows one) takes this relation label.
UNLABELLED = "related"


class ResultReader:
    """Reads the results of a task's annotations and predictions into its document."""

    def __init__(self, record: FieldReader, document: AnnotatedDocument | None, found: ReadFile,
                 fields: TextFields | None, text_field: str) -> None:
        self.record = record
        self.document = document
        self.found = found
        self.fields = fields
        self.text_field = text_field
        self.score: Any = None  # the prediction being read's
        self._placer: SpanPlacer | None = None  # made for the first span: most tasks of a file have none

    @property
    def placer(self) -> SpanPlacer:
        if self._placer is None:
            self._placer = SpanPlacer(self.document.text)
        return self._placer

    @property
    def converted(self) -> int:
        """How many spans were placed by converting their offsets from UTF-16."""
        return self._placer.counts[UTF16] if self._placer else 0

    def read(self, results: Any, where: str, annotator: str | None, model: str | None = None,
             score: Any = None) -> None:
        """One annotation's results (``annotator``), or one prediction's (``model``, sure of
        them as its ``score`` says, unless a result says its own)."""
        self.score = score
        spans: dict[str, list[SpanKey]] = {}  # result id -> its spans, for the relations
        owners: dict[str, str | None] = {}  # result id -> who drew it
        relations = []
        for number, result in enumerate(self.record.items(results, where)):
            field = f"{where}.{number}"
            if not isinstance(result, dict):
                self.record.bad(field, f"is {describe(result)}, not an object")
                continue
            kind = result.get("type")
            kind = kind.lower() if isinstance(kind, str) else None
            if kind == "relation" or (kind is None and "from_id" in result and "to_id" in result):
                relations.append(result)
                continue
            value = result.get("value")
            if not isinstance(value, dict):
                if kind is None or kind in SPAN_TYPES or kind == "choices":
                    self.record.bad(f"{field}.value", f"is {describe(value)}, not an object")
                else:
                    self.found.leave_out(f"{kind[:40]} result(s) not imported: not a span or a category of the text")
                continue
            who = self._annotator(result, annotator)
            if kind == "choices" or (kind is None and "choices" in value and "labels" not in value):
                self._choices(result, value, field, who, model)
            elif kind in SPAN_TYPES or (kind is None and "labels" in value):
                placed = self._span(result, value, field, who, model)
                if isinstance(result.get("id"), str) and placed:
                    spans.setdefault(result["id"], []).extend(placed)
                    owners[result["id"]] = who
            elif kind in NO_OFFSETS:
                self.found.leave_out(NO_OFFSETS[kind])
            else:
                self.found.leave_out(f"{kind[:40] if kind else 'untyped'} result(s) not imported: not a span or a "
                                     "category of the text")
        for relation in relations:  # drawn by whoever drew the region it starts from (Curator names them)
            self._relation(relation, spans, owners.get(relation.get("from_id")) or annotator, model)

    def _annotator(self, result: dict, annotator: str | None) -> str | None:
        meta = result.get("meta")
        named = meta.get(ANNOTATOR_KEY) if isinstance(meta, dict) else None
        return named if isinstance(named, str) and named.strip() else annotator

    def _choices(self, result: dict, value: dict, field: str, who: str | None, model: str | None) -> None:
        choices = read_choices(self.record, value.get("choices"), f"{field}.value.choices")
        if model is not None:
            self.found.leave_out("category prediction(s) not imported: suggestions are spans")
            return
        set_name = self.record.text(result.get("from_name"), f"{field}.from_name")
        if choices and set_name and who and self.document:
            self.document.categories.append((who, set_name, choices))

    def _span(self, result: dict, value: dict, field: str, who: str | None, model: str | None) -> list[SpanKey]:
        labels = value.get("labels")
        if not isinstance(labels, list):
            self.record.bad(f"{field}.value.labels", f"is {describe(labels)}, not a list of labels")
            return []
        offsets = self.record.offsets(value.get("start"), value.get("end"), (f"{field}.value.start",
                                                                              f"{field}.value.end"))
        names = [self.record.text(label, f"{field}.value.labels") for label in labels]
        if not offsets or None in names or not self.document:
            return []
        to_field = self.fields.field_of(result.get("to_name")) if self.fields else None
        if to_field is not None and to_field != self.text_field:
            self.found.leave_out(f"span(s) on another text field than data.{self.text_field} not imported")
            return []
        if not names:
            self.found.leave_out("region(s) without a label not imported")
            return []
        written = value.get("text") if isinstance(value.get("text"), str) else None
        placed = self.placer.place(*offsets, written) if written is not None else self.placer.unchecked(*offsets)
        if placed is None:
            self.found.skipped.append(ImportProblem(self.found_file, disagreement(
                self.document.text, *offsets, written), f"{self.record.name}: {field}"))
            if model is None and who:
                self.document.short.add(who)  # (a span of theirs lost: they are not done with it here)
            return []
        if model is not None:
            sure = _confidence(result["score"] if result.get("score") is not None else self.score)
            self.document.suggestions.extend((*placed, name, model, sure) for name in names)
        elif who:
            self.document.spans.extend((*placed, name, who, {}) for name in names)
            if len(names) == 1 and isinstance(result.get("id"), str):
                self.document.regions[(*placed, names[0], who)] = result["id"]
        return [(*placed, name) for name in names]

    @property
    def found_file(self) -> str:
        return self.record.problems.file

    def _relation(self, result: dict, spans: dict[str, list[SpanKey]], annotator: str | None,
                  model: str | None) -> None:
        if model is not None:
            self.found.leave_out("relation prediction(s) not imported: a model's relations are not suggestions here")
            return
        ends = spans.get(result.get("from_id")), spans.get(result.get("to_id"))
        if result.get("direction") == "left":  # drawn from its to_id to its from_id
            ends = ends[1], ends[0]
        labels = result.get("labels") if isinstance(result.get("labels"), list) else []
        label = next((item for item in labels if isinstance(item, str)), UNLABELLED)
        if self.document and ends[0] and ends[1] and annotator:
            self.document.relations.append(FoundRelation(annotator, ends[0][0], ends[1][0], label))
        else:  # (the import reports the relations it finds; these it could not even place)
            self.found.leave_out("relation result(s) not imported: a region it joins was not imported")


def _confidence(score: Any) -> float | None:
    """A prediction's score as a suggestion's confidence: a number from 0 to 1, else none."""
    if type(score) in (int, float) and 0 <= score <= 1:
        return float(score)
    return None
