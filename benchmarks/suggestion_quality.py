"""Quality of the suggester: held-out evaluation halves (dev, test) and the sample gold table.

A gold span is found when a suggestion has its span and label; its value is right
when the normalized values are equal (for an unresolved date, when the reason class
is). Per class it prints recall (gold spans found), precision (suggestions that are
gold spans) and value accuracy (found spans whose value is right); ``exact`` is the
share of all gold spans found with the right value. ``metadata`` items also score the
publication date and outlet detected from the text.

Rules are tuned on the dev half only; the test half is the figure to report.

The real-news set (``tests/data/realnews``) holds whole saved pages. Each is read as an
import reads a text file, with no metadata supplied: its title, outlet and date come
from the page, and its relative dates resolve against the date found there. Its gold
spans are classed by their value (money, range, per-unit, percent, date parts, ...),
its pages are scored for title, date and outlet, and its test half is printed beside
the sentence set's test half, class by class. Its tuning half is ``tune``. Sample
gold items in a text's header (``date 2023-11-07`` before the body) are left out: the
header is metadata, which suggestions leave alone.
``--speed N`` also times the rules (metadata detection and ``propose``) on N
generated articles of about 600 words and gives the time for 100,000.
Run: python benchmarks/suggestion_quality.py [--json] [--misses] [--speed N]
(``--misses`` lists the misses of the tuning halves, dev and tune, never of a test half)
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curator.analysis.suggest import propose, suggest_project  # noqa: E402
from curator.domain.header import find_header  # noqa: E402
from curator.domain.metadata import detect_metadata  # noqa: E402
from curator.domain.models import Document  # noqa: E402
from curator.domain.schema import LabelSchema  # noqa: E402
from curator.domain.values import parse_value  # noqa: E402
from curator.session.project import create_sample_project  # noqa: E402

EVAL = ROOT / "tests" / "data" / "eval"
HALVES = ("dev", "test")
PAGES = ROOT / "tests" / "data" / "realnews"
PAGE_HALVES = ("tune", "test")


def canonical(value: dict | None, *, gold: bool = False) -> str:
    """A value as comparable text: validated, defaults spelled out, empty fields dropped.

    Unresolved dates compare by reason class only: gold writes the class in
    ``unresolved``, a suggestion carries it in ``reason``.
    """
    if not value:
        return "null"
    if value.get("type") == "date" and value.get("unresolved"):
        return json.dumps({"type": "date", "unresolved": value["unresolved"] if gold else value.get("reason")})
    try:
        parsed = parse_value(value).model_dump(mode="json", exclude_none=True)
    except ValueError:
        return "invalid:" + json.dumps(value, sort_keys=True)
    return json.dumps(parsed, sort_keys=True)


@dataclass
class Tally:
    gold: int = 0
    suggested: int = 0
    found: int = 0
    right: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        self.gold += other.gold
        self.suggested += other.suggested
        self.found += other.found
        self.right += other.right

    def row(self, name: str) -> str:
        recall = self.found / self.gold if self.gold else 1.0
        precision = self.found / self.suggested if self.suggested else 1.0
        accuracy = self.right / self.found if self.found else 1.0
        exact = self.right / self.gold if self.gold else 1.0
        return (f"{name:<18}{self.gold:>6}{self.suggested:>6}{self.found:>7}{accuracy:>10.3f}"
                f"{recall:>8.3f}{precision:>11.3f}{exact:>8.3f}")

    def figures(self) -> dict[str, float]:
        return {"gold": self.gold, "suggested": self.suggested, "found": self.found, "right": self.right,
                "value_accuracy": self.right / self.found if self.found else 1.0,
                "recall": self.found / self.gold if self.gold else 1.0,
                "precision": self.found / self.suggested if self.suggested else 1.0}


HEADER = f"{'class':<18}{'gold':>6}{'sugg':>6}{'found':>7}{'value acc':>10}{'recall':>8}{'precision':>11}{'exact':>8}"


def load(half: str) -> list[dict]:
    with (EVAL / f"{half}.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def score_item(item: dict, schema: LabelSchema) -> tuple[Tally, dict[str, tuple[bool, bool]]]:
    """Spans of one item, and for metadata items whether date and outlet were (found, right)."""
    text = item["text"]
    meta: dict[str, tuple[bool, bool]] = {}
    if item["class"] == "metadata":
        detected = detect_metadata(text)
        want = item["metadata"]
        published = detected.published.isoformat() if detected.published else None
        meta["date"] = (published is not None, published == want["published"])
        source = detected.source
        meta["outlet"] = (source is not None,
                          (source or "").casefold() == (want["source"] or "").casefold() if source or want["source"]
                          else True)
        meta["date_stated"] = (want["published"] is not None, False)
        meta["outlet_stated"] = (want["source"] is not None, False)
        document = Document(id=1, uid=item["id"], text=text, published=detected.published, source=detected.source)
    else:
        anchor = date.fromisoformat(item["article_date"]) if item["article_date"] else None
        document = Document(id=1, uid=item["id"], text=text, published=anchor)
    got = {(s.start, s.end, s.label): s.value for s in propose(document, schema) if s.source != "entities"}
    want = {(g["start"], g["end"], g["label"]): g["value"] for g in item["gold"]}
    tally = Tally(gold=len(want), suggested=len(got))
    for key, value in want.items():
        if key in got:
            tally.found += 1
            if canonical(got[key]) == canonical(value, gold=True):
                tally.right += 1
            else:
                tally.misses.append(f"{item['id']}: {text[key[0]:key[1]]!r} value {canonical(got[key])} "
                                    f"!= {canonical(value, gold=True)}")
        else:
            tally.misses.append(f"{item['id']}: missed {text[key[0]:key[1]]!r} {key[2]}")
    for key in got.keys() - want.keys():
        tally.misses.append(f"{item['id']}: extra {text[key[0]:key[1]]!r} {key[2]}")
    return tally, meta


def evaluate(half: str, schema: LabelSchema | None = None) -> tuple[dict[str, Tally], dict[str, Counter]]:
    schema = schema or LabelSchema()
    by_class: dict[str, Tally] = defaultdict(Tally)
    meta = defaultdict(Counter)
    for item in load(half):
        tally, found = score_item(item, schema)
        by_class[item["class"]].add(tally)
        by_class[item["class"]].misses.extend(tally.misses)
        if found:
            for what in ("date", "outlet"):
                stated = found[f"{what}_stated"][0]
                detected, right = found[what]
                meta[what]["stated"] += stated
                meta[what]["detected"] += detected
                meta[what]["right_detected"] += detected and right
                meta[what]["items"] += 1
                meta[what]["right"] += right
    return dict(by_class), dict(meta)


def sample_gold() -> dict[str, Tally]:
    gold = json.loads((ROOT / "tests" / "data" / "sample_gold.json").read_text(encoding="utf-8"))["documents"]
    tallies: dict[str, Tally] = defaultdict(Tally)
    with tempfile.TemporaryDirectory() as folder:
        store, _ = create_sample_project(Path(folder) / "sample")
        suggest_project(store, "bench")
        for uid, items in gold.items():
            doc = store.document_by_uid(uid)
            header = find_header(doc.text)  # a header line is metadata: suggestions leave it alone
            want = {(i["start"], i["end"], i["label"]): i["value"] for i in items
                    if header is None or not header.overlaps(i["start"], i["end"])}
            got = {(s.start, s.end, s.label): s.value
                   for s in store.suggestions_for(doc.id, "bench") if s.source != "entities"}
            for key, value in want.items():
                tallies[key[2]].gold += 1
                if key in got:
                    tallies[key[2]].found += 1
                    tallies[key[2]].right += canonical(got[key]) == canonical(value, gold=True)
            for key in got:
                tallies[key[2]].suggested += 1
        store.close()
    return dict(tallies)


def total(tallies: dict[str, Tally]) -> Tally:
    whole = Tally()
    for tally in tallies.values():
        whole.add(tally)
    return whole


def meta_rows(meta: dict[str, Counter]) -> list[str]:
    rows = []
    for what, c in sorted(meta.items()):
        recall = c["right_detected"] / c["stated"] if c["stated"] else 1.0
        precision = c["right_detected"] / c["detected"] if c["detected"] else 1.0
        rows.append(f"  metadata {what:<7} items {c['items']:>3}  stated {c['stated']:>3}  detected {c['detected']:>3}"
                    f"  right {c['right']:>3}  accuracy {c['right'] / c['items']:.3f}  recall {recall:.3f}"
                    f"  precision {precision:.3f}")
    return rows


def speed(articles: int) -> str:
    import random
    import time

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpus import article

    rng = random.Random(7)
    texts = [article(rng)[0] for _ in range(articles)]
    schema = LabelSchema()
    started = time.perf_counter()
    suggested = 0
    for number, text in enumerate(texts):
        meta = detect_metadata(text)
        suggested += len(propose(Document(id=number, uid=str(number), text=text,
                                          published=meta.published or date(2024, 3, 12)), schema))
    elapsed = time.perf_counter() - started
    return (f"speed: {articles} articles, {suggested} suggestions, {elapsed / articles * 1000:.1f} ms an article, "
            f"{elapsed / articles * 100_000 / 60:.1f} min for 100,000 on one core")


# -- the real-news set: whole pages, imported with no metadata ----------------------------

_RELATIVE = ("last", "this", "next", "ago", "earlier", "today", "yesterday", "tomorrow", "week", "day", "past",
             "coming", "previous", "current")


def span_class(label: str, value: dict | None, text: str) -> str:
    """The class of a figure or date by its value: what kind of rule has to get it right."""
    if not value:
        return "none"
    if label != "DATE":
        if value.get("amount_to") is not None:
            return "figure.range"
        if value.get("unit") == "x":
            return "figure.multiple"
        if value.get("per"):
            return "figure.per_unit"
        return {"MONEY": "figure.money", "PERCENT": "figure.percent"}.get(label, "figure.count")
    if value.get("unresolved"):
        return "date.unresolved"
    granularity = value.get("granularity")
    if granularity in ("part", "quarter", "half"):
        return "date.part"
    if value.get("inferred") or any(word in text.lower().split() for word in _RELATIVE):
        return "date.relative"
    if granularity in ("period", "fiscal_year", "decade", "week"):
        return "date.range"
    return "date.explicit"


def load_pages(half: str) -> list[dict]:
    with (PAGES / f"{half}.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def imported(path: Path) -> Document:
    """The document an import makes of a saved page, with no metadata supplied."""
    from curator.formats.article_files import read_file

    [candidate] = list(read_file(path, []))
    fields = {name: candidate.fields.get(name) for name in ("title", "source", "url", "published")}
    return Document(id=1, uid=candidate.uid, text=candidate.text, **fields)


def evaluate_pages(half: str, schema: LabelSchema | None = None) -> tuple[dict[str, Tally], Counter, list[str]]:
    """Spans by class, page metadata counts and the misses of one half of the real-news set."""
    schema = schema or LabelSchema()
    by_class: dict[str, Tally] = defaultdict(Tally)
    meta: Counter = Counter()
    misses: list[str] = []
    for page in load_pages(half):
        document = imported(PAGES / half / page["file"])
        text, want_meta, name = document.text, page["metadata"], page["file"]
        meta["pages"] += 1
        meta["title_right"] += (document.title or "").strip() == want_meta["title"]
        if want_meta["published"]:
            meta["date_stated"] += 1
            found = document.published.isoformat() if document.published else None
            meta["date_found"] += found is not None
            meta["date_right"] += found == want_meta["published"]
            meta["date_wrong"] += found is not None and found != want_meta["published"]
            if found != want_meta["published"]:
                misses.append(f"{name}: date {found} != {want_meta['published']}")
        elif document.published:
            meta["date_wrong"] += 1
            misses.append(f"{name}: date {document.published} where the page states none")
        if (document.title or "").strip() != want_meta["title"]:
            misses.append(f"{name}: title {document.title!r}")
        outlets = {o.casefold() for o in want_meta["source"] or []}
        if outlets:
            meta["outlet_stated"] += 1
            meta["outlet_right"] += (document.source or "").casefold() in outlets
        got = {(s.start, s.end, s.label): s.value for s in propose(document, schema) if s.source != "entities"}
        want = {(g["start"], g["end"], g["label"]): g["value"] for g in page["gold"]}
        for key, value in want.items():
            tally = by_class[span_class(key[2], value, text[key[0]:key[1]])]
            tally.gold += 1
            if key in got:
                tally.found += 1
                if canonical(got[key]) == canonical(value, gold=True):
                    tally.right += 1
                else:
                    misses.append(f"{name}: {text[key[0]:key[1]]!r} value {canonical(got[key])} "
                                  f"!= {canonical(value, gold=True)}")
            else:
                misses.append(f"{name}: missed {text[key[0]:key[1]]!r} {key[2]}")
        for key, value in got.items():
            gold_value = want.get(key)
            by_class[span_class(key[2], gold_value or value, text[key[0]:key[1]])].suggested += 1
            if gold_value is None:
                misses.append(f"{name}: extra {text[key[0]:key[1]]!r} {key[2]} {canonical(value)}")
    return dict(by_class), meta, misses


def page_rows(meta: Counter) -> list[str]:
    def share(part: int, whole: int) -> str:
        return f"{part}/{whole} ({part / whole if whole else 1:.3f})"

    return [(f"  pages {meta['pages']}: title right {share(meta['title_right'], meta['pages'])}; date found "
            f"{share(meta['date_found'], meta['date_stated'])} of those that state one, right "
            f"{share(meta['date_right'], meta['date_stated'])}, wrong {meta['date_wrong']}; outlet right "
            f"{share(meta['outlet_right'], meta['outlet_stated'])} of those that name one")]


SIDE = (f"{'class':<18}| {'gold':>5}{'value acc':>10}{'recall':>8}{'precision':>10} "
        f"| {'gold':>5}{'value acc':>10}{'recall':>8}{'precision':>10}")


def side_by_side(old: dict[str, Tally], new: dict[str, Tally]) -> list[str]:
    """The sentence set's classes and the real-news set's, one row each, old beside new."""
    def cells(tally: Tally | None) -> str:
        if tally is None:
            return f"{'-':>5}{'':>10}{'':>8}{'':>10}"
        f = tally.figures()
        return f"{tally.gold:>5}{f['value_accuracy']:>10.3f}{f['recall']:>8.3f}{f['precision']:>10.3f}"

    rows = [f"{'':<18}| {'sentences: ' + EVAL.name + '/test':<33} | {'pages: ' + PAGES.name + '/test':<33}", SIDE]
    for name in sorted(set(old) | set(new)):
        rows.append(f"{name:<18}| {cells(old.get(name))} | {cells(new.get(name))}")
    rows.append(f"{'all':<18}| {cells(total(old))} | {cells(total(new))}")
    return rows


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    report: dict = {}
    for half in HALVES:
        tallies, meta = evaluate(half)
        print(f"\n== {half} half ({EVAL.name}/{half}.jsonl)")
        print(HEADER)
        for name in sorted(tallies):
            print(tallies[name].row(name))
        print(total(tallies).row("all"))
        print("\n".join(meta_rows(meta)))
        report[half] = {name: t.figures() for name, t in tallies.items()} | {"all": total(tallies).figures()}
        if "--misses" in argv and half == "dev":
            for name in sorted(tallies):
                for miss in tallies[name].misses:
                    print("   ", miss)
    old_test = evaluate("test")[0]
    for half in PAGE_HALVES:
        tallies, meta, misses = evaluate_pages(half)
        print(f"\n== real-news pages, {half} half ({PAGES.name}/{half}.jsonl), imported with no metadata")
        print(HEADER)
        for name in sorted(tallies):
            print(tallies[name].row(name))
        print(total(tallies).row("all"))
        print("\n".join(page_rows(meta)))
        report[f"pages_{half}"] = {name: t.figures() for name, t in tallies.items()} | {
            "all": total(tallies).figures(), "pages": dict(meta)}
        if "--misses" in argv and half == "tune":
            print("\n".join("    " + miss for miss in misses))
    print("\n== test halves side by side, per class")
    print("\n".join(side_by_side(old_test, evaluate_pages("test")[0])))
    tallies = sample_gold()
    print("\n== sample gold table (in-sample)")
    print(HEADER)
    for name in sorted(tallies):
        print(tallies[name].row(name))
    print(total(tallies).row("all"))
    report["sample"] = {"all": total(tallies).figures()}
    if "--speed" in argv:
        print("\n" + speed(int(argv[argv.index("--speed") + 1])))
    if "--json" in argv:
        print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
