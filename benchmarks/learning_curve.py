"""A learning curve of the learned recommender on a real NER corpus: CoNLL-2003 English
(Reuters news; PER, ORG, LOC, MISC) or WNUT-17 (emerging entities in social media).

The corpus is not part of the repository (its licence does not allow it): point the
benchmark at a copy with ``--corpus PATH`` or ``CURATOR_NER_CORPUS=PATH``. PATH is a
CoNLL file (a token and its IOB tag on each line, the tag last; sentences separated by
blank lines; documents by ``-DOCSTART-`` lines) or a folder holding ``valid.txt``,
``eng.testa`` or ``dev.txt`` (CoNLL-2003's development split, as most copies name it)
or ``emerging.dev.conll`` (WNUT-17). CoNLL-2003 is distributed by the Language
Technology Group of the University of Antwerp (https://www.clips.uantwerpen.be/conll2003/ner/,
the Reuters texts under the Reuters Corpus licence from NIST) and is mirrored as
``conll2003`` by the Hugging Face datasets hub and many GitHub repositories; WNUT-17 is
at https://github.com/leondz/emerging_entities_17. Without a corpus the benchmark says
so and exits with status 0, skipped.

The split is by document, as a project grows: train on the first N documents of the
file, test on the last ``--test`` (66 of the 216 development documents of CoNLL-2003;
the N are all before them). Each document becomes a plain text (tokens joined by
spaces, one sentence a line) with character spans, and goes through the same calls
the project uses (``recommender.fit`` and ``Recommender.predict``): its own tokenizer
and sentence splitter, not the corpus's. The project's unannotated text (word classes,
usual case) is the file's documents, all of them, as a project holds its articles
before they are annotated.

Printed per N and model: precision, recall and F1 of every span suggested (exact
start, end and label), precision and recall of those shown at the default threshold,
training time, and suggestion time for an article of 600 words: wall clock and the CPU
time of the process over the test articles, the first time after training (every word
new to the recommender's cache), and the CPU time when it suggests for them again (a
window suggesting article after article mostly meets words it has seen). On a busy
machine the wall clock is the larger. Models: ``mix`` (the
recommender: CRF with word classes, usual case and names seen annotated), ``crf`` (the
same CRF without word classes and names: the candidate alone), ``names`` (names seen
annotated, matched as written: a string-matching recommender), and with ``--spacy``,
spaCy's NER trained from a blank English pipeline (its default config; minutes per N).

Run: python benchmarks/learning_curve.py [--corpus PATH] [--sizes 10 25 50 100 150]
[--test 66] [--models mix crf names] [--spacy] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curator.analysis.learning.learning_settings import DEFAULT_THRESHOLD
from curator.analysis.learning.recommender import TrainingText, fit

NAMES = ("valid.txt", "eng.testa", "dev.txt", "emerging.dev.conll")
HOW_TO_GET = ("Get CoNLL-2003 English (https://www.clips.uantwerpen.be/conll2003/ner/, or a copy of its "
              "'valid.txt' / 'eng.testa' with -DOCSTART- lines) or WNUT-17 "
              "(https://github.com/leondz/emerging_entities_17, emerging.dev.conll), keep it outside the "
              "repository, and pass --corpus PATH or set CURATOR_NER_CORPUS=PATH.")

Span = tuple[int, int, str]


def corpus_file(given: str | None) -> Path | None:
    path = Path(given or os.environ.get("CURATOR_NER_CORPUS", "")).expanduser() if (given or os.environ.get(
        "CURATOR_NER_CORPUS")) else None
    if path is None:
        return None
    if path.is_dir():
        return next((path / name for name in NAMES if (path / name).is_file()), None)
    return path if path.is_file() else None


def read_conll(path: Path) -> list[list[list[tuple[str, str]]]]:
    """Documents of sentences of (token, tag); without -DOCSTART- lines each sentence is a document."""
    documents: list[list[list[tuple[str, str]]]] = []
    document: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []
    marked = False
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts and parts[0] == "-DOCSTART-":
            marked = True
            if sentence:
                document.append(sentence)
                sentence = []
            if document:
                documents.append(document)
            document = []
        elif not parts:
            if sentence:
                document.append(sentence)
                sentence = []
        else:
            sentence.append((parts[0], parts[-1]))
    if sentence:
        document.append(sentence)
    if document:
        documents.append(document)
    if not marked:  # one sentence a document (WNUT-17: a post each)
        documents = [[s] for d in documents for s in d]
    return documents


def as_text(document: list[list[tuple[str, str]]]) -> tuple[str, set[Span], int]:
    """The document as plain text (tokens joined by spaces, a sentence a line), its gold
    spans in characters, and its number of words."""
    lines, spans, offset = [], set(), 0
    for sentence in document:
        starts, position = [], offset
        for token, _tag in sentence:
            starts.append(position)
            position += len(token) + 1
        label, first = None, 0
        tags = [tag for _token, tag in sentence] + ["O"]
        for i, tag in enumerate(tags):
            # IOB1 (CoNLL-2003 as distributed) and IOB2 alike: I- of another label, or B-, starts a span.
            continues = tag.startswith("I-") and tag[2:] == label
            if label is not None and not continues:
                spans.add((starts[first], starts[i - 1] + len(sentence[i - 1][0]), label))
                label = None
            if tag != "O" and not continues:
                label, first = tag[2:], i
        lines.append(" ".join(token for token, _tag in sentence))
        offset = position
    return "\n".join(lines), spans, sum(len(s) for s in document)


def score(gold: list[set[Span]], found: list[set[Span]]) -> dict[str, float]:
    hits = sum(len(g & f) for g, f in zip(gold, found))
    made, wanted = sum(len(f) for f in found), sum(len(g) for g in gold)
    p, r = (hits / made if made else 0.0), (hits / wanted if wanted else 0.0)
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def names_recommender(train: list[tuple[str, set[Span], int]]):
    """Names seen annotated, found again as written (whole tokens, longest first)."""
    import re

    seen: dict[str, Counter] = {}
    for text, spans, _words in train:
        for start, end, label in spans:
            seen.setdefault(text[start:end], Counter())[label] += 1
    names = sorted(seen, key=len, reverse=True)
    pattern = re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, names)) + r")(?!\S)") if names else None

    def predict(text: str) -> list[tuple[int, int, str, float]]:
        if pattern is None:
            return []
        return [(m.start(), m.end(), seen[m.group()].most_common(1)[0][0], 1.0) for m in pattern.finditer(text)]

    return predict


def spacy_recommender(train: list[tuple[str, set[Span], int]]):
    """spaCy's NER from a blank English pipeline, default training config, CPU."""
    import random

    import spacy
    from spacy.training import Example

    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    for _text, spans, _words in train:
        for *_pos, label in spans:
            ner.add_label(label)
    examples = [Example.from_dict(nlp.make_doc(text), {"entities": sorted(spans)}) for text, spans, _w in train]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(0)
    for _epoch in range(30):
        rng.shuffle(examples)
        for batch in spacy.util.minibatch(examples, size=8):
            nlp.update(batch, sgd=optimizer, drop=0.1)

    def predict(text: str) -> list[tuple[int, int, str, float]]:
        return [(e.start_char, e.end_char, e.label_, 1.0) for e in nlp(text).ents]

    return predict


def curator_recommender(train: list[tuple[str, set[Span], int]], project: list[str], mix: bool):
    texts = [TrainingText(text, tuple(sorted(spans))) for text, spans, _words in train]
    recommender = fit(texts, project if mix else (), word_classes=mix, names=mix)

    def predict(text: str) -> list[tuple[int, int, str, float]]:
        return [(s.start, s.end, s.label, s.confidence) for s in recommender.predict(text).spans]

    return predict


def run(documents, sizes: list[int], test_size: int, models: list[str], threshold: float) -> list[dict]:
    prepared = [as_text(d) for d in documents]
    test = prepared[-test_size:]
    project = [text for text, _spans, _words in prepared]
    gold = [spans for _text, spans, _words in test]
    words = sum(w for _t, _s, w in test)
    rows = []
    for size in sizes:
        train = prepared[:min(size, len(prepared) - test_size)]
        for model in models:
            started = time.perf_counter()
            if model == "names":
                predict = names_recommender(train)
            elif model == "spacy":
                predict = spacy_recommender(train)
            else:
                predict = curator_recommender(train, project, mix=model == "mix")
            trained = time.perf_counter() - started
            started, cpu = time.perf_counter(), time.process_time()
            found = [predict(text) for text, _spans, _words in test]
            suggesting, cpu = time.perf_counter() - started, time.process_time() - cpu
            again = time.process_time()
            for text, _spans, _words in test:  # the same articles again: the words are known by now
                predict(text)
            again = time.process_time() - again
            every = score(gold, [{(s, e, label) for s, e, label, _c in f} for f in found])
            shown = score(gold, [{(s, e, label) for s, e, label, c in f if c >= threshold} for f in found])
            rows.append({"n": size, "model": model, **every, "shown_p": shown["p"], "shown_r": shown["r"],
                         "shown_f1": shown["f1"], "train_s": trained,
                         "ms_per_600_words": 1000 * suggesting / words * 600,
                         "cpu_ms_per_600_words": 1000 * cpu / words * 600,
                         "cpu_ms_per_600_words_again": 1000 * again / words * 600})
            print(f"N={size:4d} {model:6s} P {every['p']:.3f} R {every['r']:.3f} F1 {every['f1']:.3f} | shown "
                  f"(>= {threshold}) P {shown['p']:.3f} R {shown['r']:.3f} F1 {shown['f1']:.3f} | train "
                  f"{trained:6.1f} s | {rows[-1]['ms_per_600_words']:5.1f} ms / 600 words "
                  f"({rows[-1]['cpu_ms_per_600_words']:.1f} ms CPU; again "
                  f"{rows[-1]['cpu_ms_per_600_words_again']:.1f})", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", help="a CoNLL file, or a folder holding one (or set CURATOR_NER_CORPUS)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 25, 50, 100, 150])
    parser.add_argument("--test", type=int, default=66, help="documents held out at the end of the file")
    parser.add_argument("--models", nargs="+", default=["mix", "crf", "names"],
                        choices=["mix", "crf", "names", "spacy"])
    parser.add_argument("--spacy", action="store_true", help="also train spaCy's NER (minutes per N)")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON at the end")
    args = parser.parse_args(argv)
    path = corpus_file(args.corpus)
    if path is None:
        print(f"skipped: no NER corpus found ({args.corpus or os.environ.get('CURATOR_NER_CORPUS') or 'none given'}). "
              + HOW_TO_GET)
        return 0
    documents = read_conll(path)
    if len(documents) <= args.test:
        print(f"skipped: {path} holds {len(documents)} documents, not more than the {args.test} held out")
        return 0
    models = [*args.models, *(["spacy"] if args.spacy and "spacy" not in args.models else [])]
    print(f"{path.name}: {len(documents)} documents; testing on the last {args.test} "
          f"({sum(len(s) for d in documents[-args.test:] for s in d)} words); default threshold {args.threshold}")
    rows = run(documents, args.sizes, args.test, models, args.threshold)
    if args.json:
        print(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
