"""The commands that work something out over the whole project: ``curator suggest``,
``curator agreement`` and ``curator duplicates``. Each runs a batch over the documents,
reports a document it fails on by name and goes on with the others."""

from __future__ import annotations

import argparse
import sys

from curator.cli.progress import shown_progress
from curator.domain.names import printable
from curator.errors import CuratorError, DuplicateError
from curator.session.project import acting_annotator, open_project


def _err(message: object) -> None:
    print(f"curator: {printable(str(message))}", file=sys.stderr)


def cmd_suggest(args: argparse.Namespace) -> int:
    from collections import Counter

    from curator.analysis.suggest import suggest_project
    from curator.cli import learning_commands
    from curator.session import Session
    from curator.session.suggestion_decisions import bulk_accept

    if learning_commands.wants_more(args):
        return learning_commands.cmd_suggest_more(args)
    annotator = acting_annotator(args.annotator)
    with open_project(args.project) as store:
        session = Session(store, annotator)
        # The whole run is one undoable step, each document's accepted batch committed as a part of it.
        step = session.one_step("Accept suggestions")
        if args.doc:
            document = store.document_by_uid(args.doc)
            if document is None:
                raise CuratorError(f"{args.project}: no document with id {args.doc!r}")
            ids = [document.id]
        else:
            ids = store.document_ids()
        counts: Counter[str] = Counter()
        accepted = raced = 0

        def accept(doc_id: int) -> None:
            nonlocal accepted, raced
            batch = bulk_accept(store, doc_id, annotator)
            if batch is None:
                return
            try:
                step.do(batch)
            except DuplicateError:  # another process accepted them meanwhile; the store kept one copy
                raced += 1
                return
            accepted += len(batch.commands)

        related = linked = 0
        with step, shown_progress(args.progress) as job:
            job.set_status("Suggesting")
            suggest_project(store, annotator, job, ids, accept if args.accept else None, counts)
            if getattr(args, "relations", False):
                from curator.analysis.relation_suggest import (
                    suggest_relations_everywhere,
                )
                from curator.session.relation_decisions import accept_all_relations

                related = suggest_relations_everywhere(store, annotator, job, ids)
                for doc_id in ids if args.accept else []:
                    batch = accept_all_relations(store, doc_id, annotator)
                    if batch is not None:
                        step.do(batch)
                        linked += len(batch.commands)
            step.relabel(f"Accept {accepted:,} suggestion(s)" + (f" and {linked:,} relation(s)" if linked else "")
                         + f" in {step.parts:,} document(s)")
    summary = ", ".join(f"{label} {n}" for label, n in sorted(counts.items())) or "none"
    print(f"{sum(counts.values())} new suggestion(s) in {len(ids) - job.failed} document(s): {summary}")
    if getattr(args, "relations", False):
        print(f"{related} new relation suggestion(s)" + (f", {linked} accepted" if args.accept else ""))
    if args.accept:
        print(f"{accepted} suggestion(s) accepted as annotations of {printable(repr(annotator))}")
        if raced:
            print(f"{raced} document(s) left as they were: their suggestions were accepted by another "
                  "process at the same time")
    return say_failures(job)


def say_failures(job) -> int:
    """The documents a batch could not do, each by name with the reason; exit status 1
    if there were any (the others were done)."""
    for failure in job.failures[:50]:
        _err(f"error: {failure}")
    if job.failed > 50:
        _err(f"error: ... and {job.failed - 50:,} more document(s) failed the same way or another")
    if job.failed:
        _err(f"{job.failed:,} document(s) could not be done; the others were")
    return 1 if job.failed else 0


def cmd_agreement(args: argparse.Namespace) -> int:
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
    from curator.analysis.agreement import figure_text

    def num(value) -> str:
        return f"{figure_text(value, '-'):>6}"

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
    if report.relations:
        lines += ["", "Relations (F1: both ends and label match; kappa: over the span pairs both marked)",
                  f"{'relation label':<20}{'relations':>10}{'matched':>9}{'F1':>8}{'kappa':>8}"]
        for row in [*report.relations["labels"], {**report.relations["overall"], "label": "all"}]:
            lines.append(f"{name(row['label']):<20}{row['relations']:>10}{row['matched']:>9}{num(row['f1']):>8}"
                         f"{num(row['kappa']):>8}")
    return "\n".join(lines)


def cmd_duplicates(args: argparse.Namespace) -> int:
    import json

    from curator.analysis.duplicates import duplicate_report
    from curator.cli.label_commands import fact_lines

    with open_project(args.project) as store, shown_progress(args.progress) as job:
        report = duplicate_report(store, args.threshold, job)
    if args.json:
        print(json.dumps(report, indent=1, default=str))
        return say_failures(job)
    docs, entities, facts = report["documents"], report["entities"], report["facts"]
    print(f"Documents: {len(docs)} near-duplicate pair(s), {sum(1 for d in docs if not d['decision'])} open")
    for pair in docs:
        print(f"  {pair['similarity']:.2f}  {pair['a']}  ~  {pair['b']}  {pair['decision'] or 'open'}")
    print(f"Entities: {len(entities)} candidate merge(s)")
    for candidate in entities:
        print(f"  {candidate['score']:5.1f}  {candidate['a']} / {candidate['b']}  ({candidate['reason']}: "
              f"{candidate['names'][0]} ~ {candidate['names'][1]})")
    for line in fact_lines(facts["proposed"]):  # as 'curator facts' and the window list them
        print(line)
    return say_failures(job)
