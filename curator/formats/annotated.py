"""What the readers and writers of annotated files share: the document a reader
returns and what it found in a file beside its documents, typed access to a record's
fields that reports instead of raising, and the export's validation that every writer
runs first."""

from __future__ import annotations

import codecs
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from curator.domain.model_base import error_text
from curator.domain.models import GOLD
from curator.domain.names import check_annotator, printable
from curator.domain.schema import CategorySet
from curator.domain.text import nfc
from curator.errors import CuratorError
from curator.formats.article_files import FIELD_ALIASES, MAX_TEXT_CHARS, parse_date
from curator.formats.boundary import (
    MAX_ID_CHARS,
    BadJSON,
    Problems,
    describe,
    integer,
    loads,
    loads_bytes,
    read_input,
    too_wide,
)
from curator.formats.reports import ImportProblem, ImportReport
from curator.store import Store

SpanKey = tuple[int, int, str]  # (start, end, label): a span of one document


@dataclass(frozen=True)
class FoundRelation:
    """A relation between two spans of a document, as a file holds it: the spans it joins
    by offsets and label, its type and who drew it. The import writes it as a relation
    of that annotator between those spans (``relation_import``)."""

    annotator: str
    source: SpanKey
    target: SpanKey
    label: str


@dataclass
class AnnotatedDocument:
    """A document read from another tool's file, with spans as (start, end, label, annotator, extra),
    a model's pre-annotations as (start, end, label, model, confidence or None) and relations
    between spans."""

    uid: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[tuple[int, int, str, str, dict]] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # reported with the import, not blocking it
    categories: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (annotator, set, choices)
    suggestions: list[tuple[int, int, str, str, float | None]] = field(default_factory=list)  # and how sure
    relations: list[FoundRelation] = field(default_factory=list)
    # False where the id is the tool's own numbering (a task's, a line's, a file's position):
    # an article of the project with the same text is this document.
    own_id: bool = True
    short: set[str] = field(default_factory=set)  # who had a span of it the reader could not place
    # The tool's own id of a span's region, (start, end, label, who) -> id: a region Curator
    # exported carries its span's id, and the span corrected in the tool is that span.
    regions: dict[tuple[int, int, str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.uid = nfc(self.uid)  # the one spelling ids are kept in, whatever the reader


@dataclass
class ReadFile:
    """What a reader found in one file: its documents, what the file was taken for (said in
    the import's summary), what it holds that Curator leaves out, counted by kind
    (``left_out["rectangle result(s) not imported: not text"] = 3``), and caveats on
    records that were imported (``warnings``) or skipped (``skipped``)."""

    documents: list[AnnotatedDocument]
    kind: str
    left_out: Counter = field(default_factory=Counter)
    warnings: list[ImportProblem] = field(default_factory=list)
    skipped: list[ImportProblem] = field(default_factory=list)

    def leave_out(self, what: str, count: int = 1) -> None:
        """Count ``count`` more of something the file holds and the import leaves out."""
        self.left_out[what] += count


def load_json(path: Path) -> Any:
    """A JSON file, parsed strictly (see ``curator.formats.boundary.loads``)."""
    try:
        data = read_input(path)
    except OSError as exc:
        raise CuratorError(f"{path}: {exc.strerror or exc}") from exc
    try:
        return loads_bytes(data)
    except UnicodeDecodeError as exc:
        raise CuratorError(f"{path}: not valid UTF-8 (byte {exc.start})") from exc
    except BadJSON as exc:
        raise CuratorError(f"{path}: {exc}") from exc


_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes) -> str:
    """A file's text: UTF-8 (a BOM dropped), or UTF-16 or UTF-32 when a BOM says so (doccano
    and Excel write UTF-16 CSV). Raises ``UnicodeDecodeError``."""
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    return data.decode("utf-8-sig")


def read_text(path: Path) -> str:
    """A text file's whole text (``decode``), or a ``CuratorError`` naming the file."""
    try:
        data = read_input(path)
    except OSError as exc:
        raise CuratorError(f"{path}: {exc.strerror or exc}") from exc
    try:
        return decode(data)
    except UnicodeDecodeError as exc:
        raise CuratorError(f"{path}: not valid {exc.encoding.upper().replace('-SIG', '')} (byte {exc.start})") \
            from exc


def read_lines(path: Path) -> list[str]:
    """A text file's lines, split at "\\n" only: a text may hold every other line break."""
    return read_text(path).split("\n")


def jsonl_records(path: Path, problems: Problems) -> Iterator[tuple[int, "FieldReader", Any]]:
    """Each non-blank line of a JSONL file: its number, a reader of its fields that names
    the line, and its parsed JSON; a line that is no JSON is reported to ``problems`` and
    skipped."""
    for number, line in enumerate(read_lines(path), start=1):
        if not line.strip():
            continue
        record = FieldReader(problems, f"line {number}")
        try:
            raw = loads(line)
        except BadJSON as exc:
            record.bad(None, str(exc))
            continue
        yield number, record, raw


class FieldReader:
    """One record of a file being read: its name for problems, and typed field access
    that reports a field of the wrong type instead of raising."""

    def __init__(self, problems: Problems, name: str) -> None:
        self.problems = problems
        self.name = name

    def bad(self, field: str | None, reason: str) -> None:
        self.problems.add(self.name, field, reason)

    def text(self, value: Any, field: str, *, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str):
            self.bad(field, f"is {describe(value)}, not a string")
            return None
        if required and not value:
            self.bad(field, "is empty")
            return None
        if "\x00" in value:
            self.bad(field, "contains NUL characters")
            return None
        return value

    def uid(self, value: Any, field: str, default: str) -> str | None:
        if value is None or value == "":
            return default
        if type(value) is int:
            value = str(value)
        if not isinstance(value, str):
            self.bad(field, f"is {describe(value)}, not a string or an integer")
            return None
        if len(value) > MAX_ID_CHARS:
            self.bad(field, f"has {len(value):,} characters, more than the limit of {MAX_ID_CHARS}")
            return None
        if "\x00" in value:
            self.bad(field, "contains NUL characters")
            return None
        return value

    def offsets(self, start: Any, end: Any, fields: tuple[str, str]) -> tuple[int, int] | None:
        if integer(start) is None or integer(end) is None:
            field, value = (fields[0], start) if integer(start) is None else (fields[1], end)
            self.bad(field, f"is {describe(value)} ({str(value)[:40]}), not an integer offset")
            return None
        return start, end

    def items(self, value: Any, field: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.bad(field, f"is {describe(value)}, not a list")
            return []
        return value

    def objects(self, value: Any, field: str) -> Iterator[tuple[str, dict]]:
        """The objects of a list (``items``), each with its field (``field.N``); an entry that
        is no object is reported when it is reached, and passed over."""
        for number, entry in enumerate(self.items(value, field)):
            if isinstance(entry, dict):
                yield f"{field}.{number}", entry
            else:
                self.bad(f"{field}.{number}", f"is {describe(entry)}, not an object")

    def mapping(self, value: Any, field: str, *, required: bool = False) -> dict | None:
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.bad(field, f"is {describe(value)}, not an object")
            return None
        return value


def read_choices(record: FieldReader, value: Any, field: str) -> list[str] | None:
    """A list of category choice names, or None (reported) if it is not one."""
    items = record.items(value, field)
    choices = [record.text(item, f"{field}.{index}") for index, item in enumerate(items)]
    return None if any(choice is None for choice in choices) else choices


def category_entry(name: str) -> tuple[str, str]:
    """A flat category name of another tool (spaCy's ``doc.cats``, doccano's ``cats``) as
    (set, choice): Curator writes them ``set:choice``; a bare name has no set ("") and
    is found among the project's sets when it is imported."""
    set_name, colon, choice = name.partition(":")
    return (set_name, choice) if colon and set_name and choice else ("", name)


def peer_category_names(sets: list[CategorySet]) -> dict[tuple[str, str], str]:
    """How a flat list of categories (spaCy's ``doc.cats``, doccano's ``cats``) names each
    choice of the project's sets: its own name, as the tool that gave it wrote it, unless
    two sets share it (then ``set:choice``). ``category_entry`` reads both back."""
    owners: dict[str, int] = {}
    for category in sets:
        for name in category.names:
            owners[name] = owners.get(name, 0) + 1
    return {(category.name, name): name if owners[name] == 1 and ":" not in name else f"{category.name}:{name}"
            for category in sets for name in category.names}


def categories_by_document(store: Store, annotator: str | None = None) -> dict[int, dict[str, dict[str, list[str]]]]:
    """Every document's categories (of one layer, if given): document id → annotator → set → choices."""
    found: dict[int, dict[str, dict[str, list[str]]]] = {}
    for doc_id, who, set_name, choices in store.category_rows(None if annotator is None else [annotator]):
        found.setdefault(doc_id, {}).setdefault(who, {})[set_name] = choices
    return found


def new_document(record: FieldReader, uid: str | None, text: str | None, meta: dict | None = None) -> AnnotatedDocument | None:
    if uid is None or text is None:
        return None
    if len(text) > MAX_TEXT_CHARS:
        record.bad("text", f"has {len(text):,} characters, more than the limit of {MAX_TEXT_CHARS:,}")
        return None
    return AnnotatedDocument(uid, text, meta or {})


def take_as(documents: list[AnnotatedDocument], name: str | dict[str, str], where: str) -> list[str]:
    """Make every span, status, category choice and relation of a file's documents
    ``name``'s (``curator import --annotator``): a tool that names nobody (CoNLL, a bare
    doccano file) gives each file one made-up name. A file of several annotators is
    refused, since their work would be merged into one layer. ``name`` a mapping: each
    annotator it names gets their name here (Label Studio names its users by number);
    the others keep theirs. Returns the annotators it names that none of the documents has."""
    if isinstance(name, str):
        named = _annotators(documents)
        if len(named) > 1:
            listed = ", ".join(sorted(map(str, named))[:5]) + (", ..." if len(named) > 5 else "")
            raise CuratorError(f"{where}: the file holds the work of {len(named)} annotators ({listed}); "
                               "--annotator names the one annotator of a file")
        name = {who: name for who in named}
    for document in documents:
        document.spans = [(start, end, label, name.get(who, who), extra) for start, end, label, who, extra
                          in document.spans]
        document.statuses = {name.get(who, who): status for who, status in document.statuses.items()}
        document.categories = [(name.get(who, who), *choice) for who, *choice in document.categories]
        document.relations = [replace(relation, annotator=name.get(relation.annotator, relation.annotator))
                              for relation in document.relations]
        document.short = {name.get(who, who) for who in document.short}
        document.regions = {(start, end, label, name.get(who, who)): region
                            for (start, end, label, who), region in document.regions.items()}
    named = _annotators(documents)
    return sorted(theirs for theirs, ours in name.items() if ours not in named)


def _annotators(documents: list[AnnotatedDocument]) -> set[str]:
    """Everyone whose spans, statuses, category choices or relations the documents hold."""
    return {span[3] for d in documents for span in d.spans} | {who for d in documents for who in d.statuses} \
        | {c[0] for d in documents for c in d.categories} | {r.annotator for d in documents for r in d.relations}


def relabel(documents: list[AnnotatedDocument], labels: dict[str, str | None]) -> Counter[str]:
    """Give the spans, pre-annotations and relation ends of a file's documents the
    project's labels for the file's (``curator import --map GPE=LOCATION``); a label not
    named stays as it is, and one named None is left out, its spans and their relations
    with it (the curator chose so). Returns how many spans of each label named it found."""
    def ours(label: str) -> str | None:
        return labels.get(label, label)

    found = Counter(label for document in documents for *_bounds, label, _who, _extra in document.spans
                    if label in labels)
    for document in documents:
        document.spans = [(start, end, ours(label), who, extra)
                          for start, end, label, who, extra in document.spans if ours(label) is not None]
        document.suggestions = [(start, end, ours(label), *rest)
                                for start, end, label, *rest in document.suggestions if ours(label) is not None]
        document.relations = [replace(relation, source=(*relation.source[:2], ours(relation.source[2])),
                                      target=(*relation.target[:2], ours(relation.target[2])))
                              for relation in document.relations
                              if ours(relation.source[2]) is not None and ours(relation.target[2]) is not None]
        document.regions = {(start, end, ours(label), who): region
                            for (start, end, label, who), region in document.regions.items()
                            if ours(label) is not None}
    return found


STATED = ("title", "source", "url", "published")  # the fields of an article a record may state


def stated_fields(exact: dict, columns: dict, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """An article's fields (title, source, url, published, and ``extra``) from a record of
    another tool. ``exact`` names them as Curator's exports write them (a ``meta``), and
    comes first; ``columns`` are the user's own, named as an article file's may be
    (``headline``, ``outlet``, ``date``...). A field is text: a value of another type, a
    second column of a field, and a date that is not one stay in ``extra`` as written,
    as does every other key but ``skip`` (the text's, the id's)."""
    fields: dict[str, Any] = {"extra": {}}
    dates: list[tuple[str, str]] = []
    for source, aliases in ((exact, None), (columns, FIELD_ALIASES)):
        for key, value in source.items():
            if key in skip:
                continue
            name = key if aliases is None else aliases.get(key.strip().lower()) if isinstance(key, str) else None
            if name in STATED and value is None:  # (a field an export writes as null: none)
                continue
            if name in STATED and isinstance(value, str) and value.strip() and "\x00" not in value:
                if name == "published":
                    dates.append((key, value))
                    continue
                if name not in fields:
                    fields[name] = value.strip()
                    continue
            fields["extra"].setdefault(key, value)
    for key, value in dates:
        try:
            if "published" not in fields:
                fields["published"] = parse_date(value)
                continue
        except ValueError:
            pass
        fields["extra"].setdefault(key, value)  # kept as it was written
    return fields


def article_columns(document: Any, reserved: tuple[str, ...]) -> dict[str, Any]:
    """A document's metadata as the columns of another tool's record: its title, outlet,
    address and date (ISO), then its extra metadata as imported, each under its own name,
    so that a tool keeps them and a reading back (``stated_fields``) finds them again.
    ``reserved``: the record's own keys, which no extra field may take (nor an id's)."""
    columns = {key: value.isoformat() if isinstance(value, date) else value
               for key in STATED if key not in reserved and (value := getattr(document, key)) is not None}
    taken = {*reserved, *columns, "id", "uid", "doc_id"}
    columns.update({key: value for key, value in document.extra.items() if key not in taken})
    return columns


def fitting_categories(categories: list[tuple[str, str, list[str]]], sets: dict[str, CategorySet],
                       report: ImportReport, where: str, record: str) -> list[tuple[str, str, list[str]]]:
    """A document's categories read from a file, as (annotator, set, choices), that fit the
    project's sets; a choice named without its set is found in the one set that has it.
    The rest is reported."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for who, set_name, choices in categories:
        choices = [nfc(choice) for choice in choices]  # as the project keeps them
        if not set_name:
            owners = [category.name for category in sets.values() if choices[0] in category.names]
            if len(owners) != 1:
                report.skip(where, record, f"category {choices[0][:40]!r} is in {'no' if not owners else 'more than one'}"
                                           " category set of the project; skipped")
                continue
            set_name = owners[0]
        grouped.setdefault((who, set_name), []).extend(c for c in choices if c not in grouped.get((who, set_name), []))
    kept = []
    for (who, set_name), choices in grouped.items():
        category = sets.get(set_name)
        wrong = [choice for choice in choices if category is None or choice not in category.names]
        if category is None:
            report.skip(where, record, f"category set {set_name[:40]!r} is not in the project; skipped")
        elif wrong:
            report.skip(where, record, f"{set_name} has no choice {wrong[0][:40]!r}; skipped")
        elif not category.multiple and len(choices) > 1:
            report.skip(where, record, f"{set_name} takes one choice, and {who} made {len(choices)}; skipped")
        elif too_wide("annotator", who):
            report.skip(where, record, too_wide("annotator", who))
        else:
            kept.append((who, set_name, choices))
    return kept


def first_error(exc: ValidationError) -> tuple[str, str]:
    error = exc.errors()[0]
    return ".".join(map(str, error["loc"])) or None, error_text(error)


def refuse_invalid(store: Store, target: Path, annotator: str | None) -> None:
    """Run the export's validation (``curator.formats.validate``) on what a writer is about to
    write; errors refuse the export with ``ExportRefused``, as the JSON and Excel exports do."""
    # Imported here: the readers, which every import of a tool's file loads, need neither.
    from curator.formats.export import ExportRefused
    from curator.formats.validate import Severity, validate_project

    problems = validate_project(store, annotator)
    if any(p.severity is Severity.ERROR for p in problems):
        raise ExportRefused(target, problems)


def file_annotator(name: str, into_gold: bool = False) -> tuple[str, str | None]:
    """An annotator name from a file, stripped (``" alice"`` is alice), and why it cannot be
    one, if it cannot (a control character would reach terminals and file names; the
    reviewed layer, in any case, is written by settling disagreements, or knowingly)."""
    try:
        name = check_annotator(name, f"annotator {printable(repr(name))}")
    except CuratorError as exc:
        return name, str(exc)
    if name.casefold() == GOLD:
        if into_gold:
            return GOLD, None
        return name, (f"annotator {printable(repr(name))} is the reviewed layer, which settling disagreements "
                      "writes: a file's goes into gold only when asked (curator import PROJECT FILE --gold)")
    return name, None
