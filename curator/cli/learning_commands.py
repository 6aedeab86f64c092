"""The command line's learning commands: ``curator learn`` (train the project's
recommender and say how well it does on the project's own annotations, or change its
settings) and the sources ``curator suggest`` takes besides the rules (``--learned``,
``--spans FILE``, ``--spacy PIPELINE``)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from curator.cli.progress import add_progress_option, shown_progress
from curator.domain.jobs import Job
from curator.domain.names import printable
from curator.errors import CuratorError, DuplicateError
from curator.session.project import acting_annotator, open_project

if TYPE_CHECKING:
    from curator.analysis.learning.evaluation import Evaluation
    from curator.store import Store


def add_parsers(commands: argparse._SubParsersAction) -> None:
    learn = commands.add_parser(
        "learn", help="train the project's recommender on its own annotations and report how well it does; "
                      "or change its settings")
    learn.add_argument("project")
    add_progress_option(learn)
    switch = learn.add_mutually_exclusive_group()
    switch.add_argument("--off", action="store_true", help="turn learning off: nothing trained or suggested by it")
    switch.add_argument("--on", action="store_true", help="turn learning on again")
    learn.add_argument("--threshold", action="append", default=[], metavar="[LABEL=]VALUE", type=_threshold,
                       help="the confidence a learned suggestion needs to be shown (all labels, or one)")
    learn.add_argument("--skip", action="append", default=[], metavar="LABEL", help="never learn nor suggest LABEL")
    learn.add_argument("--unskip", action="append", default=[], metavar="LABEL", help="learn LABEL again")
    learn.add_argument("--retrain-after-spans", type=_count, metavar="N",
                       help="the window retrains by itself after N spans added since the last training (0: never)")
    learn.add_argument("--retrain-after-documents", type=_count, metavar="N",
                       help="... or after N documents marked done since the last training (0: never)")
    learn.add_argument("--forget", action="store_true", help="delete the trained model from the project")
    learn.add_argument("--show", action="store_true", help="show the settings and the trained model; train nothing")
    learn.add_argument("--least-sure", type=int, metavar="N",
                       help="list the N documents still to do that the model is least sure of; train nothing")
    learn.add_argument("--annotator", help="whose documents still to do (--least-sure; default: your name)")
    learn.add_argument("--no-wait", action="store_true",
                       help="if another training of the project is running, say so and stop rather than wait for it")


def add_suggest_options(suggest: argparse.ArgumentParser) -> None:
    suggest.add_argument("--learned", action="store_true",
                         help="also suggest with the project's trained recommender ('curator learn' trains it)")
    suggest.add_argument("--spans", type=Path, metavar="FILE",
                         help="also suggest the spans of a JSONL file another tool wrote (its source named)")
    suggest.add_argument("--spacy", metavar="PIPELINE",
                         help="also suggest the entities of a spaCy pipeline (a saved folder or a package name)")
    suggest.add_argument("--map", action="append", default=[], metavar="THEIRS=OURS", type=label_mapping,
                         help="give a label of --spacy or --spans one of the project's (e.g. GPE=LOCATION)")


def wants_more(args: argparse.Namespace) -> bool:
    """Whether ``curator suggest`` was asked for a source besides the rules."""
    return bool(getattr(args, "learned", False) or getattr(args, "spans", None) or getattr(args, "spacy", None))


def _threshold(text: str) -> tuple[str | None, float]:
    label, _equals, value = text.rpartition("=")
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r}: the threshold must be a number from 0 to 1")
    return label or None, number


def _count(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: a whole number from 0 up is needed")
    return number


def label_mapping(text: str) -> tuple[str, str]:
    theirs, equals, ours = text.partition("=")
    if not equals or not theirs or not ours:
        raise argparse.ArgumentTypeError(f"{text!r} is not THEIRS=OURS")
    return theirs, ours


# -- curator learn --------------------------------------------------------------------------------


def cmd_learn(args: argparse.Namespace) -> int:
    from curator.analysis.learning.training import (
        RECOMMENDER,
        save_settings,
        settings_of,
        train_project,
    )

    with open_project(args.project) as store:
        settings = settings_of(store)
        changed = args.on or args.off or args.threshold or args.skip or args.unskip \
            or args.retrain_after_spans is not None or args.retrain_after_documents is not None
        if changed:
            labels = {label.name for label in store.label_schema.labels}
            for name in [*args.skip, *args.unskip, *(label for label, _v in args.threshold if label)]:
                if name not in labels:
                    raise CuratorError(f"{args.project}: no label {name!r} (the labels: {', '.join(sorted(labels))})")
            settings.enabled = settings.enabled and not args.off or args.on
            for label, value in args.threshold:
                if label is None:
                    settings.threshold = value
                else:
                    settings.thresholds[label] = value
            settings.labels_off = sorted((set(settings.labels_off) | set(args.skip)) - set(args.unskip))
            if args.retrain_after_spans is not None:
                settings.retrain_after_spans = args.retrain_after_spans
            if args.retrain_after_documents is not None:
                settings.retrain_after_documents = args.retrain_after_documents
            save_settings(store, settings)
        if args.forget:
            gone = store.delete_recommender(RECOMMENDER)
            print("The trained model was deleted from the project" if gone else "There was no trained model")
        if changed or args.show or args.forget:
            _say_settings(store)
            return 0
        if args.least_sure is not None:
            return _least_sure(store, args)
        with shown_progress(args.progress, quiet=_WaitingSaid) as job:
            report = train_project(store, job, wait=not args.no_wait)
        print(f"Trained on {report.documents} document(s) ({_layers(report.info)}) and "
              f"{sum(report.spans.values())} span(s) ({', '.join(f'{k} {v}' for k, v in sorted(report.spans.items()))})"
              f" in {report.seconds:.1f} s; the model is kept in the project")
        if report.evaluation is None:
            print("Too few documents to check it on the project's own annotations (two or more are needed)")
        else:
            print(format_evaluation(report.evaluation, settings))
        for uid, reason in report.skipped:
            print(f"skipped: {printable(uid)}: {printable(reason)}")
    return 1 if report.skipped else 0


def _layers(info: dict) -> str:
    layers = info.get("layers") or []
    gold = "gold" in layers
    others = [layer for layer in layers if layer != "gold"]
    parts = (["the gold layer"] if gold else []) + ([f"done by {', '.join(map(printable, others))}"] if others else [])
    return "; ".join(parts) or "no layer"


def format_evaluation(evaluation: Evaluation, settings) -> str:
    lines = [(f"Checked on the project's own annotations: models trained on half of the {evaluation.documents} "
             "documents, each scored on the other half (exact spans and labels):"),
             (f"{'label':<14} {'gold':>6} {'found':>6} {'precision':>9} {'recall':>7} {'F1':>6}   "
             f"{'shown at':>8} {'precision':>9} {'recall':>7}")]
    for label, every in evaluation.every.items():
        shown = evaluation.shown[label]
        threshold = "" if label == "all" else f"{settings.threshold_for(label):.2f}"
        lines.append(f"{printable(label)[:14]:<14} {every.gold:>6} {every.found:>6} {every.precision:>9.3f} "
                     f"{every.recall:>7.3f} {every.f1:>6.3f}   {threshold:>8} {shown.precision:>9.3f} "
                     f"{shown.recall:>7.3f}")
    return "\n".join(lines)


def _say_settings(store: Store) -> None:
    from curator.analysis.learning.training import RECOMMENDER, settings_of
    from curator.analysis.learning.training_data import learnable_labels

    settings = settings_of(store)
    print(f"Learning is {'on' if settings.enabled else 'off'}; default threshold {settings.threshold:.2f}"
          + "".join(f", {printable(k)} {v:.2f}" for k, v in sorted(settings.thresholds.items())))
    print(f"Labels learned: {', '.join(learnable_labels(store.label_schema, settings)) or 'none'}"
          + (f"; skipped: {', '.join(settings.labels_off)}" if settings.labels_off else ""))
    spans, documents = settings.retrain_after_spans, settings.retrain_after_documents
    print("The window retrains by itself after "
          + (" or ".join(part for part in (f"{spans} span(s) added" if spans else "",
                                           f"{documents} document(s) marked done" if documents else "") if part)
             + " since the last training" if spans or documents else "nothing: only when asked"))
    stored = store.recommender(RECOMMENDER, with_model=False)
    if stored is None:
        print("No trained model ('curator learn PROJECT' trains one)")
    else:
        info = stored.info
        print(f"Trained model of {info.get('trained', '?')}: {info.get('documents', '?')} document(s) "
              f"({_layers(info)}), labels {', '.join(info.get('labels') or [])}")


class _WaitingSaid(Job):
    """A training's job on the command line: silent, but for saying once that it waits
    for another training of the project (and how to stop waiting)."""

    def __init__(self) -> None:
        super().__init__()
        self._said = False

    def set_status(self, status: str) -> None:
        super().set_status(status)
        if status.startswith("Waiting") and not self._said:
            self._said = True
            print(f"{printable(status)} (Ctrl+C stops waiting; --no-wait does not wait)", file=sys.stderr, flush=True)


def _least_sure(store: Store, args: argparse.Namespace) -> int:
    from curator.analysis.learning.active_learning import least_sure

    annotator = acting_annotator(args.annotator)
    found = least_sure(store, annotator, max(1, args.least_sure))
    if not found:
        print("Nothing to list: no trained model, learning is off, or no document is left to do")
        return 0
    uids = store.uids()
    for doc_id, uncertainty in found:
        print(f"{printable(uids[doc_id])}\t{uncertainty:.4f}")
    return 0


# -- curator suggest with more sources ---------------------------------------------------------------


def cmd_suggest_more(args: argparse.Namespace) -> int:
    """``curator suggest`` with ``--learned``, ``--spans`` or ``--spacy``: the rules first,
    then each source asked for; a document that fails is reported and the others go on."""
    from curator.analysis.suggest import suggest_document
    from curator.session import Session
    from curator.session.suggestion_decisions import bulk_accept

    annotator = acting_annotator(args.annotator)
    failed: list[tuple[str, str]] = []
    with open_project(args.project) as store:
        session = Session(store, annotator)
        ids = _documents(store, args)
        uids = store.uids()
        counts: Counter[str] = Counter()
        for doc_id in ids:
            try:
                counts.update(s.label for s in suggest_document(store, doc_id, annotator))
            except CuratorError as exc:
                failed.append((uids.get(doc_id, str(doc_id)), str(exc)))
        print(f"rules: {_summary(counts)} in {len(ids)} document(s)")
        status = _more_sources(store, args, annotator, ids, failed)
        accepted = 0
        if args.accept:
            for doc_id in ids:
                batch = bulk_accept(store, doc_id, annotator)
                if batch is None:
                    continue
                try:
                    session.do(batch)
                except DuplicateError:  # another process accepted them meanwhile
                    continue
                accepted += len(batch.commands)
            print(f"{accepted} suggestion(s) accepted as annotations of {printable(repr(annotator))}")
    for uid, reason in failed:
        print(f"failed: {printable(uid)}: {printable(reason)}")
    return 1 if failed or status else 0


def _documents(store: Store, args: argparse.Namespace) -> list[int]:
    if args.doc:
        document = store.document_by_uid(args.doc)
        if document is None:
            raise CuratorError(f"{args.project}: no document with id {args.doc!r}")
        return [document.id]
    return store.document_ids()


def _more_sources(store: Store, args: argparse.Namespace, annotator: str, ids: list[int],
                  failed: list[tuple[str, str]]) -> int:
    from curator.analysis.learning.learned_suggestions import suggest_learned
    from curator.analysis.learning.preannotations import (
        suggest_from_jsonl,
        suggest_from_spacy,
    )

    problems = 0
    mapping = dict(args.map)
    if args.learned:
        report = suggest_learned(store, annotator, ids)
        failed += report.failed
        print(f"learned: {_summary(report.added)} in {report.documents} document(s)")
    for found in ([suggest_from_jsonl(store, args.spans, annotator)] if args.spans else []) + (
            [suggest_from_spacy(store, Path(args.spacy), annotator, mapping, ids)] if args.spacy else []):
        print(f"{printable(found.source)}: {_summary(found.added)} in {found.documents} document(s)")
        for problem in found.problems[:50]:
            print(f"skipped: {printable(str(problem))}")
        if len(found.problems) > 50:
            print(f"... and {len(found.problems) - 50} more skipped")
        problems += len(found.problems)
    return problems


def _summary(counts: Counter[str]) -> str:
    total = sum(counts.values())
    return f"{total} new suggestion(s)" + (f" ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})"
                                            if total else "")
