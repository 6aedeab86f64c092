"""What the learned recommender looks at for each word: the word itself, its shape,
prefixes and suffixes, its neighbours, how the project's text writes it elsewhere
(capitalised or not), its word class (``word_clusters``), and whether it starts or
continues a name seen annotated (the gazetteer).

Features are strings, as CRFsuite takes them. Everything a document's features depend
on beyond its own text is in ``TextKnowledge``, which the model keeps, so suggesting
sees the words as training saw them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from curator.analysis.learning.tokens import Sentence

MAX_NAME = 8  # tokens in the longest gazetteer name matched
CASE_WORDS = 60_000  # words whose usual case is kept


_ASCII_SHAPE = str.maketrans({**{chr(c): "X" for c in range(65, 91)}, **{chr(c): "x" for c in range(97, 123)},
                               **{chr(c): "d" for c in range(48, 58)}})


def shape(word: str) -> str:
    """``Astana`` -> ``Xxxxxx``, ``US$24.2`` -> ``XX$dd.d``: letters by case, digits as d."""
    if word.isascii():
        return word.translate(_ASCII_SHAPE)
    return "".join("d" if char.isdigit() else ("X" if char.isupper() else "x") if char.isalpha() else char
                   for char in word)


def short_shape(word: str) -> str:
    """The shape with repeats squeezed: ``Xxxxxx`` -> ``Xx``."""
    # A plain loop: three times as fast as ``groupby`` on words (a new word's features
    # are most of the time of suggesting in an article of words the model has not met).
    squeezed = []
    previous = ""
    for char in shape(word):
        if char != previous:
            squeezed.append(char)
            previous = char
    return "".join(squeezed)


def capitalised(word: str) -> bool:
    return word[:1].isupper()


@dataclass
class Gazetteer:
    """Names seen annotated, by their lower-case tokens, each with its most frequent label."""

    names: dict[tuple[str, ...], str] = field(default_factory=dict)

    @classmethod
    def of(cls, names: Iterable[tuple[tuple[str, ...], str]]) -> Gazetteer:
        counts: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        for words, label in names:
            if 0 < len(words) <= MAX_NAME:
                counts[tuple(word.lower() for word in words)][label] += 1
        return cls({words: labels.most_common(1)[0][0] for words, labels in counts.items()})

    def __post_init__(self) -> None:
        lengths: dict[str, set[int]] = defaultdict(set)
        for words in self.names:
            lengths[words[0]].add(len(words))
        self._lengths = {first: sorted(found, reverse=True) for first, found in lengths.items()}

    def tags(self, words: Sequence[str]) -> list[str | None]:
        """Each token's gazetteer tag (``B-ORG``, ``I-ORG``) for the longest names found left to
        right, or None."""
        lowered = [word.lower() for word in words]
        tags: list[str | None] = [None] * len(words)
        position = 0
        while position < len(words):
            for length in self._lengths.get(lowered[position], ()):
                label = self.names.get(tuple(lowered[position:position + length])) \
                    if position + length <= len(words) else None
                if label is not None:
                    tags[position] = f"B-{label}"
                    for inside in range(position + 1, position + length):
                        tags[inside] = f"I-{label}"
                    position += length
                    break
            else:
                position += 1
        return tags


@dataclass
class TextKnowledge:
    """What the project's text says about words, learned once per training: each word's
    usual case (``l`` mostly lower case, ``m`` either, ``c`` always capitalised) and its
    word classes."""

    case: dict[str, str] = field(default_factory=dict)
    clusters: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def learn(cls, documents: Iterable[Sequence[Sentence]], clusters: dict[str, tuple[int, ...]]) -> TextKnowledge:
        lower: Counter[str] = Counter()
        upper: Counter[str] = Counter()
        for sentences in documents:
            for sentence in sentences:
                for word in sentence.words[1:]:  # a sentence's first word is capitalised anyway
                    if word.isupper() or not word[:1].isalpha():
                        continue
                    (upper if capitalised(word) else lower)[word.lower()] += 1
        frequent = (lower + upper).most_common(CASE_WORDS)
        case = {word: ("l" if lower[word] > upper[word] else "m" if lower[word] else "c") for word, _n in frequent}
        return cls(case, clusters)


@dataclass(frozen=True)
class DocumentContext:
    """What a whole document says about its words: those it writes capitalised where a
    sentence does not make them so (``capitals``), and, for each capitalised word, the
    words next to it anywhere in the document (``around``): ``Smith`` after ``Mr`` once
    is a person everywhere in the article."""

    capitals: frozenset[str]
    around: dict[str, tuple[str, ...]]


AROUND = 4  # neighbours kept on each side of a word, from its first occurrences


def document_context(sentences: Sequence[Sentence]) -> DocumentContext:
    capitals: set[str] = set()
    before: dict[str, dict[str, None]] = defaultdict(dict)
    after: dict[str, dict[str, None]] = defaultdict(dict)
    for sentence in sentences:
        words = sentence.words
        for i, word in enumerate(words):
            if not capitalised(word):
                continue
            low = word.lower()
            if i > 0 and not word.isupper():
                capitals.add(low)
            if i > 0 and len(before[low]) < AROUND:
                before[low][words[i - 1].lower()] = None
            if i + 1 < len(words) and len(after[low]) < AROUND:
                after[low][words[i + 1].lower()] = None
    around = {low: (*(f"dl={w}" for w in before.get(low, ())), *(f"dr={w}" for w in after.get(low, ())))
              for low in set(before) | set(after)}
    return DocumentContext(frozenset(capitals), around)


class Featurizer:
    """Turns sentences into features, with ``knowledge`` and ``gazetteer``. What depends on
    a word alone (its own features, and what it gives its neighbours) is worked out once
    per distinct word and kept: most words of an article were seen before."""

    CACHE = 200_000  # distinct words kept; past that the cache starts again

    def __init__(self, knowledge: TextKnowledge, gazetteer: Gazetteer | None,
                 known: frozenset[str] | None = None) -> None:
        self.knowledge = knowledge
        self.gazetteer = gazetteer
        self.known = known  # for a trained model: the features it weighs, the only ones worth making
        # The words the model knows in each place ("w", "-1w", ...): a word it does not know
        # there gets no feature for it, without making the feature to find that out.
        self._seen: dict[str, frozenset[str]] | None = None
        if known is not None:
            seen: dict[str, set[str]] = defaultdict(set)
            for feature in known:
                name, equals, value = feature.partition("=")
                if equals and name in _WORD_PLACES:
                    seen[name].add(value)
            self._seen = {name: frozenset(seen.get(name, ())) for name in _WORD_PLACES}
        self._words: dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...], str]] = {}

    def _word(self, word: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], str]:
        """A word's own features, what it gives each neighbour (at offsets -2, -1, 1, 2),
        and its lower case."""
        low = word.lower()
        squeezed = short_shape(word)
        title = word.istitle()
        classes = self.knowledge.clusters.get(low, ())
        seen = self._seen
        own = ["b", "ss=" + squeezed]
        if seen is None or low in seen["w"]:
            own.append("w=" + low)
        size = len(low)
        if size > 2:
            own += ("p2=" + low[:2], "s2=" + low[-2:])
        if size > 3:
            own += ("p3=" + low[:3], "s3=" + low[-3:])
        if size > 4:
            own += ("p4=" + low[:4], "s4=" + low[-4:])
        if title:
            own.append("title")
        if word.isupper():
            own.append("upper")
        if word[:1].isupper():
            own.append("case=" + self.knowledge.case.get(low, "n"))
        own += [f"0c{n}={c}" for n, c in enumerate(classes)]
        given = []
        for offset in ("-2", "-1", "1", "2"):
            near = [offset + "ss=" + squeezed]
            if seen is None or low in seen[offset + "w"]:
                near.append(offset + "w=" + low)
            if title:
                near.append(offset + "title")
            if offset in ("-1", "1"):
                near += [f"{offset}c{n}={c}" for n, c in enumerate(classes)]
            given.append(near)
        if self.known is not None:
            known = self.known
            own = [feature for feature in own if feature in known]
            given = [[feature for feature in near if feature in known] for near in given]
        if len(self._words) >= self.CACHE:
            self._words.clear()
        found = (tuple(own), tuple(tuple(near) for near in given), low)
        self._words[word] = found
        return found

    def sentence(self, sentence: Sentence, document: DocumentContext) -> list[list[str]]:
        """The features of each token of ``sentence`` of ``document``."""
        words = sentence.words
        count = len(words)
        cache = self._words
        # Two stand-ins on each side give the words at the edges their "no neighbour" features.
        described = [_PAD, _PAD, *(cache.get(word) or self._word(word) for word in words), _PAD, _PAD]
        tags = self.gazetteer.tags(words) if self.gazetteer is not None else None
        known = self.known
        around, capitals = document.around, document.capitals
        features: list[list[str]] = []
        for i in range(count):
            own, _given, low = described[i + 2]
            extra = ["first"] if i == 0 else [f"bg-={described[i + 1][2]}|{low}"]
            if i + 1 < count:
                extra.append(f"bg+={low}|{described[i + 3][2]}")
            if low in around and words[i][:1].isupper():
                if low in capitals:
                    extra.append("doccap")
                extra.extend(around[low])
            if tags is not None:
                for offset in (-1, 0, 1):
                    if 0 <= i + offset < count and tags[i + offset] is not None:
                        extra.append(f"{offset}gz={tags[i + offset]}")
            if known is not None:
                extra = [feature for feature in extra if feature in known]
            features.append([*own, *described[i][1][0], *described[i + 1][1][1], *described[i + 3][1][2],
                             *described[i + 4][1][3], *extra])
        return features


_WORD_PLACES = ("w", "-2w", "-1w", "1w", "2w")
_PAD = ((), tuple((f"{offset}pad",) for offset in (-2, -1, 1, 2)), "")
