"""WebAnno TSV 3 (INCEpTION's exchange format), both ways, for span layers.

Read: the named-entity layer and custom span layers (``webanno.custom.*``); a span's
label is its ``value`` feature (else ``label``, else its first feature; a layer without
features gives its own name). Multi-token and stacked annotations (``PER[3]``) become
one span each. Offsets are counted in UTF-16 code units, as the format defines them, and
converted. The text is rebuilt from the ``#Text=`` lines as INCEpTION rebuilds it.
Token-level layers (part of speech, lemma), chains and relations are counted and
reported. A file holds one document (named after the file) and one annotator's work.

Written: one document a file (several go into a zip, a file each), each line of the text
a sentence, the spans in INCEpTION's built-in named-entity layer (``value`` = label).
Text before a document's first word is written as a token of its own, so that the text
comes back exactly.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from curator.domain.models import Annotation, Document
from curator.errors import CuratorError
from curator.formats.annotated import (
    AnnotatedDocument,
    ReadFile,
    read_text,
    refuse_invalid,
)
from curator.formats.article_files import MAX_TEXT_CHARS
from curator.formats.boundary import Problems
from curator.formats.outputs import atomic_path
from curator.formats.reports import ImportProblem
from curator.formats.span_offsets import Utf16Index, utf16_length
from curator.formats.span_tokens import aligned_tokens
from curator.store import Store

DEFAULT_ANNOTATOR = "inception"
NAMED_ENTITY = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
_UNIT = re.compile(r"(\d+)-(\d+)(?:\.(\d+))?$")
_OFFSETS = re.compile(r"(\d+)-(\d+)$")
_VALUE_ESCAPES = [("\\\\", "\\"), ("\\[", "["), ("\\]", "]"), ("\\|", "|"), ("\\_", "_"), ("\\->", "->"),
                  ("\\;", ";"), ("\\t", "\t"), ("\\n", "\n"), ("\\*", "*")]
_TEXT_ESCAPES = {"t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b", "\\": "\\"}


@dataclass
class _Layer:
    """A layer the header declares: its kind (T_SP, T_CH, T_RL), name, features, columns."""

    kind: str
    name: str
    features: list[str]
    first_column: int = 0

    @property
    def columns(self) -> list[tuple[str, int]]:
        """Each feature and the first of its columns, counted from the layer's first."""
        if self.kind == "T_CH":
            return [("referenceType", 0), ("referenceRelation", 1)]
        placed, at = [], 0
        for feature in self.features:
            if feature.startswith("BT_"):
                continue
            placed.append((feature, at))
            at += 2 if feature.startswith("ROLE_") else 1
        return placed

    @property
    def width(self) -> int:
        if self.kind == "T_CH":
            return 2
        used = sum(2 if f.startswith("ROLE_") else 1 for f in self.features if not f.startswith("BT_"))
        return used + 1 if self.kind == "T_RL" else max(1, used)

    @property
    def label_column(self) -> int | None:
        """The column (from the layer's first) holding the label, None for a layer without features."""
        plain = {feature: at for feature, at in self.columns if not feature.startswith("ROLE_")}
        for wanted in ("value", "label"):
            if wanted in plain:
                return plain[wanted]
        return next(iter(plain.values()), None)

    @property
    def imported(self) -> bool:
        return self.kind == "T_SP" and (self.name == NAMED_ENTITY or self.name.startswith("webanno.custom."))

    @property
    def short(self) -> str:
        return self.name.rsplit(".", 1)[-1]


@dataclass
class _Found:
    """One annotation of a span layer: its layer, label and the units (UTF-16 offsets) it covers."""

    layer: str
    label: str | None
    units: list[tuple[int, int]] = field(default_factory=list)


def unescape_value(value: str) -> str:
    return re.sub("|".join(re.escape(code) for code, _plain in _VALUE_ESCAPES),
                  lambda m: dict(_VALUE_ESCAPES)[m.group()], value)


def unescape_text(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _TEXT_ESCAPES.get(m.group(1), m.group(1)), text, flags=re.DOTALL)


def escape_text(text: str) -> str:
    pieces = {"\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "\b": "\\b", "\\": "\\\\"}
    return "".join(pieces.get(c, "\\" + c if ord(c) < 32 and not 7 < ord(c) < 14 else c) for c in text)


_VALUE_CODES = {"\\": "\\\\", "[": "\\[", "]": "\\]", "|": "\\|", "_": "\\_", ";": "\\;", "\t": "\\t",
                "\n": "\\n", "*": "\\*"}


def escape_value(value: str) -> str:
    return "".join(_VALUE_CODES.get(c, c) for c in value).replace("->", "\\->")


def _split_stack(cell: str) -> list[str]:
    """A cell's stacked values, split at ``|`` that is not escaped."""
    return re.split(r"(?<!\\)\|", cell)


def read_webanno(path: Path, text: str | None = None, uid: str | None = None,
                 annotator: str = DEFAULT_ANNOTATOR) -> ReadFile:
    """A WebAnno TSV 3 file; raises ``FileRefused`` if it is malformed."""
    problems = Problems(str(path))
    lines = (read_text(path) if text is None else text).split("\n")
    found = ReadFile([], "a WebAnno TSV 3 file (INCEpTION)")
    layers: list[_Layer] = []
    pieces: list[str] = []  # the document text, as the sentences rebuild it
    units16 = 0  # its length in UTF-16 code units
    sentence: list[str] = []
    annotations: dict[tuple[str, str], _Found] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        if line.startswith("#FORMAT="):
            if not line.startswith("#FORMAT=WebAnno TSV 3"):
                problems.add(f"line {number}", None, f"{line[8:40]!r} is not WebAnno TSV 3")
            continue
        if line.startswith(("#T_SP=", "#T_CH=", "#T_RL=")):
            name, *features = line[6:].split("|")
            layer = _Layer(line[1:5], name, features, sum(layer.width for layer in layers))
            layers.append(layer)
            continue
        if line.startswith("#Text="):
            sentence.append(unescape_text(line[6:]))
            continue
        if line.startswith("#") or not line.strip():
            continue
        cells = line.split("\t")
        unit, offsets = _UNIT.match(cells[0]), _OFFSETS.match(cells[1]) if len(cells) > 1 else None
        if not unit or not offsets or len(cells) < 3:
            problems.add(f"line {number}", None, "expected a token line: sentence-token, begin-end, token, columns")
            continue
        begin, end = int(offsets.group(1)), int(offsets.group(2))
        if sentence:  # the first token of a sentence: its text goes where this token begins
            joined = "\n".join(sentence) + "\n"
            if units16 > begin and pieces and pieces[-1].endswith("\n"):
                pieces[-1] = pieces[-1][:-1]
                units16 -= 1
            if units16 < begin:
                pieces.append(" " * (begin - units16))
                units16 = begin
            if units16 != begin:
                problems.add(f"line {number}", None, f"the sentence starts at {begin}, where the text before it "
                                                     f"ends at {units16}")
            pieces.append(joined)
            units16 += utf16_length(joined)
            sentence = []
        columns = cells[3:]
        for layer in layers:
            cell = columns[layer.first_column] if layer.first_column < len(columns) else "_"
            if cell in ("_", ""):
                continue
            if not layer.imported:
                found.leave_out(_left_out(layer))
                continue
            label_cells = [columns[layer.first_column + i] if layer.first_column + i < len(columns) else "*"
                           for i in range(layer.width)]
            _read_cell(layer, label_cells, (begin, end), number, annotations)
    problems.refuse_if_any()
    document_text = "".join(pieces).removesuffix("\n")  # (the line break every sentence's text ends with)
    if len(document_text) > MAX_TEXT_CHARS:
        problems.add(None, "text", f"has {len(document_text):,} characters, more than the limit of "
                     f"{MAX_TEXT_CHARS:,}")
    problems.refuse_if_any()
    document = AnnotatedDocument(uid or path.stem, document_text)
    index = Utf16Index(document_text)
    for annotation in annotations.values():
        start16, end16 = min(u[0] for u in annotation.units), max(u[1] for u in annotation.units)
        start, end = index.to_index(start16), index.to_index(end16)
        if annotation.label is None:
            found.leave_out("annotation(s) without a label (*) not imported")
        elif start is None or end is None or start >= end:
            found.leave_out("zero-length or misplaced annotation(s) not imported")
        else:
            document.spans.append((start, end, annotation.label, annotator, {}))
    if index.astral and document.spans:
        found.warnings.append(ImportProblem(str(path), "offsets converted from UTF-16 code units, as WebAnno TSV "
                                                       "counts them"))
    found.documents.append(document)
    return found


def _left_out(layer: _Layer) -> str:
    if layer.kind == "T_RL":
        return f"relation(s) of layer {layer.short} not imported: this project has no relation labels"
    if layer.kind == "T_CH":
        return f"chain link(s) of layer {layer.short} not imported: this project has no relation labels"
    return f"annotation(s) of layer {layer.short} not imported: a token-level layer, not a span layer"


def _read_cell(layer: _Layer, cells: list[str], unit: tuple[int, int], number: int,
               annotations: dict[tuple[str, str], _Found]) -> None:
    """One layer's columns on one token: its stacked annotations, each by its id."""
    column = layer.label_column
    stacked = _split_stack(cells[column if column is not None else 0])
    for position, value in enumerate(stacked):
        tag = re.search(r"(?<!\\)\[(\d+)\]$", value)
        key = (layer.name, tag.group(1)) if tag else (layer.name, f"line {number}.{position}")
        value = value[:tag.start()] if tag else value
        if column is None:
            label = layer.short
        else:
            label = None if value == "*" else unescape_value(value)
        annotations.setdefault(key, _Found(layer.name, label)).units.append(unit)


def read_webanno_zip(path: Path, annotator: str = DEFAULT_ANNOTATOR) -> ReadFile:
    """A zip of WebAnno TSV files (as Curator exports them): a document each."""
    from curator.formats.archives import members

    found = ReadFile([], "a zip of WebAnno TSV 3 files (INCEpTION)")
    for name, data in members(path, (".tsv",)):
        read = read_webanno(path, data, Path(name).stem, annotator)
        found.documents.extend(read.documents)
        found.left_out.update(read.left_out)
        found.warnings.extend(read.warnings)
    return found


def _tsv(document: Document, spans: list[Annotation]) -> str:
    """One document as WebAnno TSV 3.3: a sentence a line (the blank lines after it in its
    text), spans as named entities. Text before the first word is a token of its own, so
    that the text comes back whole."""
    from bisect import bisect_left

    text = document.text
    index = Utf16Index(text)
    tokens = aligned_tokens(text, [(s.start, s.end) for s in spans])
    if not tokens or tokens[0][0] > 0:
        tokens.insert(0, (0, tokens[0][0] if tokens else len(text)))
    starts = [start for start, _end in tokens]
    covering: dict[int, list[tuple[int, Annotation]]] = {}
    ids: dict[str, int] = {}
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.label)):
        inside = range(bisect_left(starts, span.start), bisect_left(starts, span.end))
        for n in inside:
            covering.setdefault(n, []).append((len(inside), span))
    for n, stack in sorted(covering.items()):  # an id for a span of several tokens, or stacked with another
        for width, span in stack:
            if (width > 1 or len(stack) > 1) and span.id not in ids:
                ids[span.id] = len(ids) + 1
    out = ["#FORMAT=WebAnno TSV 3.3", f"#T_SP={NAMED_ENTITY}|identifier|value", "", ""]
    lines = [0, *(m.end() for m in re.finditer("\n", text))]
    first_tokens = sorted({bisect_left(starts, at) for at in lines} - {len(tokens)})
    for number, first in enumerate(first_tokens, start=1):
        last = first_tokens[number] if number < len(first_tokens) else len(tokens)
        begin, finish = starts[first], starts[last] if last < len(tokens) else len(text)
        # The reader adds a line break after each #Text line: one too many at the end of a
        # sentence, which the next sentence's first offset (or the end) takes away.
        out.extend(f"#Text={escape_text(line)}" for line in text[begin:finish].split("\n"))
        for position, n in enumerate(range(first, last), start=1):
            start, end = tokens[n]
            stack = covering.get(n, [])
            values = "|".join(escape_value(span.label) + (f"[{ids[span.id]}]" if span.id in ids else "")
                              for _width, span in stack) or "_"
            identifier = "|".join("*" + (f"[{ids[span.id]}]" if span.id in ids else "")
                                  for _width, span in stack) or "_"
            shown = text[start:end].replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
            out.append(f"{number}-{position}\t{index.to_units(start)}-{index.to_units(end)}\t{shown}\t"
                       f"{identifier}\t{values}\t")
        out.append("")
    return "\n".join(out) + "\n"


def export_webanno(store: Store, target: Path, annotator: str) -> None:
    """One layer as WebAnno TSV: a ``.tsv`` for a project of one document, else a zip of them."""
    target = Path(target)
    refuse_invalid(store, target, annotator)
    documents = list(store.iter_documents_with_annotations(annotator))
    if target.suffix.lower() != ".zip" and len(documents) != 1:
        raise CuratorError(f"{target}: a WebAnno TSV file holds one document and this export has "
                           f"{len(documents):,}: export to a .zip (a .tsv file for each document)")
    with atomic_path(target) as temp:
        if target.suffix.lower() != ".zip":
            temp.write_text(_tsv(*documents[0]), encoding="utf-8")
            return
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
            used: set[str] = set()
            for number, (document, spans) in enumerate(documents, start=1):
                name = re.sub(r"[^\w.-]", "_", document.uid)[:100] or f"document-{number}"
                while f"{name}.tsv" in used:
                    name = f"{name}-{number}"
                used.add(f"{name}.tsv")
                archive.writestr(f"{name}.tsv", _tsv(document, spans))
