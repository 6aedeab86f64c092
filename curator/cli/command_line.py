"""The ``curator`` command: the same core calls the GUI makes, for scripts and CI."""

from __future__ import annotations

import argparse
import gc
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from curator.cli import analysis_commands, label_commands, learning_commands
from curator.cli.progress import PROGRESS_HELP, add_progress_option, shown_progress
from curator.cli.terminal import terminal_streams
from curator.domain.names import file_stem, printable
from curator.domain.templates import TEMPLATES
from curator.errors import CuratorError, DataError
from curator.formats import IMPORT_FORMATS
from curator.session.exporting import FORMAT_NAMES, LAYER_HELP
from curator.session.project import (
    acting_annotator,
    create_sample_project,
    known_layer,
    open_project,
)
from curator.store.user_settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="curator",
        description="Curate annotated news-text datasets. With no command, opens the GUI on the sample project.",
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error")
    parser.add_argument("--progress", action="store_true", help=PROGRESS_HELP)
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

    imp = commands.add_parser("import", help="import articles (.txt .md .html .json .jsonl .csv .xlsx, or folders) "
                                             "and other tools' annotated files")
    imp.add_argument("project")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--format", choices=IMPORT_FORMATS,
                     help="read annotated files of this tool (detected when not given)")
    imp.add_argument("--add-labels", action="store_true",
                     help="add the labels the files use and the project lacks (kinds guessed from their names), "
                          "then import their spans too")
    imp.add_argument("--gold", action="store_true",
                     help="take the files' spans of the reviewed (gold) layer into gold (skipped without this)")
    imp.add_argument("--annotator", action="append", default=[], type=_annotator_choice, metavar="NAME|THEIRS=OURS",
                     help="whose work every annotated file named is (each a file of one annotator; CoNLL and a "
                          "bare doccano file name nobody); or, again for each, the name a file's annotator gets "
                          "here (e.g. 3=ana: Label Studio names its users by number)")
    imp.add_argument("--map", action="append", default=[], metavar="THEIRS=OURS", type=learning_commands.label_mapping,
                     help="take the files' spans of a label as the project's label (e.g. GPE=LOCATION); again "
                          "for each label")
    imp.add_argument("--verbose", action="store_true", help="list every skipped record, not a summary of them")
    add_progress_option(imp)

    exp = commands.add_parser("export", help="validate and export the dataset")
    exp.add_argument("project")
    exp.add_argument("--format", choices=FORMAT_NAMES, help="default: from the output file's suffix")
    exp.add_argument("-o", "--output", required=True, type=_output_file)
    exp.add_argument("--clean", action="store_true",
                     help="refuse while disagreements or duplicates are undecided; leave out duplicates not kept")
    exp.add_argument("--layer", "--annotator", dest="layer", help=LAYER_HELP)
    exp.add_argument("--verbose", action="store_true", help="list every warning, not a summary of them")
    add_progress_option(exp)

    val = commands.add_parser("validate", help="check the project's data; exit 1 if there are errors")
    val.add_argument("project")
    val.add_argument("--annotator", help="check only this annotator's layer")

    sug = commands.add_parser("suggest", help="pre-annotate figures, dates and known entities")
    sug.add_argument("project")
    sug.add_argument("--doc", help="only this document (its id)")
    sug.add_argument("--annotator", help="whose suggestion layer (default: your annotator name)")
    sug.add_argument("--accept", action="store_true", help="store every suggestion as an annotation")
    sug.add_argument("--relations", action="store_true",
                     help="also propose relations the text makes plain between the annotator's spans "
                          "(according to X, X said, between A and B); with --accept, store them too")
    learning_commands.add_suggest_options(sug)
    add_progress_option(sug)

    agr = commands.add_parser("agreement", help="inter-annotator agreement figures")
    agr.add_argument("project")
    agr.add_argument("--json", action="store_true", help="print the full report as JSON")

    dup = commands.add_parser("duplicates", help="near-duplicate articles, entity variants and facts")
    dup.add_argument("project")
    dup.add_argument("--json", action="store_true", help="print everything as JSON")
    dup.add_argument("--threshold", type=_fraction, default=0.5,
                     help="document similarity threshold, from 0 to 1 (default 0.5)")
    add_progress_option(dup)

    layer = commands.add_parser("layer", help="export or import an annotator's layer file")
    layer_commands = layer.add_subparsers(dest="layer_command", metavar="ACTION", required=True)
    layer_export = layer_commands.add_parser("export", help="write annotations/<name>.json")
    layer_export.add_argument("project")
    layer_export.add_argument("annotator")
    layer_export.add_argument("-o", "--output", type=_output_file, help="default: annotations/<annotator>.json")
    layer_import = layer_commands.add_parser("import", help="import annotator layer files")
    layer_import.add_argument("project")
    layer_import.add_argument("files", nargs="+", type=Path)
    layer_import.add_argument("--gold", action="store_true",
                              help="a file of the reviewed (gold) layer: import it into gold (refused without this)")

    copy = commands.add_parser("copy", help="copy a project to a new database (SQLite <-> PostgreSQL)")
    copy.add_argument("source")
    copy.add_argument("target")
    backup = commands.add_parser("backup", help="a consistent copy of a project, safe while it is in use")
    backup.add_argument("project")
    backup.add_argument("output")

    label_commands.add_parsers(commands)
    learning_commands.add_parsers(commands)

    for name, what in (("undo", "undo your last edit (made here or in the window)"),
                       ("redo", "redo your last undone edit"), ("history", "list your latest edits")):
        step = commands.add_parser(name, help=what)
        step.add_argument("project")
        step.add_argument("--annotator", help="whose edits (default: your annotator name)")

    commands.add_parser("whoami", help="print the annotator name used for edits")
    iam = commands.add_parser("iam", help="set the annotator name used for edits")
    iam.add_argument("name")
    return parser


format_agreement = analysis_commands.format_agreement  # (where it always was)


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


def _label_map(store: Any, pairs: list[tuple[str, str]]) -> dict[str, str]:
    """``--map``'s pairs, each naming a label of the project; a file's label named twice is refused."""
    from curator.formats.schema_files import guessed_kind

    labels: dict[str, str] = {}
    for theirs, ours in pairs:
        if ours not in store.label_schema:
            raise CuratorError(f"--map {printable(theirs)}={printable(ours)}: the project has no label "
                               f"{printable(ours)} (curator labels PROJECT lists them)")
        if labels.setdefault(theirs, ours) != ours:
            raise CuratorError(f"--map names {printable(theirs)} twice: {printable(labels[theirs])} and "
                               f"{printable(ours)}")
        kind, our_kind = guessed_kind(theirs), store.label_schema.get(ours).kind
        if kind.value != "plain" and kind is not our_kind:  # GPE=DATE: its spans get no value, or a wrong one
            said = {"entity": "entities", "figure": "figures", "date": "dates", "plain": "plain spans"}
            _err(f"warning: --map {printable(theirs)}={printable(ours)}: {printable(theirs)} usually marks "
                 f"{said[kind.value]}, {printable(ours)} marks {said[our_kind.value]}")
    return labels


def _map_hint(store: Any, missing: dict[str, int]) -> str:
    """How ``--map`` takes the missing labels that are conventionally one of the project's."""
    from curator.formats.schema_files import equivalent_label

    names = [label.name for label in store.label_schema.labels]
    pairs = [f"--map {printable(name)}={equivalent}" for name in sorted(missing)
             if (equivalent := equivalent_label(name, names)) is not None]
    return f"; {' '.join(pairs)} takes them as the project's" if pairs else ""


def _cmd_import(args: argparse.Namespace) -> int:
    from curator.session import Session
    from curator.session.importing import import_paths

    annotator = _annotator_of(args.annotator)
    with open_project(args.project) as store:
        labels = _label_map(store, args.map)
        session = Session(store, Settings().annotator)  # an import is one undo of its user's (curator undo)
        with shown_progress(args.progress) as job:
            report = import_paths(session, args.files, job, fmt=args.format, into_gold=args.gold,
                                  annotator=annotator, labels=labels)
        missing = report.missing_labels
        if (missing or report.missing_relation_labels) and args.add_labels:
            from curator.session.label_edits import (
                add_found_labels,
                add_found_relation_labels,
                unusable_labels,
            )

            unusable = unusable_labels(list(missing))
            if unusable:
                _err("labels that cannot be a project's, their spans skipped: " + "; ".join(
                    f"{printable(name)} ({missing[name]:,}): {printable(why)}" for name, why in unusable.items())
                     + "; rename them in the file")
            for command in (add_found_labels(store, list(missing)),
                            add_found_relation_labels(store, list(report.missing_relation_labels))):
                if command is not None:
                    session.do(command)
                    print(command.text)
            with shown_progress(args.progress) as job:  # their spans, now the project has the labels
                again = import_paths(session, args.files, job, fmt=args.format, annotated_only=not args.format,
                                     into_gold=args.gold, annotator=annotator, labels=labels)
            again.added, again.already_present = report.added + again.added, report.already_present
            again.spans_added += report.spans_added
            again.files_skipped += report.files_skipped
            for name, count in report.layers.items():
                again.layers[name] = again.layers.get(name, 0) + count
            again.categories_added += report.categories_added
            again.relations_added += report.relations_added
            report = again
        elif missing or report.missing_relation_labels:
            said = ["labels the project lacks, their spans skipped: " + ", ".join(
                f"{printable(name)} ({count:,})" for name, count in sorted(missing.items()))] if missing else []
            said += ["relation labels the project lacks, their relations skipped: " + ", ".join(
                f"{printable(name)} ({count:,})" for name, count in sorted(report.missing_relation_labels.items()))
                ] if report.missing_relation_labels else []
            _err("; ".join(said) + "; --add-labels adds them (or: curator labels PROJECT add NAME"
                 + (", or relation NAME)" if report.missing_relation_labels else ")") + _map_hint(store, missing))
    print(report.summary())  # one line for everything read, articles and annotated files alike
    _say_warnings(report.warnings, args.verbose, "warning: ", _reason, "--verbose lists them")
    _say_warnings(report.problems, args.verbose, message=_reason, where="--verbose lists them", noun="problem(s)")
    return 1 if report.problems else 0


def _reason(problem: Any) -> str:
    return getattr(problem, "reason", str(problem))


def _cmd_export(args: argparse.Namespace) -> int:
    # Each command imports what only it needs: the others start faster.
    from curator.session.exporting import export

    with open_project(args.project) as store:
        with shown_progress(args.progress) as job:
            job.set_status(f"Exporting to {args.output.name}")
            report = export(store, args.output, args.format, args.layer, job=job, clean=args.clean)
    held = ", ".join(f"{printable(name)} {count:,}" for name, count in sorted(report.spans_per_layer.items()))
    what = ("every layer" if report.layer is None
            else f"layer {printable(repr(report.layer))} ({report.spans_per_layer.get(report.layer, 0):,} spans)")
    print(f"Exported {what}{' (the default)' if report.chosen_for_you else ''}; spans per layer: {held or 'none'}")
    if report.left_out:
        _err(f"warning: {report.left_out} (--layer all exports every layer)")
    if report.thin_gold:
        _err(f"warning: {report.thin_gold}")
    _say_warnings(report.warnings, args.verbose)
    print(f"Exported to {printable(str(args.output), keep='')}" + (
        f", and the labeling config a Label Studio project shows it with to {printable(str(report.config), keep='')}"
        if report.config else ""))
    return 0


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
        annotator = None if args.annotator is None else known_layer(store, args.annotator, "--annotator")
        problems = validate_project(store, annotator)
    for problem in problems:
        print(problem, file=sys.stderr)
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    print(f"{errors} error(s), {len(problems) - errors} warning(s)")
    return 1 if errors else 0


def _cmd_layer(args: argparse.Namespace) -> int:
    from curator.formats.layer_files import export_layer
    from curator.session import Session
    from curator.session.importing import import_layer_file

    with open_project(args.project) as store:
        if args.layer_command == "export":
            annotator = known_layer(store, args.annotator)
            # The name chooses nothing about where the file goes but a safe file name.
            target = args.output or Path("annotations") / f"{file_stem(annotator)}.json"
            if args.output is None:
                target.parent.mkdir(exist_ok=True)  # the default folder, the one folder Curator makes
            count = export_layer(store, annotator, target)
            print(f"Wrote {printable(annotator)}'s layer ({count} document(s)) to {printable(str(target))}")
            return 0
        failed = False
        session = Session(store, Settings().annotator)  # each file one undo of its user's, as an import is
        for path in args.files:
            report = import_layer_file(session, path, into_gold=args.gold)
            print(report.summary())
            for problem in report.problems:
                _err(problem)
            failed = failed or bool(report.problems)
        return 1 if failed else 0


# The commands that open no project (the window opens one: it starts with the store too).
_NO_PROJECT = {"init", "whoami", "iam"}
_WHOLE_PROCESS = False  # whether the command is the process's (``process_main``), not a caller's call


def _load_the_store() -> None:
    """Import the store's modules (SQLAlchemy, pydantic and the domain's models, most of a
    command's start) with the cyclic garbage collector paused, then freeze them out of
    its reach: they live as long as the process, yet loading them set off a hundred
    collections that scanned them again and again (50-70 ms of every command's start)."""
    if not _WHOLE_PROCESS or "curator.store.store" in sys.modules:
        return  # (a test's ``main`` shares its process: what is frozen there stays for good)
    enabled = gc.isenabled()
    gc.disable()
    try:
        import curator.store.store  # noqa: F401
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _dispatch(args: argparse.Namespace, gui: GuiRunner) -> int:
    if args.command not in _NO_PROJECT:
        _load_the_store()
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
        "suggest": analysis_commands.cmd_suggest,
        "agreement": analysis_commands.cmd_agreement,
        "layer": _cmd_layer,
        "duplicates": analysis_commands.cmd_duplicates,
        "labels": label_commands.cmd_labels,
        "categories": label_commands.cmd_categories,
        "schema": label_commands.cmd_schema,
        "measures": label_commands.cmd_measures,
        "facts": label_commands.cmd_facts,
        "learn": learning_commands.cmd_learn,
    }
    return handlers[args.command](args)


def main(argv: Sequence[str] | None = None, gui: GuiRunner = _no_gui) -> int:
    """Run one command. ``gui`` opens the window; the core cannot import it (it is Qt).

    The one error boundary of the command line: every error becomes a message on
    standard error and an exit status (1: the data has problems; 2: the command could
    not run; 130: interrupted), never a traceback unless ``--debug`` asks for one."""
    with terminal_streams():  # every message escaped, encodable and without passwords
        return _main(argv, gui)


def _main(argv: Sequence[str] | None, gui: GuiRunner) -> int:
    args = _parser().parse_args(argv)
    debug = args.debug or bool(os.environ.get("CURATOR_DEBUG"))
    try:
        status = _dispatch_showing_migrations(args, gui)
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


def _dispatch_showing_migrations(args: argparse.Namespace, gui: GuiRunner) -> int:
    """``_dispatch``; a project it opens that must first be brought up to date shows how
    far that is on standard error, as long work does (``--progress``)."""
    from curator.cli.progress import migrations_shown_on_stderr

    with migrations_shown_on_stderr(args.progress):
        return _dispatch(args, gui)


def process_main(argv: Sequence[str] | None = None, gui: GuiRunner = _no_gui) -> int:
    """``main`` as the ``curator`` process runs it, the process ending when it returns.

    What the command loaded and left behind (modules, caches, a report's rows) is then
    frozen out of the cyclic garbage collector, so the interpreter's final collection
    skips it: a pass over the whole heap that would free nothing the operating system
    does not free anyway (30-60 ms after a JSON export of 20,000 documents). By then every
    command has closed what it opened: projects, files, worker processes.

    Pydantic's plugins are not looked for: finding them reads the metadata of every
    installed distribution (about 40 ms of every command that opens a project, on a
    machine with a few hundred), and Curator uses none. This is the process's choice,
    not the library's (``import curator`` leaves it alone); setting
    ``PYDANTIC_DISABLE_PLUGINS`` to anything, even empty, decides instead."""
    global _WHOLE_PROCESS
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _WHOLE_PROCESS = True
    status = main(argv, gui)
    gc.freeze()
    return status


def _output_file(text: str) -> Path:
    """An output file's path, for argparse: one that ends with a separator names a folder,
    which ``Path`` would forget (and ``x.json/`` would replace the file ``x.json``)."""
    if not text or text.endswith(("/", os.sep)):
        raise argparse.ArgumentTypeError(f"{text!r} is not a file name")
    return Path(text)


def _annotator_choice(text: str) -> str | tuple[str, str]:
    """``--annotator``'s name, or a file's annotator and the name they get here (THEIRS=OURS),
    for argparse (which words the refusal)."""
    from curator.domain.names import check_annotator

    theirs, equals, ours = text.rpartition("=")
    try:
        if equals and theirs:
            return theirs, check_annotator(ours, "--annotator")
        return check_annotator(text, "--annotator")
    except CuratorError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--annotator: ")) from exc


def _annotator_of(given: list[str | tuple[str, str]]) -> str | dict[str, str] | None:
    """Whose work the files are (``take_as``): one name for every file, or each file
    annotator's name here."""
    names = [item for item in given if isinstance(item, str)]
    pairs = dict(item for item in given if isinstance(item, tuple))
    if len(names) > 1 or (names and pairs):
        raise CuratorError("--annotator names the one annotator of the files, or maps each of theirs (THEIRS=OURS), "
                           "not both")
    return names[0] if names else pairs or None


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
