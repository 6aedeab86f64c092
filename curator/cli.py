"""The ``curator`` command: the same core calls the GUI makes, for scripts and CI."""

from __future__ import annotations

import argparse
import gc
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curator import cli_labels, cli_learning
from curator.domain.names import check_annotator, file_stem, printable
from curator.domain.templates import TEMPLATES
from curator.errors import CuratorError, DataError, DuplicateError
from curator.formats import FORMATS, TOOL_FORMATS
from curator.project import (
    Settings,
    acting_annotator,
    create_sample_project,
    open_project,
    resolve_layer,
)

if TYPE_CHECKING:
    from curator.store import Store


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="curator",
        description="Curate annotated news-text datasets. With no command, opens the GUI on the sample project.",
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", help="open the GUI on a project (the sample project if none is given)")
    gui.add_argument("project", nargs="?", help="project folder or database URL")

    init = commands.add_parser("init", help="create an empty project")
    init.add_argument("project")
    init.add_argument("--name", help="project name (default: the folder name)")
    init.add_argument("--template", choices=sorted(TEMPLATES), default="news",
                      help="the labels it starts with: " + "; ".join(f"{k}: {v}" for k, v in TEMPLATES.items()))

    sample = commands.add_parser("sample", help="create a project holding the sample documents")
    sample.add_argument("project")

    imp = commands.add_parser("import", help="import articles (.txt .md .json .jsonl .csv .xlsx, or folders)")
    imp.add_argument("project")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--format", choices=(*TOOL_FORMATS, "curator"),
                     help="read annotated files of this tool (detected when not given)")
    imp.add_argument("--add-labels", action="store_true",
                     help="add the labels the files use and the project lacks (kinds guessed from their names), "
                          "then import their spans too")
    imp.add_argument("--verbose", action="store_true", help="list every skipped record, not a summary of them")

    exp = commands.add_parser("export", help="validate and export the dataset")
    exp.add_argument("project")
    exp.add_argument("--format", choices=(*FORMATS, *TOOL_FORMATS),
                     help="default: from the output file's suffix")
    exp.add_argument("-o", "--output", required=True, type=_output_file)
    exp.add_argument("--clean", action="store_true",
                     help="refuse while disagreements or duplicates are undecided; leave out duplicates not kept")
    exp.add_argument("--layer", "--annotator", dest="layer",
                     help="an annotator's name, 'gold' or 'all' (default: gold once it exists, else all)")
    exp.add_argument("--verbose", action="store_true", help="list every warning, not a summary of them")

    val = commands.add_parser("validate", help="check the project's data; exit 1 if there are errors")
    val.add_argument("project")
    val.add_argument("--annotator", help="check only this annotator's layer")

    sug = commands.add_parser("suggest", help="pre-annotate figures, dates and known entities")
    sug.add_argument("project")
    sug.add_argument("--doc", help="only this document (its id)")
    sug.add_argument("--annotator", help="whose suggestion layer (default: your annotator name)")
    sug.add_argument("--accept", action="store_true", help="store every suggestion as an annotation")
    cli_learning.add_suggest_options(sug)

    agr = commands.add_parser("agreement", help="inter-annotator agreement figures")
    agr.add_argument("project")
    agr.add_argument("--json", action="store_true", help="print the full report as JSON")

    dup = commands.add_parser("duplicates", help="near-duplicate articles, entity variants and facts")
    dup.add_argument("project")
    dup.add_argument("--json", action="store_true", help="print everything as JSON")
    dup.add_argument("--threshold", type=_fraction, default=0.5,
                     help="document similarity threshold, from 0 to 1 (default 0.5)")

    layer = commands.add_parser("layer", help="export or import an annotator's layer file")
    layer_commands = layer.add_subparsers(dest="layer_command", metavar="ACTION", required=True)
    layer_export = layer_commands.add_parser("export", help="write annotations/<name>.json")
    layer_export.add_argument("project")
    layer_export.add_argument("annotator")
    layer_export.add_argument("-o", "--output", type=_output_file, help="default: annotations/<annotator>.json")
    layer_import = layer_commands.add_parser("import", help="import annotator layer files")
    layer_import.add_argument("project")
    layer_import.add_argument("files", nargs="+", type=Path)

    copy = commands.add_parser("copy", help="copy a project to a new database (SQLite <-> PostgreSQL)")
    copy.add_argument("source")
    copy.add_argument("target")
    backup = commands.add_parser("backup", help="a consistent copy of a project, safe while it is in use")
    backup.add_argument("project")
    backup.add_argument("output")

    cli_labels.add_parsers(commands)
    cli_learning.add_parsers(commands)

    for name, what in (("undo", "undo your last edit (made here or in the window)"),
                       ("redo", "redo your last undone edit"), ("history", "list your latest edits")):
        step = commands.add_parser(name, help=what)
        step.add_argument("project")
        step.add_argument("--annotator", help="whose edits (default: your annotator name)")

    commands.add_parser("whoami", help="print the annotator name used for edits")
    iam = commands.add_parser("iam", help="set the annotator name used for edits")
    iam.add_argument("name")
    return parser


def _err(message: object) -> None:
    print(f"curator: {printable(str(message))}", file=sys.stderr)


GuiRunner = Callable[[str | None], int]


def _no_gui(_project: str | None) -> int:
    raise CuratorError("this entry point has no GUI; run the 'curator' command installed with curator[gui]")


def _cmd_init(args: argparse.Namespace) -> int:
    # Neither pydantic nor, on SQLite, SQLAlchemy: they are most of what creating a project would cost.
    from curator.domain.templates import new_project_json
    from curator.store.create import create_database

    name = args.name or Path(args.project).name or "Curator project"
    create_database(args.project, new_project_json(name, args.template))
    print(f"Created project {name!r} at {args.project}")
    return 0


def _cmd_sample(args: argparse.Namespace) -> int:
    store, report = create_sample_project(args.project)
    store.close()
    print(f"Created sample project at {args.project}: {report.summary()}")
    return 0


def _import_once(store: Store, args: argparse.Namespace, annotated_only: bool = False):
    from curator.formats.interop import detect, import_annotated, import_paths
    from curator.formats.reports import ImportReport

    if not args.format:
        return import_paths(store, [p for p in args.files if not annotated_only or (p.is_file() and detect(p))])
    report = ImportReport()  # every file in the named tool's format
    for path in args.files:
        report.merge(import_annotated(store, path, args.format))
    return report


def _cmd_import(args: argparse.Namespace) -> int:
    with open_project(args.project) as store:
        report = _import_once(store, args)
        missing = report.missing_labels
        if missing and args.add_labels:
            from curator.session import Session
            from curator.session.labels import add_found_labels, unusable_labels

            unusable = unusable_labels(list(missing))
            if unusable:
                _err("labels that cannot be a project's, their spans skipped: " + "; ".join(
                    f"{printable(name)} ({missing[name]:,}): {printable(why)}" for name, why in unusable.items())
                     + "; rename them in the file")
            command = add_found_labels(store, list(missing))
            if command is not None:
                Session(store, Settings().annotator).do(command)
                print(command.text)
            again = _import_once(store, args, annotated_only=True)  # their spans, now the project has the labels
            again.added, again.already_present = report.added + again.added, report.already_present
            again.spans_added += report.spans_added
            again.categories_added += report.categories_added
            report = again
        elif missing:
            _err("labels the project lacks, their spans skipped: " + ", ".join(
                f"{printable(name)} ({count:,})" for name, count in sorted(missing.items()))
                 + "; --add-labels adds them (or: curator labels PROJECT add NAME)")
    print(report.summary())  # one line for everything read, articles and annotated files alike
    _say_warnings(report.warnings, args.verbose, "warning: ", _reason, "--verbose lists them")
    _say_warnings(report.problems, args.verbose, message=_reason, where="--verbose lists them", noun="problem(s)")
    return 1 if report.problems else 0


def _reason(problem: Any) -> str:
    return getattr(problem, "reason", str(problem))


def _cmd_export(args: argparse.Namespace) -> int:
    # Each command imports what only it needs: the others start faster.
    from curator.exporting import export

    with open_project(args.project) as store:
        layer = resolve_layer(store, args.layer)
        counts = store.spans_per_layer()
        if args.format == "conll" and layer is None:
            raise CuratorError("CoNLL holds one layer: choose it with --layer NAME (or --layer gold)")
        if args.format in TOOL_FORMATS:
            from curator.formats.interop import export_interop

            export_interop(store, args.output, args.format, layer)
            warnings = []
        else:
            warnings = export(store, args.output, args.format, layer, clean=args.clean)
    _say_layers(layer, counts, args.layer is None)
    _say_warnings(warnings, args.verbose)
    print(f"Exported to {printable(str(args.output), keep='')}")
    return 0


def _say_layers(layer: str | None, counts: dict[str, int], chosen_for_you: bool) -> None:
    """Which layer went out and what each layer holds; a warning when the gold layer, the
    default once it exists, is a small part of the work."""
    held = ", ".join(f"{printable(name)} {count:,}" for name, count in sorted(counts.items())) or "none"
    what = "every layer" if layer is None else f"layer {printable(repr(layer))} ({counts.get(layer, 0):,} spans)"
    print(f"Exported {what}{' (the default)' if chosen_for_you else ''}; spans per layer: {held}")
    others = {name: count for name, count in counts.items() if name != "gold"}
    if layer == "gold" and others:
        biggest = max(others, key=others.get)
        if counts.get("gold", 0) < others[biggest] / 2:
            _err(f"warning: the gold layer holds {counts.get('gold', 0):,} spans, against {others[biggest]:,} in "
                 f"{printable(biggest)}'s layer: most of the work is not in this export (--layer all or --layer "
                 "NAME exports it; settle more in review to fill gold)")


def _say_warnings(warnings: list, verbose: bool, prefix: str = "", message: Callable[[Any], str] | None = None,
                  where: str = "--verbose lists them, 'curator validate' too", noun: str = "warning(s)") -> None:
    """Every warning with --verbose; else a count per kind, with one example each (a file
    with a warning per span would otherwise print tens of thousands of lines)."""
    if verbose or len(warnings) <= 10:
        for warning in warnings:
            _err(f"{prefix}{warning}")
        return
    import re
    from collections import Counter

    message = message or (lambda warning: warning.message)

    quoted, digits = re.compile(r"'[^']*'|\"[^\"]*\""), re.compile(r"\d+")

    def kind(text: str) -> str:  # without the span's own text or numbers: "MONEY … has no normalized value"
        return digits.sub("N", quoted.sub("…", text)).split(" (")[0].split(":")[0]

    of = [kind(message(warning)) for warning in warnings]
    first = {}
    for warning, what in zip(warnings, of):
        first.setdefault(what, warning)
    for what, count in Counter(of).most_common():
        _err(f"{prefix}{count:,} x {what} (e.g. {first[what]})")
    dropped = getattr(warnings, "dropped", 0)  # beyond what a report keeps (``ProblemList``)
    kept = f" (the kinds above count the first {len(warnings):,})" if dropped else ""
    _err(f"{prefix}{len(warnings) + dropped:,} {noun} in all{kept}; {where}")


def _cmd_history(args: argparse.Namespace) -> int:
    from curator.session import Session

    annotator = acting_annotator(args.annotator)
    with open_project(args.project) as store:
        session = Session(store, annotator)
        if args.command == "history":
            entries = session.history()
            for label, done in entries:
                print(f"{'  ' if done else 'U '}{printable(label)}")
            print(f"{len(entries)} latest edit(s) of {printable(repr(annotator))}; U: undone (redo brings it back)")
            return 0
        step = session.undo() if args.command == "undo" else session.redo()
    if step is None:
        print(f"Nothing to {args.command} for {printable(repr(annotator))}")
    else:
        print(f"{'Undone' if args.command == 'undo' else 'Redone'}: {printable(step.label)}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from curator.formats.validate import Severity, validate_project

    with open_project(args.project) as store:
        problems = validate_project(store, args.annotator)
    for problem in problems:
        print(problem, file=sys.stderr)
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    print(f"{errors} error(s), {len(problems) - errors} warning(s)")
    return 1 if errors else 0


def _cmd_suggest(args: argparse.Namespace) -> int:
    from collections import Counter

    from curator.analysis.suggest import bulk_accept, suggest_document
    from curator.session import Session

    if cli_learning.wants_more(args):
        return cli_learning.cmd_suggest_more(args)
    annotator = acting_annotator(args.annotator)
    with open_project(args.project) as store:
        session = Session(store, annotator)  # each document's accepted batch is one undoable edit
        if args.doc:
            document = store.document_by_uid(args.doc)
            if document is None:
                raise CuratorError(f"{args.project}: no document with id {args.doc!r}")
            ids = [document.id]
        else:
            ids = store.document_ids()
        counts: Counter[str] = Counter()
        accepted = 0
        raced = 0
        for doc_id in ids:
            counts.update(s.label for s in suggest_document(store, doc_id, annotator))
            if args.accept:
                batch = bulk_accept(store, doc_id, annotator)
                if batch is not None:
                    try:
                        session.do(batch)
                    except DuplicateError:  # another process accepted them meanwhile; the store kept one copy
                        raced += 1
                        continue
                    accepted += len(batch.commands)
    summary = ", ".join(f"{label} {n}" for label, n in sorted(counts.items())) or "none"
    print(f"{sum(counts.values())} new suggestion(s) in {len(ids)} document(s): {summary}")
    if args.accept:
        print(f"{accepted} suggestion(s) accepted as annotations of {printable(repr(annotator))}")
        if raced:
            print(f"{raced} document(s) left as they were: their suggestions were accepted by another "
                  "process at the same time")
    return 0


def _cmd_agreement(args: argparse.Namespace) -> int:
    import json

    from curator.analysis.agreement import compute_agreement

    with open_project(args.project) as store:
        report = compute_agreement(store)
    if args.json:
        print(json.dumps(report.to_dict(), indent=1))
        return 0
    print(format_agreement(report))
    return 0


def format_agreement(report) -> str:
    def num(value) -> str:
        return "   -  " if value is None else f"{value:6.3f}"

    def name(text: str) -> str:  # names come from imported files: no escape reaches the terminal
        return printable(text, keep="")

    lines = [f"Annotators: {', '.join(map(name, report.annotators)) or 'none'}; {report.documents} document(s) "
             "annotated by "
             f"two or more, {report.tokens} tokens",
             f"Overall: F1 exact {num(report.overall['f1_exact'])}  F1 overlap {num(report.overall['f1_overlap'])}"
             f"  kappa {num(report.overall['kappa'])}  alpha {num(report.overall['alpha'])}", "",
             f"{'pair':<28}{'docs':>5}{'F1 exact':>10}{'F1 overlap':>12}{'kappa':>8}"]
    for pair in report.pairs:
        lines.append(f"{name(pair['annotator_a']) + ' / ' + name(pair['annotator_b']):<28}{pair['documents']:>5}"
                     f"{num(pair['f1_exact']):>10}{num(pair['f1_overlap']):>12}{num(pair['kappa']):>8}")
    lines += ["", f"{'label':<14}{'spans':>6}{'F1 exact':>10}{'F1 overlap':>12}{'kappa':>8}{'alpha':>8}"]
    for row in report.labels:
        lines.append(f"{name(row['label']):<14}{row['spans']:>6}{num(row['f1_exact']):>10}{num(row['f1_overlap']):>12}"
                     f"{num(row['kappa']):>8}{num(row['alpha']):>8}")
    return "\n".join(lines)


def _cmd_duplicates(args: argparse.Namespace) -> int:
    import json

    from curator.analysis.duplicates import duplicate_report

    with open_project(args.project) as store:
        report = duplicate_report(store, args.threshold)
    if args.json:
        print(json.dumps(report, indent=1, default=str))
        return 0
    docs, entities, facts = report["documents"], report["entities"], report["facts"]
    print(f"Documents: {len(docs)} near-duplicate pair(s), {sum(1 for d in docs if not d['decision'])} open")
    for pair in docs:
        print(f"  {pair['similarity']:.2f}  {pair['a']}  ~  {pair['b']}  {pair['decision'] or 'open'}")
    print(f"Entities: {len(entities)} candidate merge(s)")
    for candidate in entities:
        print(f"  {candidate['score']:5.1f}  {candidate['a']} / {candidate['b']}  ({candidate['reason']}: "
              f"{candidate['names'][0]} ~ {candidate['names'][1]})")
    print(f"Facts: {len(facts['proposed'])} proposed group(s), {len(facts['recorded'])} recorded")
    for proposal in facts["proposed"]:
        flag = "CONFLICT" if proposal["conflict"] else "consistent"
        values = "; ".join(f"{m['text']} ({m['document']})" for m in proposal["mentions"])
        print(f"  {proposal['measure']} {proposal['period']}: {flag}, spread {proposal['spread']:.1%}: {values}")
    return 0


def _cmd_layer(args: argparse.Namespace) -> int:
    from curator.formats.layers import export_layer, import_layer

    with open_project(args.project) as store:
        if args.layer_command == "export":
            annotator = check_annotator(args.annotator)
            # The name chooses nothing about where the file goes but a safe file name.
            target = args.output or Path("annotations") / f"{file_stem(annotator)}.json"
            if args.output is None:
                target.parent.mkdir(exist_ok=True)  # the default folder, the one folder Curator makes
            count = export_layer(store, annotator, target)
            print(f"Wrote {printable(annotator)}'s layer ({count} document(s)) to {printable(str(target))}")
            return 0
        failed = False
        for path in args.files:
            report = import_layer(store, path)
            print(report.summary())
            for problem in report.problems:
                _err(problem)
            failed = failed or bool(report.problems)
        return 1 if failed else 0


def _dispatch(args: argparse.Namespace, gui: GuiRunner) -> int:
    if args.command is None:
        return gui(None)
    if args.command == "gui":
        return gui(args.project)
    if args.command == "copy":
        from curator.formats.copying import copy_project

        counts = copy_project(args.source, args.target)
        print(f"Copied {counts.get('documents', 0)} document(s) and {counts.get('annotations', 0)} "
              f"annotation(s) to {printable(str(args.target), keep='')}")
        return 0
    if args.command == "backup":
        from curator.formats.copying import backup_project

        print(f"Backed up to {printable(str(backup_project(args.project, args.output)), keep='')}")
        return 0
    if args.command == "whoami":
        print(printable(Settings().annotator))
        return 0
    if args.command == "iam":
        settings = Settings()
        settings.annotator = args.name
        print(f"Edits are now made as {printable(repr(settings.annotator))}")
        return 0
    handlers = {
        "undo": _cmd_history,
        "redo": _cmd_history,
        "history": _cmd_history,
        "init": _cmd_init,
        "sample": _cmd_sample,
        "import": _cmd_import,
        "export": _cmd_export,
        "validate": _cmd_validate,
        "suggest": _cmd_suggest,
        "agreement": _cmd_agreement,
        "layer": _cmd_layer,
        "duplicates": _cmd_duplicates,
        "labels": cli_labels.cmd_labels,
        "categories": cli_labels.cmd_categories,
        "schema": cli_labels.cmd_schema,
        "measures": cli_labels.cmd_measures,
        "learn": cli_learning.cmd_learn,
    }
    return handlers[args.command](args)


def main(argv: Sequence[str] | None = None, gui: GuiRunner = _no_gui) -> int:
    """Run one command. ``gui`` opens the window; the core cannot import it (it is Qt).

    The one error boundary of the command line: every error becomes a message on
    standard error and an exit status (1: the data has problems; 2: the command could
    not run; 130: interrupted), never a traceback unless ``--debug`` asks for one."""
    args = _parser().parse_args(argv)
    debug = args.debug or bool(os.environ.get("CURATOR_DEBUG"))
    try:
        status = _dispatch(args, gui)
        sys.stdout.flush()  # a closed pipe shows here, inside the boundary
        return status
    except BrokenPipeError:
        # The reader stopped (``curator agreement P | head``): end quietly. Python would
        # otherwise complain again while flushing at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        _err("interrupted; every change saved before it is kept")
        return 130
    except Exception as exc:
        if debug:
            import traceback

            traceback.print_exc()
        status, message, internal = _describe(exc, args)
        _err(f"{message} (run 'curator --debug ...' for the traceback)" if internal and not debug else message)
        return status


def process_main(argv: Sequence[str] | None = None, gui: GuiRunner = _no_gui) -> int:
    """``main`` as the ``curator`` process runs it, the process ending when it returns.

    What the command loaded and left behind (modules, caches, a report's rows) is then
    frozen out of the cyclic garbage collector, so the interpreter's final collection
    skips it: a pass over the whole heap that would free nothing the operating system
    does not free anyway (30-60 ms after a JSON export of 20,000 documents). By then every
    command has closed what it opened: projects, files, worker processes."""
    status = main(argv, gui)
    gc.freeze()
    return status


def _output_file(text: str) -> Path:
    """An output file's path, for argparse: one that ends with a separator names a folder,
    which ``Path`` would forget (and ``x.json/`` would replace the file ``x.json``)."""
    if not text or text.endswith(("/", os.sep)):
        raise argparse.ArgumentTypeError(f"{text!r} is not a file name")
    return Path(text)


def _fraction(text: str) -> float:
    """A number from 0 to 1, for argparse (which words the refusal)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 <= value <= 1.0:  # NaN too
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 0 to 1")
    return value


def _describe(exc: Exception, args: argparse.Namespace) -> tuple[int, str, bool]:
    """The exit status and message for an error that reached the boundary, and whether
    it is an internal error (a bug) rather than one the user can act on."""
    import sqlite3

    import sqlalchemy as sa

    from curator.store import database_problem

    project = getattr(args, "project", None) or getattr(args, "source", None) or ""
    if isinstance(exc, DataError):
        return 1, str(exc), False
    if isinstance(exc, CuratorError):
        return 2, str(exc), False
    if isinstance(exc, (sa.exc.SQLAlchemyError, sqlite3.Error)):  # the export reads SQLite's driver directly
        return 2, database_problem(exc, str(project)), False
    if isinstance(exc, OSError):
        where = exc.filename or project
        return 2, f"{where}: {exc.strerror or exc}", False
    if isinstance(exc, MemoryError):
        return 2, "out of memory; nothing was changed by the step that failed", False
    if isinstance(exc, RecursionError):
        return 2, "the input is nested too deeply to read", False
    return 2, f"internal error ({type(exc).__name__}: {exc}); this is a bug in Curator", True


if __name__ == "__main__":
    sys.exit(main())
