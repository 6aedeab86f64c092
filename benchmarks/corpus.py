"""Synthetic news corpora of any size, for the benchmarks.

Articles of about 600 words mix sentences with entities, money, percentages,
counts and dates; a share of them are planted near-duplicates (a copy with a
few words changed, a paragraph dropped and a line added), so that recall can be
measured. Annotator layers are made from the same generator's spans.

    python benchmarks/corpus.py corpus.jsonl DOCUMENTS spans.jsonl SPANS_PER_DOCUMENT

writes the articles, each one's first spans (one JSON line per article, in order) and the
planted pairs (``spans.planted.json``), all streamed: memory stays flat at any size.
"""

from __future__ import annotations

import contextlib
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

PEOPLE = ["Kassym-Jomart Tokayev", "Li Qiang", "Wang Yi", "Alikhan Smailov", "Murat Nurtleu", "Ding Xuexiang",
          "Erkin Tuniyaz", "Ma Xingrui", "Olzhas Bektenov", "Shavkat Mirziyoyev"]
PLACES = ["Astana", "Beijing", "Almaty", "Shanghai", "Urumqi", "Tashkent", "Xinjiang", "Kazakhstan", "China",
          "Uzbekistan", "Khorgos", "Aktau"]
ORGS = ["Shanghai Cooperation Organization", "Ministry of Foreign Affairs", "Eurasian Development Bank",
        "KazMunayGas", "CNPC", "Samruk-Kazyna", "Kazakh-Chinese Cooperation Committee"]
TOPICS = ["trade turnover", "investment", "exports", "imports", "transit traffic", "grain shipments"]
FILLER = ("the parties discussed prospects for cooperation in energy transport logistics agriculture and "
          "tourism while officials stressed the importance of implementing earlier agreements and expanding "
          "business contacts between the regions of the two countries in the coming years").split()


Span = tuple[int, int, str, dict | None]  # start, end, label, normalized value


def sentence(rng: random.Random) -> tuple[str, list[Span]]:
    """One sentence and its spans relative to the sentence, figures and dates with their values."""
    person, place, org = rng.choice(PEOPLE), rng.choice(PLACES), rng.choice(ORGS)
    billions, tenths = rng.randint(1, 90), rng.randint(0, 9)
    amount = f"${billions}.{tenths} billion"
    share = rng.randint(2, 60)
    year = rng.randint(2015, 2024)
    money = {"type": "figure", "amount": str(billions * 10**9 + tenths * 10**8), "unit": "USD", "scale": "billion"}
    percent = {"type": "figure", "amount": str(share), "unit": "%"}
    date = {"type": "date", "start": f"{year}-01-01", "end": f"{year}-12-31", "granularity": "year"}
    parts = [(person, "PERSON", None), (" said in ", None, None), (place, "LOCATION", None), (" that ", None, None),
             (rng.choice(TOPICS), None, None), (" with ", None, None), (org, "ORG", None),
             (" grew by ", None, None), (f"{share}%", "PERCENT", percent), (" in ", None, None),
             (str(year), "DATE", date), (" to ", None, None), (amount, "MONEY", money), (", ", None, None),
             (" ".join(rng.choices(FILLER, k=rng.randint(8, 20))), None, None), (". ", None, None)]
    text, spans = "", []
    for piece, label, value in parts:
        if label:
            spans.append((len(text), len(text) + len(piece), label, value))
        text += piece
    return text, spans


def article(rng: random.Random, words: int = 600) -> tuple[str, list[Span]]:
    text, spans, counted = "", [], 0
    while counted < words:
        piece, piece_spans = sentence(rng)
        spans.extend((s + len(text), e + len(text), label, value) for s, e, label, value in piece_spans)
        text += piece
        counted += len(piece.split())  # a sentence ends in a space: the words of the whole, without splitting it again
        if rng.random() < 0.15:
            text += "\n\n"
    return text, spans


def near_copy(rng: random.Random, text: str) -> str:
    """A lightly edited copy: words changed, a paragraph dropped, a line added."""
    words = text.split(" ")
    for _ in range(max(1, len(words) // 50)):
        words[rng.randrange(len(words))] = rng.choice(FILLER)
    copied = " ".join(words)
    paragraphs = copied.split("\n\n")
    if len(paragraphs) > 3:
        del paragraphs[rng.randrange(len(paragraphs))]
    return "Republished from a partner outlet.\n\n" + "\n\n".join(paragraphs)


def write_jsonl(path: Path, documents: int, seed: int = 1, duplicate_share: float = 0.02, words: int = 600,
                spans_path: Path | None = None, per_doc: int | None = None) -> list[tuple[str, str]]:
    """Write ``documents`` articles as JSONL and return the planted duplicate pairs. With
    ``spans_path``, each article's first ``per_doc`` spans (all if None) go there as one
    JSON line per article, in the articles' order: ``[uid, [[start, end, label, value], ...]]``.
    Both are written as they are made, so memory stays flat at any size (a million
    articles is about 4 GB of JSONL)."""
    rng = random.Random(seed)
    planted: list[tuple[str, str]] = []
    originals: list[tuple[str, str]] = []
    with contextlib.ExitStack() as files:
        out = files.enter_context(path.open("w", encoding="utf-8"))
        spans_out = files.enter_context(spans_path.open("w", encoding="utf-8")) if spans_path else None
        for index in range(documents):
            uid = f"doc-{index:06d}"
            if originals and rng.random() < duplicate_share:
                source_uid, source_text = rng.choice(originals)
                text, article_spans = near_copy(rng, source_text), []
                planted.append((source_uid, uid))
            else:
                text, article_spans = article(rng, words)
                if len(originals) < 5000:
                    originals.append((uid, text))
            out.write(json.dumps({"id": uid, "text": text, "source": rng.choice(["nCa", "TDI", "Trend", "Daryo"]),
                                  "date": f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}) + "\n")
            if spans_out is not None:
                spans_out.write(json.dumps([uid, article_spans[:per_doc]]) + "\n")
    return planted


def read_spans(spans_path: Path) -> Iterator[tuple[str, list[Span]]]:
    """Each article's uid and spans from a file ``write_jsonl`` wrote, one at a time, in order."""
    with spans_path.open("rb") as source:
        for line in source:
            uid, spans = json.loads(line)
            yield uid, [(start, end, label, value) for start, end, label, value in spans]


def generate(path: Path, documents: int, spans_path: Path, per_doc: int) -> None:
    """Write the corpus, each article's first ``per_doc`` spans (``spans_path``) and the
    planted pairs (``spans_path`` with ``.planted.json`` for its suffix). Run as a script,
    so that what the generator holds is gone when it ends."""
    planted = write_jsonl(path, documents, spans_path=spans_path, per_doc=per_doc)
    planted_path(spans_path).write_text(json.dumps(planted))


def planted_path(spans_path: Path) -> Path:
    return spans_path.with_suffix(".planted.json")


def read_planted(spans_path: Path) -> list[tuple[str, str]]:
    return [tuple(pair) for pair in json.loads(planted_path(spans_path).read_text())]


if __name__ == "__main__":
    # python benchmarks/corpus.py corpus.jsonl DOCUMENTS spans.jsonl SPANS_PER_DOCUMENT
    generate(Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
