"""CoNLL token files (CoNLL-2003, WNUT, the exports of Label Studio and doccano), both ways.

Read: a token a line with its tag last (BIO in IOB1 or IOB2, or BIOES/BILOU), blank
lines between sentences. Documents are what ``-DOCSTART-`` lines separate; a file with
none (WNUT, doccano) or with one at the top of Label Studio's export has one document a
block, as those tools mean. A line that only looks blank (a stray byte order mark, a
zero-width space) is read as blank and reported. The text is the tokens joined by spaces
(by a tab before a token a space would join: one that starts with a combining mark or a
skin tone), sentences by new lines (CoNLL keeps no spacing); the columns between the
token and its tag (part of speech, chunk) are kept with the document
(``extra["conll"]``), so that its export writes them back, and writes the tokens the
file came with.

Written: one layer, one token a line with its tag, ``-DOCSTART-`` before each document.
"""

from __future__ import annotations

import re
from pathlib import Path

from curator.domain.models import Annotation, Document
from curator.domain.text import INVISIBLE, TOKEN, joins_a_space
from curator.formats.annotated import (
    AnnotatedDocument,
    ReadFile,
    read_lines,
    refuse_invalid,
)
from curator.formats.article_files import MAX_TEXT_CHARS
from curator.formats.boundary import Problems
from curator.formats.outputs import atomic_path
from curator.formats.reports import ImportProblem
from curator.store import Store

DEFAULT_ANNOTATOR = "conll"
EXTRA_KEY = "conll"  # extra["conll"] = {"tokens": 3, "columns": ["NNP B-NP", ...]}: a token file's own tokens
_SPACES = re.compile(r" +")
_TAG = re.compile(r"([BIESLU])-(.+)")

Token = tuple[str, str, str]  # (token, its middle columns joined by a space, tag)


def _fields(line: str) -> list[str]:
    """A line's columns: split at tabs if it has any (a token may then hold spaces), else at spaces."""
    if "\t" in line:
        return [part.strip(" ") for part in line.split("\t") if part.strip(" ")]
    return _SPACES.split(line.strip(" "))


def read_conll(path: Path, annotator: str = DEFAULT_ANNOTATOR) -> ReadFile:
    """A CoNLL file's documents; raises ``FileRefused`` if any line is malformed."""
    problems = Problems(str(path))
    found = ReadFile([], "CoNLL")
    documents: list[list[list[Token]]] = [[[]]]
    starts, invisible, label_studio = 0, [], False
    for number, line in enumerate(read_lines(path), start=1):
        line = line.rstrip("\r")
        parts = _fields(line) if line.strip(" \t") else []
        if len(parts) == 1 and not parts[0].strip(INVISIBLE):  # a stray byte order mark, say
            invisible.append(number)
            parts = []
        if not parts:
            documents[-1].append([])
        elif parts[0].lstrip("\ufeff") == "-DOCSTART-":
            if parts[0] != "-DOCSTART-":
                invisible.append(number)
            starts += 1
            label_studio = label_studio or (number == 1 and parts[1:] == ["-X-", "O"])
            documents.append([[]])
        elif len(parts) < 2:
            problems.add(f"line {number}", None, "expected a token and a tag")
        elif "\x00" in line:
            problems.add(f"line {number}", "token", "contains NUL characters")
        else:
            tag = parts[-1]
            if tag != "O" and not _TAG.fullmatch(tag):
                problems.add(f"line {number}", "tag", f"tag {tag[:40]!r} is not O, B-LABEL or I-LABEL (or E-, S-)")
                continue
            documents[-1][-1].append((parts[0], " ".join(parts[1:-1]), tag))
    problems.refuse_if_any()
    if starts <= 1 and (starts == 0 or label_studio):  # one document a block: doccano, WNUT, Label Studio
        documents = [[sentence] for sentences in documents for sentence in sentences if sentence]
        found.kind = ("Label Studio's CoNLL export (one document an annotation)" if label_studio else
                      "CoNLL without -DOCSTART- (one document a sentence block)")
    else:
        found.kind = "CoNLL (-DOCSTART- documents)"
    if invisible:
        found.warnings.append(ImportProblem(str(path), f"{len(invisible)} line(s) held only a byte order mark or "
                                                       f"zero-width characters, or one before -DOCSTART- (lines "
                                                       f"{_lines(invisible)}): read as blank, or as -DOCSTART-"))
    for index, sentences in enumerate((d for d in documents if any(d)), start=1):
        document = _document(f"{path.stem}-{index}", [s for s in sentences if s], annotator)
        document.own_id = False  # (a place in the file: the same article in another file matches by its text)
        if len(document.text) > MAX_TEXT_CHARS:
            problems.add(f"document {index}", "text", f"has {len(document.text):,} characters, more than the "
                         f"limit of {MAX_TEXT_CHARS:,}")
        found.documents.append(document)
    problems.refuse_if_any()
    return found


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:5])
    return shown + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")


def _document(uid: str, sentences: list[list[Token]], annotator: str) -> AnnotatedDocument:
    """The document of a file's sentences: their tokens joined, and their tagged spans."""
    pieces, spans, columns, at = [], [], [], 0
    open_span: list | None = None  # [start, end, label]
    for sentence in sentences:
        if pieces:
            pieces.append("\n")
            at += 1
        for position, (token, middle, tag) in enumerate(sentence):
            if position:  # (a tab before a token a space would join: it stays a token of its own)
                pieces.append("\t" if joins_a_space(token) else " ")
                at += 1
            start, at = at, at + len(token)
            pieces.append(token)
            columns.append(middle)
            prefix, label = (tag[0], tag[2:]) if tag != "O" else ("O", "")
            continues = open_span is not None and open_span[2] == label and prefix in "IEL"
            if open_span is not None and not continues:
                spans.append(tuple(open_span))
                open_span = None
            if prefix == "O":
                continue
            if continues:
                open_span[1] = at
            else:
                open_span = [start, at, label]
            if prefix in "ESLU":  # the span ends with this token
                spans.append(tuple(open_span))
                open_span = None
        if open_span is not None:
            spans.append(tuple(open_span))
            open_span = None
    extra = {"tokens": len(columns), **({"columns": columns} if any(columns) else {})}
    return AnnotatedDocument(uid, "".join(pieces), {"extra": {EXTRA_KEY: extra}},
                             spans=[(s, e, label, annotator, {}) for s, e, label in spans])


def _file_tokens(document: Document) -> tuple[list[tuple[int, int]], list[str]] | None:
    """The tokens a document read from a CoNLL file came with, and their middle columns;
    None if it was not read from one (or its record of them does not fit its text)."""
    kept = document.extra.get(EXTRA_KEY) if isinstance(document.extra, dict) else None
    if not isinstance(kept, dict):
        return None
    tokens = [(m.start(), m.end()) for m in re.finditer(r"[^ \n]+", document.text)]
    columns = kept.get("columns", [])
    if kept.get("tokens") != len(tokens) or not isinstance(columns, list) or \
            (columns and len(columns) != len(tokens)) or not all(isinstance(c, str) for c in columns):
        return None
    return tokens, columns or [""] * len(tokens)


def export_conll(store: Store, target: Path, annotator: str) -> None:
    """BIO tags per token for one annotator's layer (the innermost span wins where spans
    nest); a document read from a CoNLL file keeps its tokens and their columns."""
    refuse_invalid(store, Path(target), annotator)
    with atomic_path(target) as temp, temp.open("w", encoding="utf-8") as out:
        for document, spans in store.iter_documents_with_annotations(annotator):
            kept = _file_tokens(document)
            tokens, columns = kept if kept else ([(m.start(), m.end()) for m in TOKEN.finditer(document.text)], None)
            width = max((len(c.split(" ")) for c in columns if c), default=0) if columns else 0
            out.write("-DOCSTART-" + " -X-" * width + " O\n\n")
            ordered = sorted(spans, key=lambda s: (s.end - s.start, s.start))
            previous: Annotation | None = None
            in_line, last_end = False, 0
            for number, (start, end) in enumerate(tokens):
                covering = next((s for s in ordered if s.start < end and start < s.end), None)
                # A new line ends the sentence, except inside a span: a blank line would split it in two.
                if in_line and "\n" in document.text[last_end:start] and (covering is None or covering is not previous):
                    out.write("\n")
                tag = "O" if covering is None else f"I-{covering.label}" if covering is previous else \
                    f"B-{covering.label}"
                previous = covering
                middle = f" {columns[number]}" if columns and columns[number] else ""
                out.write(f"{document.text[start:end]}{middle} {tag}\n")
                in_line, last_end = True, end
            out.write("\n")
