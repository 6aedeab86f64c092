"""The command line's label commands: ``curator labels``, ``curator categories`` and
``curator schema``. Every change is a session command: ``curator undo`` takes it back."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from curator.domain.names import printable
from curator.domain.templates import LabelKind
from curator.errors import CuratorError, DataError
from curator.session.project import acting_annotator, open_project

if TYPE_CHECKING:
    from curator.domain.schema import Choice


ANNOTATOR_HELP = "whose history the change goes into (default: your name)"


def _editing(commands: argparse._SubParsersAction, name: str, what: str) -> argparse._SubParsersAction:
    """A command on a project whose actions are undoable edits: ``<name> PROJECT
    [--annotator NAME] ACTION``, the action in ``<name>_command``."""
    parser = commands.add_parser(name, help=what)
    parser.add_argument("project")
    parser.add_argument("--annotator", help=ANNOTATOR_HELP)
    return parser.add_subparsers(dest=f"{name}_command", metavar="ACTION")


def add_parsers(commands: argparse._SubParsersAction) -> None:
    actions = _editing(commands, "labels", "list and edit the project's span labels (each change undoable)")
    actions.add_parser("list", help="the labels with their keys, kinds, colours, spans and guidelines")
    add = actions.add_parser("add", help="add a label")
    add.add_argument("name")
    add.add_argument("--kind", choices=[k.value for k in LabelKind], default="plain")
    add.add_argument("--color", default="#d9d9d9", help="#rrggbb")
    add.add_argument("--description", default="", help="the annotation guideline")
    add.add_argument("--position", type=int, help="1 = first (the number keys follow the order)")
    edit = actions.add_parser("edit", help="recolour, describe or change the kind of a label")
    edit.add_argument("name")
    edit.add_argument("--kind", choices=[k.value for k in LabelKind])
    edit.add_argument("--color")
    edit.add_argument("--description")
    move = actions.add_parser("move", help="put a label at a position (1 = first)")
    move.add_argument("name")
    move.add_argument("position", type=int)
    rename = actions.add_parser("rename", help="rename a label; every span follows")
    rename.add_argument("old")
    rename.add_argument("new")
    merge = actions.add_parser("merge", help="merge a label into another of its kind; its spans follow")
    merge.add_argument("source")
    merge.add_argument("target")
    remove = actions.add_parser("remove", help="delete a label (in use: --move-to LABEL or --delete-spans)")
    remove.add_argument("name")
    choice = remove.add_mutually_exclusive_group()
    choice.add_argument("--move-to", help="give its spans this label")
    choice.add_argument("--delete-spans", action="store_true", help="delete its spans with it")
    relation = actions.add_parser("relation", help="add or change a relation label (a link between two spans)")
    relation.add_argument("name")
    relation.add_argument("--from", dest="source", default="",
                          help="span labels or kinds allowed at its start, comma-separated (default: any)")
    relation.add_argument("--to", dest="target", default="",
                          help="span labels or kinds allowed at its end, comma-separated (default: any)")
    relation.add_argument("--undirected", action="store_true", help="its two ends are alike (between A and B)")
    relation.add_argument("--color", default="#636363", help="#rrggbb")
    relation.add_argument("--key", help="the letter that makes it in the window")
    relation.add_argument("--description", default="", help="the annotation guideline")
    unrelate = actions.add_parser("remove-relation", help="delete a relation label (none of its relations left)")
    unrelate.add_argument("name")

    sets = _editing(commands, "categories", "list and edit the document category sets")
    sets.add_parser("list", help="the category sets and their choices")
    add_set = sets.add_parser("add", help="add (or replace) a category set: choices as NAME or NAME:KEY")
    add_set.add_argument("name")
    add_set.add_argument("choices", nargs="+")
    add_set.add_argument("--multiple", action="store_true", help="a document may take several choices")
    add_set.add_argument("--description", default="")
    drop_set = sets.add_parser("remove", help="delete a category set")
    drop_set.add_argument("name")

    measures = commands.add_parser("measures", help="list or edit the measures facts are grouped by")
    measures.add_argument("project")
    measure_actions = measures.add_subparsers(dest="measures_command", metavar="ACTION")
    measure_actions.add_parser("list", help="each measure with the words that name it")
    add_measure = measure_actions.add_parser("add", help="add (or replace) a measure and the words that name it")
    add_measure.add_argument("name")
    add_measure.add_argument("words", nargs="+", help="e.g. 'foreign direct investment' fdi")
    drop_measure = measure_actions.add_parser("remove", help="stop grouping facts by a measure")
    drop_measure.add_argument("name")

    facts = commands.add_parser("facts", help="the facts across sources: each with its status, the proposed value "
                                              "and every figure's source, weight, why and attribution")
    facts.add_argument("project")
    facts.add_argument("--json", action="store_true", help="print them as JSON")

    schema = commands.add_parser("schema", help="labels and categories as a file; with no action, the JSON "
                                                "Schema of the JSON export")
    files = schema.add_subparsers(dest="schema_command", metavar="ACTION")
    export = files.add_parser("export", help="write the project's labels and categories to a schema file")
    export.add_argument("project")
    export.add_argument("file", type=Path)
    imported = files.add_parser("import", help="take labels and categories from a schema file, a Label Studio "
                                               "labeling config (XML) or a doccano label export")
    imported.add_argument("project")
    imported.add_argument("file", type=Path)
    imported.add_argument("--replace", action="store_true",
                          help="the file's schema replaces the project's (default: add what the project lacks)")
    imported.add_argument("--annotator", help=ANNOTATOR_HELP)
    files.add_parser("json-schema", help="print the JSON Schema of the schema file")
    files.add_parser("dataset", help="print the JSON Schema of the JSON export")


def _session(store, args):
    from curator.session import Session

    return Session(store, acting_annotator(getattr(args, "annotator", None)))


def _do(store, args, command) -> int:
    _session(store, args).do(command)
    print(f"{printable(command.text)} (undo: curator undo {printable(str(args.project))})")
    return 0


def cmd_labels(args: argparse.Namespace) -> int:
    from curator.domain.schema import Label
    from curator.session import label_edits as edit

    with open_project(args.project) as store:
        action = args.labels_command or "list"
        if action == "list":
            counts = store.label_counts()
            schema = store.label_schema
            for label in schema.labels:
                print(f"{schema.key_of(label.name) or '-':>2}  {label.name:<16}{label.kind.value:<8}{label.color}  "
                      f"{counts.get(label.name, 0):>7,} span(s)  {printable(label.description)}")
            unknown = sorted(set(counts) - set(schema.names))
            if unknown:
                print(f"spans with labels the schema lacks: {', '.join(map(printable, unknown))}")
            print(f"{len(schema.labels)} label(s)")
            from curator.session.importing import taken_labels

            taken = taken_labels(store)  # (what an import took another tool's labels as, remembered)
            if taken:
                print("other tools' labels an import takes as the project's: " + ", ".join(
                    f"{printable(name)} as {printable(ours)}" for name, ours in sorted(taken.items()))
                    + " (curator import --map NAME=LABEL changes one)")
            relation_counts = store.relation_counts()
            for kind in schema.relations:
                arrow = "->" if kind.directed else "<->"
                print(f"{kind.key or '-':>2}  {kind.name:<16}{'/'.join(kind.source) or 'any'} {arrow} "
                      f"{'/'.join(kind.target) or 'any'}  {kind.color}  {relation_counts.get(kind.name, 0):>7,} "
                      f"relation(s)  {printable(kind.description)}")
            if schema.relations:
                print(f"{len(schema.relations)} relation label(s)")
            return 0
        if action == "relation":
            from curator.domain.schema import RelationLabel

            try:
                kind = RelationLabel(name=args.name, directed=not args.undirected, color=args.color, key=args.key,
                                     description=args.description, source=_names(args.source),
                                     target=_names(args.target))
            except ValueError as exc:
                raise DataError(f"relation label {printable(args.name)!r}: {edit.reason(exc)}") from exc
            return _do(store, args, edit.set_relation_label(store, kind))
        if action == "remove-relation":
            return _do(store, args, edit.remove_relation_label(store, args.name))
        if action == "add":
            try:
                label = Label(name=args.name, kind=args.kind, color=args.color, description=args.description)
            except ValueError as exc:
                raise DataError(f"label {printable(args.name)!r}: {edit.reason(exc)}") from exc
            position = args.position - 1 if args.position else None
            return _do(store, args, edit.add_label(store, label, position))
        if action == "edit":
            changes = {k: v for k, v in (("kind", args.kind), ("color", args.color),
                                         ("description", args.description)) if v is not None}
            if not changes:
                raise CuratorError("nothing to change: give --kind, --color or --description")
            return _do(store, args, edit.edit_label(store, args.name, **changes))
        if action == "move":
            return _do(store, args, edit.move_label_to(store, args.name, args.position - 1))
        if action == "rename":
            return _do(store, args, edit.rename_label(store, args.old, args.new))
        if action == "merge":
            return _do(store, args, edit.merge_labels(store, args.source, args.target))
        in_use = store.label_counts().get(args.name, 0)
        if in_use and not (args.move_to or args.delete_spans):
            raise DataError(f"label {printable(args.name)} has {in_use:,} span(s): --move-to LABEL gives them "
                            "another label, --delete-spans deletes them with it")
        return _do(store, args, edit.remove_label(store, args.name, args.move_to))


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _choice(text: str) -> Choice:
    from curator.domain.schema import Choice, choice_from_text

    return Choice(**(choice_from_text(text) or {"name": text}))


def cmd_categories(args: argparse.Namespace) -> int:
    from curator.domain.schema import CategorySet
    from curator.session import label_edits as edit

    with open_project(args.project) as store:
        action = args.categories_command or "list"
        if action == "list":
            for category in store.label_schema.categories:
                choices = ", ".join(f"{c.name}" + (f" [{c.key}]" if c.key else "") for c in category.choices)
                print(f"{category.name} ({'several' if category.multiple else 'one'}): {printable(choices)}")
            print(f"{len(store.label_schema.categories)} category set(s)")
            return 0
        if action == "add":
            try:
                category = CategorySet(name=args.name, multiple=args.multiple, description=args.description,
                                       choices=[_choice(text) for text in args.choices])
            except ValueError as exc:
                raise DataError(f"category set {printable(args.name)!r}: {edit.reason(exc)}") from exc
            return _do(store, args, edit.set_category(store, category))
        return _do(store, args, edit.remove_category(store, args.name))


def cmd_measures(args: argparse.Namespace) -> int:
    from curator.analysis.facts import measures_with, project_measures
    from curator.session.commands import SetMeasures

    with open_project(args.project) as store:
        measures = project_measures(store)
        action = args.measures_command or "list"
        try:
            if action == "add":
                changed = measures_with(measures, args.name, args.words)
            elif action == "remove":
                if args.name.strip().lower() not in measures:
                    raise DataError(f"no measure {printable(args.name)!r}")
                changed = {name: list(words) for name, words in measures.items() if name != args.name.strip().lower()}
        except CuratorError as exc:
            raise DataError(str(exc)) from exc
        if action != "list":
            _do(store, args, SetMeasures(changed))  # undoable; an open window follows it
            measures = project_measures(store)
        for name, words in measures.items():
            print(f"{printable(name)}: {printable(', '.join(words))}")
        print(f"{len(measures)} measure(s)")
        return 0


def cmd_facts(args: argparse.Namespace) -> int:
    """The facts as the window's Facts view lists them: each with its status, the value
    proposed from the sources' weights, and each figure's source, weight, why and
    attribution."""
    from curator.analysis.fact_report import fact_report, report_json

    with open_project(args.project) as store:
        facts = report_json(fact_report(store))
    if args.json:
        print(json.dumps({"facts": facts}, indent=1))
        return 0
    for line in fact_lines(facts):
        print(line)
    return 0


def fact_lines(facts: list[dict]) -> list[str]:
    """The facts of ``report_json`` as lines for a terminal."""
    lines = [f"Facts: {len(facts)}, {sum(1 for f in facts if f['status'] == 'recorded')} recorded"]
    for fact in facts:
        status = {"recorded": "recorded", "conflict": "CONFLICT"}.get(fact["status"], fact["status"])
        if fact["recorded"]:
            status = f"recorded: {_amount(fact['recorded']['accepted_amount'])} {fact['unit'] or ''}".rstrip()
        proposed = "; ".join((f"{p['attribution']}: " if p["attribution"] else "") + _amount(p["value"])
                             for p in fact["proposed"]) or "none"
        lines.append(f"  {printable(fact['measure'])} {fact['period']}: {status}; proposed {proposed}; "
                     f"spread {fact['spread']:.1%}")
        for m in fact["mentions"]:
            said = f", according to {printable(m['attribution'])}" if m["attribution"] else ""
            weight = "-" if m["weight"] is None else f"{m['weight']:.2f}"
            lines.append(f"    {printable(m['text'])}  {printable(m['source'] or m['document'])}{said}  "
                         f"(weight {weight}: {printable(m['why'] or 'no vote')})  "
                         f"{printable(m['title'] or m['document'])}")
    return lines


def _amount(value: str | None) -> str:
    from curator.analysis.fact_report import amount_text

    return amount_text(value) if value else "no value"


def cmd_schema(args: argparse.Namespace) -> int:
    from curator.formats import schema_files

    action = args.schema_command or "dataset"
    if action == "dataset":
        from curator.formats.export import dataset_schema

        print(json.dumps(dataset_schema(), indent=1))
        return 0
    if action == "json-schema":
        print(json.dumps(schema_files.json_schema(), indent=1))
        return 0
    with open_project(args.project) as store:
        if action == "export":
            schema_files.write_schema(store.label_schema, args.file)
            print(f"Wrote {len(store.label_schema.labels)} label(s) and {len(store.label_schema.categories)} "
                  f"category set(s) to {args.file}")
            return 0
        from curator.session import label_edits as edit

        schema, what = schema_files.read_schema(args.file)
        if what == "Label Studio labeling config":  # its text field, for the tasks imported later
            from curator.formats.labelstudio_config import remember_config_file

            print(f"{args.file}: {remember_config_file(store, Path(args.file), Path(args.file).read_text('utf-8'))}")
        command = edit.replace_schema(store, schema) if args.replace else edit.adopt_schema(store, schema)
        if command is None:
            print(f"{args.file} ({what}): the project has every label and category set in it already")
            return 0
        print(f"{args.file}: {what}")
        return _do(store, args, command)
