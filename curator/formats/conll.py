"""CoNLL-2003 BIO, both ways: one token a line with its tag, ``-DOCSTART-`` between
documents; one layer. Tokens are joined by spaces when read (CoNLL keeps no spacing)."""

from __future__ import annotations

from pathlib import Path

from curator.domain.models import Annotation
from curator.domain.text import TOKEN
from curator.formats.annotated import (
    AnnotatedDocument,
    read_lines,
    refuse_invalid,
)
from curator.formats.article_files import (
    MAX_TEXT_CHARS,
)
from curator.formats.boundary import (
    Problems,
)
from curator.formats.outputs import atomic_path
from curator.store import Store


def read_conll(path: Path, annotator: str = "conll") -> list[AnnotatedDocument]:
    """CoNLL-2003 style: one token a line, its tag last; blank lines end sentences;
    ``-DOCSTART-`` lines start documents. The text is the tokens joined by spaces
    (sentences by new lines): CoNLL does not keep the original spacing. Raises
    ``FileRefused`` if any line is malformed."""
    problems = Problems(str(path))
    documents: list[list[list[tuple[str, str]]]] = [[[]]]
    for number, line in enumerate(read_lines(path), start=1):
        parts = line.split()
        if not parts:
            documents[-1].append([])
        elif parts[0] == "-DOCSTART-":
            documents.append([[]])
        elif len(parts) < 2:
            problems.add(f"line {number}", None, "expected a token and a tag")
        elif "\x00" in parts[0]:
            problems.add(f"line {number}", "token", "contains NUL characters")
        else:
            tag = parts[-1]
            if tag != "O" and not (tag[:2] in ("B-", "I-") and len(tag) > 2):
                problems.add(f"line {number}", "tag", f"tag {tag[:40]!r} is not O, B-LABEL or I-LABEL")
                continue
            documents[-1][-1].append((parts[0], tag))
    problems.refuse_if_any()
    read = []
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
        if len(text) > MAX_TEXT_CHARS:
            problems.add(f"document {index + 1}", "text", f"has {len(text):,} characters, more than the limit "
                         f"of {MAX_TEXT_CHARS:,}")
        read.append(AnnotatedDocument(f"{path.stem}-{index + 1}", text,
                                      spans=[(s, e, label, annotator, {}) for s, e, label in spans]))
    problems.refuse_if_any()
    return read


def export_conll(store: Store, target: Path, annotator: str) -> None:
    """BIO tags per token for one annotator's layer (the innermost span wins where spans nest)."""
    refuse_invalid(store, Path(target), annotator)
    with atomic_path(target) as temp, temp.open("w", encoding="utf-8") as out:
        for document, spans in store.iter_documents_with_annotations(annotator):
            out.write("-DOCSTART- O\n\n")
            ordered = sorted(spans, key=lambda s: (s.end - s.start, s.start))
            previous: Annotation | None = None
            in_line, last_end = False, 0
            for token in TOKEN.finditer(document.text):
                covering = next((s for s in ordered if s.start < token.end() and token.start() < s.end), None)
                # A new line ends the sentence, except inside a span: a blank line would split it in two.
                if in_line and "\n" in document.text[last_end:token.start()] and \
                        (covering is None or covering is not previous):
                    out.write("\n")
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
