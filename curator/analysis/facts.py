"""Facts: the same measure for the same period, reported by several sources.

A proposal groups figure spans by what they measure and when: the measure is
the first measure word of the figure's sentence (from a small lexicon: trade,
turnover, investment, exports, ...) and the period is the date span nearest to
the figure in the same sentence. Groups with figures from two or more documents
are proposed; the curator confirms one as a fact (subject, measure, period),
records the accepted value and why, and the export lists every supporting
mention with its source.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from curator.domain.attribution import attribution_of, cited_outlet
from curator.domain.jobs import Job
from curator.domain.models import GOLD, Annotation, Document, Fact
from curator.domain.text import paragraph_bounds, sentence_around, sentence_bounds
from curator.errors import CuratorError
from curator.store import Store

MEASURES = {  # the list a project starts with; ``curator measures`` edits the project's own
    "trade turnover": ("trade turnover", "trade volume", "bilateral trade", "trade"),
    "exports": ("exports", "export"),
    "imports": ("imports", "import"),
    "investment": ("investments", "investment"),
    "gdp": ("gdp", "gross domestic product"),
    "enterprises": ("enterprises", "companies", "firms"),
}


def project_measures(store: Store) -> dict[str, tuple[str, ...]]:
    """The project's measures, each with the words that name it in a sentence."""
    stored = store.measures()
    if stored is None:
        return dict(MEASURES)
    return {name: tuple(words) for name, words in stored.items()}


def measures_with(measures: dict[str, tuple[str, ...]], name: str, words: list[str]) -> dict[str, list[str]]:
    """``measures`` with ``name`` added (or its words replaced), as the project keeps them;
    a CuratorError if the name or the words are missing."""
    name = name.strip().lower()
    words = [word.strip().lower() for word in words if word.strip()]
    if not name or not words:
        raise CuratorError("a measure needs a name and at least one word that names it "
                           "(e.g. fdi 'foreign direct investment')")
    return {**{key: list(value) for key, value in measures.items()}, name: words}
DEFAULT_TOLERANCE = 0.005  # 0.5%: "$24 billion" and "$24.2 billion" disagree


@dataclass
class Mention:
    """A figure span with where it came from: the article, its outlet, and who the
    sentence (or the outlet's citing line) attributes the figure to."""

    annotation: Annotation
    document: Document
    text: str
    amount: Decimal
    unit: str | None
    attribution: str | None = None
    subjects: tuple[str, ...] = ()  # entity ids linked in the figure's sentence

    @property
    def outlet(self) -> str:
        return self.document.source or self.document.uid

    @property
    def cites(self) -> str | None:
        return cited_outlet(self.document.source)


@dataclass
class FactProposal:
    """Figures that look like one fact, with how far their values spread."""

    measure: str
    unit: str | None
    period_start: date | None
    period_end: date | None
    mentions: list[Mention] = field(default_factory=list)
    tag: str = ""  # tells apart facts of one measure and period (a fact split in two): its id

    @property
    def key(self) -> str:
        key = f"{self.measure}|{self.unit}|{self.period_start}|{self.period_end}"
        return f"{key}#{self.tag}" if self.tag else key

    @property
    def spread(self) -> float:
        """(max - min) / max of the reported amounts."""
        amounts = [m.amount for m in self.mentions]
        top = max(amounts)
        return float((top - min(amounts)) / top) if top else 0.0

    def conflict(self, tolerance: float = DEFAULT_TOLERANCE) -> bool:
        return self.spread > tolerance


def measure_of(sentence: str, position: int | None = None, measures: dict | None = None) -> str | None:
    """The measure word nearest to ``position`` in the sentence (preferring one before it)."""
    lowered = sentence.lower()
    position = len(sentence) if position is None else position
    found = []
    for measure, words in (MEASURES if measures is None else measures).items():
        for word in words:
            for match in re.finditer(rf"\b{re.escape(word)}\b", lowered):
                before = match.start() <= position
                found.append((not before, abs(position - match.start()), measure))
    return min(found)[2] if found else None


def _period_for(figure: Annotation, dates: list[Annotation], figures: list[Annotation]) -> Annotation | None:
    """The date closest to a figure. A date before it frames the sentence ("In 2023, trade grew
    by 30%, reaching $41 bn"); a date after it belongs to any figure in between ("$24.1 billion,
    34.1 percent more than a year earlier": the year is the percentage's)."""
    def gap(d: Annotation) -> int:
        return figure.start - d.end if d.end <= figure.start else d.start - figure.end

    def blocked(d: Annotation) -> bool:
        if d.end <= figure.start:
            return False
        return any(figure.end <= f.start and f.end <= d.start for f in figures if f is not figure)

    usable = [d for d in dates if not blocked(d)]
    return min(usable, key=gap) if usable else None


def _one_per_place(spans: list[Annotation]) -> list[Annotation]:
    """One span where annotators' spans overlap with the same label (the first annotator's).
    The spans chosen for a label never overlap one another, so they are kept in order of
    start (and so of end), and a span is checked against the one chosen that starts last
    before it ends: a look-up, not a pass over every span chosen (which took minutes for
    a document with tens of thousands of spans)."""
    chosen: list[Annotation] = []
    placed: dict[str, tuple[list[int], list[int]]] = {}  # per label: the chosen spans' starts and ends
    for span in sorted(spans, key=lambda s: (s.annotator, s.start)):
        starts, ends = placed.setdefault(span.label, ([], []))
        index = bisect.bisect_left(starts, span.end)  # the chosen that start before this one ends
        if index and ends[index - 1] > span.start:
            continue
        starts.insert(index, span.start)
        ends.insert(index, span.end)
        chosen.append(span)
    return sorted(chosen, key=lambda s: (s.start, s.end))


def _spans_for_facts(spans: list[Annotation]) -> list[Annotation]:
    gold = [span for span in spans if span.annotator == GOLD]
    return gold if gold else _one_per_place(spans)


def mentions_by_document(store: Store) -> list[tuple[Document, list[Annotation]]]:
    """Each document with the spans facts are built from: its gold spans where the
    reviewer settled any, else every layer's, where overlapping spans of one label count
    once (the alphabetically first annotator's: settle disagreements into gold for
    authoritative facts). Decided per document, so that the first gold span of one
    article does not hide every other article's figures."""
    return [(document, _spans_for_facts(spans)) for document, spans in store.iter_documents_with_annotations()]


def propose_facts(store: Store, min_documents: int = 2, job: Job | None = None) -> list[FactProposal]:
    """Groups of figures (from at least ``min_documents`` documents) that report one measure.
    A document whose figures cannot be read is reported in ``job.failures``, and the others
    are grouped."""
    return group_figures(store, min_documents, job)[0]


def group_figures(store: Store, min_documents: int = 2, job: Job | None = None
                  ) -> tuple[list[FactProposal], list[tuple[Mention, str]]]:
    """The proposals (as ``propose_facts``), and every other figure span with why it was
    not grouped into one: a figure with no number, a change or a percentage, no measure
    word or no date in its sentence, or the only article with its measure and period.
    A document whose figures cannot be read is reported in ``job.failures``, and adds nothing."""
    job = job or Job()
    groups: dict[tuple, FactProposal] = {}
    left: list[tuple[Mention, str]] = []
    measures = project_measures(store)
    attributed = store.attributions()  # what curators said, over what the rules read
    related = store.attributions_by_relation()  # what curators drew, over what the rules read
    about = store.subjects_by_relation()
    for document, spans in mentions_by_document(store):
        with job.per_document(document.uid, "fact proposal"):
            found, unfit = _document_mentions(document, spans, measures, attributed, related, about)
            for key, mention in found:
                groups.setdefault(key, FactProposal(*key)).mentions.append(mention)
            left += unfit
    proposals = []
    for proposal in groups.values():
        if len({m.document.id for m in proposal.mentions}) >= min_documents:
            proposals.append(proposal)
        else:
            period = f"{proposal.period_start} – {proposal.period_end}"
            left += [(m, f"the only article with {proposal.measure} for {period}") for m in proposal.mentions]
    left.sort(key=lambda found: (found[0].document.id, found[0].annotation.start))
    return sorted(proposals, key=lambda p: (p.measure, p.period_start or date.min)), left


def _document_mentions(document: Document, spans: list[Annotation], measures: dict, attributed: dict,
                       related: dict | None = None, about: dict | None = None
                       ) -> tuple[list[tuple[tuple, Mention]], list[tuple[Mention, str]]]:
    """One document's figures: those that report a measure for a period, each with its
    (measure, unit, start, end) key, and the others with why not. Read whole before any
    is added, so that a document that fails adds nothing.

    A figure's attribution is, first to last: the one a curator set on it
    (``SetAttribution``), the span an ``attributed_to`` relation from it links
    (``related``, by the figure's place), whom its sentence quotes, the outlet its
    article cites. The quoted span's entity is never one of its subjects. Its subjects are
    the entities its ``about`` relations link (``about``, by its place), else those its
    sentence names, else its paragraph's."""
    related, about = related or {}, about or {}
    found: list[tuple[tuple, Mention]] = []
    left: list[tuple[Mention, str]] = []
    dates = [s for s in spans if (s.value or {}).get("type") == "date" and s.value.get("start")]
    figures = [s for s in spans if (s.value or {}).get("type") == "figure"]
    for span in figures:
        value = span.value
        lo, hi = sentence_bounds(document.text, span.start)
        measure = measure_of(document.text[lo:hi], span.start - lo, measures)
        period = _period_for(span, [d for d in dates if lo <= d.start < hi], figures)
        why = ("a change, not a level" if value.get("change") == "change" else
               "a percentage, not a level" if value.get("unit") == "%" else
               "no measure word in its sentence (Measures… adds one)" if measure is None else
               "no date in its sentence: a fact is a measure for a period" if period is None else None)
        if why is not None or not value.get("amount"):
            left.append((Mention(span, document, document.text[span.start : span.end],
                                 Decimal(value.get("amount") or 0), value.get("unit")),
                         why or "no amount: type it in the Value box"))
            continue
        start = date.fromisoformat(period.value["start"])
        end = date.fromisoformat(period.value["end"])
        sentence = document.text[lo:hi]
        linked = related.get((document.id, span.start, span.end))
        said = attribution_of(sentence)
        chosen = attributed.get(span.id)
        # The subjects are the entities the sentence names, but not who it quotes (by rule or relation).
        at = lo + sentence.find(said) if said else -1
        quoted = (linked[1], linked[2]) if linked else (-1, -1)
        def named(first: int, last: int) -> tuple[str, ...]:
            return tuple(dict.fromkeys(
                s.entity_id for s in spans if s.entity_id and first <= s.start < last
                and not (at >= 0 and at <= s.start and s.end <= at + len(said))
                and not (quoted[0] <= s.start and s.end <= quoted[1])))

        # What its about relations link; else the entities the sentence names; else its paragraph's.
        subjects = (about.get((document.id, span.start, span.end)) or named(lo, hi)
                    or named(*paragraph_bounds(document.text, span.start)))
        found.append(((measure, value.get("unit"), start, end),
                      Mention(span, document, document.text[span.start : span.end], Decimal(value["amount"]),
                              value.get("unit"), chosen or (linked[0] if linked else None) or said
                              or cited_outlet(document.source), subjects)))
    return found, left


def fact_from(proposal: FactProposal, subject: str, accepted: str | None = None, note: str | None = None,
              attribution: str | None = None) -> Fact:
    """A fact recorded from a proposal: about the entities its figures' sentences name."""
    subjects = list(dict.fromkeys(entity for m in proposal.mentions for entity in m.subjects))
    return Fact(subject=subject, measure=proposal.measure, period_start=proposal.period_start,
                period_end=proposal.period_end, unit=proposal.unit, accepted_amount=accepted, note=note,
                mentions=[m.annotation.id for m in proposal.mentions], subjects=subjects, attribution=attribution)


def parse_period(text: str) -> tuple[date | None, date | None]:
    """A fact's period as a curator types it: ``2022-01-01 – 2022-12-31`` (any dash or
    "to" between), one day, or nothing. A CuratorError says what is wrong."""
    parts = [part for part in re.split(r"\s*(?:–|—|\bto\b|\s-\s|/)\s*", text.strip()) if part]
    if not parts:
        return None, None
    try:
        days = [date.fromisoformat(part) for part in parts]
    except ValueError as exc:
        raise CuratorError(f"period {text.strip()!r}: write it as YYYY-MM-DD – YYYY-MM-DD") from exc
    if len(days) > 2 or days[-1] < days[0]:
        raise CuratorError(f"period {text.strip()!r}: one day, or a first day and a last day after it")
    return days[0], days[-1]


def parse_accepted(text: str, unit: str | None) -> str | None:
    """The accepted value a curator typed or pasted, as exact decimal text in the fact's
    unit, or None for an empty box. ``24.2``, ``24,200,000,000`` and a figure as written
    (``US$24.2 billion``, read by the figure grammar) are accepted; anything else, or a
    figure in another unit, is a CuratorError saying why."""
    from curator.domain.figures import find_figures
    from curator.domain.values import finite_decimal

    text = text.strip()
    if not text:
        return None
    try:
        return finite_decimal(text)
    except ValueError as exc:
        reason = str(exc)
    whole = [found.value for found in find_figures(text) if (found.start, found.end) == (0, len(text))]
    figure = next((value for value in whole if value.unit == unit), whole[0] if whole else None)
    if figure is None:
        why = reason if "digits" in reason or "finite" in reason else "is not a figure"
        raise CuratorError(f"accepted value {text!r}: {why.removeprefix(f'amount {text!r} ')}. Type a number "
                           "such as 24200000000 or a figure as written, such as US$24.2 billion")
    if unit and figure.unit and figure.unit != unit:
        raise CuratorError(f"accepted value {text!r} is in {figure.unit}, but the fact is in {unit}")
    return figure.amount


def facts_overview(store: Store, proposals: list[FactProposal] | None = None, job: Job | None = None
                   ) -> list[tuple[FactProposal, Fact | None]]:
    """What the Facts view lists: every proposal not recorded yet, and every recorded fact
    with the figures it was recorded with, whatever the layers say later (a reviewer's
    gold copy of a figure is the same figure; a figure settled out of gold stays the
    fact's source). A recorded fact never vanishes and never changes under its curator.

    Figures a proposal finds at places no fact of its measure and period holds (a new
    article) join the first of those facts; a fact split into several (one per
    authority, say) lists each with its own figures. ``proposals``: as ``propose_facts``
    gives them, if the caller has them. Documents the proposals fail on are in
    ``job.failures``."""
    proposals = propose_facts(store, job=job) if proposals is None else proposals
    recorded: dict[tuple, list[Fact]] = {}
    for fact in sorted(store.facts().values(), key=lambda f: f.created):
        recorded.setdefault((fact.measure, fact.unit, fact.period_start, fact.period_end), []).append(fact)
    held = _recorded_mentions(store, [fact for facts in recorded.values() for fact in facts], proposals)
    rows: list[tuple[FactProposal, Fact | None]] = []
    for p in proposals:
        facts = recorded.pop((p.measure, p.unit, p.period_start, p.period_end), [])
        if not facts:
            rows.append((p, None))
            continue
        places = {_place(m) for fact in facts for m in held[fact.id]}
        new = [m for m in p.mentions if _place(m) not in places]
        for index, fact in enumerate(facts):
            rows.append((FactProposal(p.measure, p.unit, p.period_start, p.period_end,
                                      held[fact.id] + (new if index == 0 else []), fact.id), fact))
    for facts in recorded.values():  # no proposal matches them any more: listed with their own figures
        for fact in facts:
            rows.append((FactProposal(fact.measure, fact.unit, fact.period_start, fact.period_end, held[fact.id],
                                      fact.id), fact))
    return rows


def _place(mention: Mention) -> tuple[int, int, int]:
    return mention.document.id, mention.annotation.start, mention.annotation.end


def _recorded_mentions(store: Store, facts: list[Fact], proposals: list[FactProposal]) -> dict[str, list[Mention]]:
    """Each recorded fact's figures as mentions, by fact id: the proposals' mention where
    a proposal holds the span, else built from the span as stored (a figure span that is
    gone, or is no figure any more, is left out)."""
    known = {m.annotation.id: m for p in proposals for m in p.mentions}
    wanted = [mention for fact in facts for mention in fact.mentions if mention not in known]
    found = store.annotations_by_id(wanted) if wanted else {}
    documents = {doc_id: store.get_document(doc_id) for doc_id in {a.doc_id for a in found.values()}}
    attributed = store.attributions() if found else {}
    held: dict[str, list[Mention]] = {}
    for fact in facts:
        mentions = []
        for mention_id in fact.mentions:
            if mention_id in known:
                mentions.append(known[mention_id])
                continue
            span = found.get(mention_id)
            value = (span.value or {}) if span is not None else {}
            if span is None or value.get("type") != "figure":
                continue
            document = documents[span.doc_id]
            mentions.append(Mention(span, document, document.text[span.start : span.end], Decimal(value["amount"]),
                                    value.get("unit"), attributed.get(span.id)
                                    or attribution_of(sentence_around(document.text, span.start))
                                    or cited_outlet(document.source)))
        held[fact.id] = mentions
    return held


def _duplicate_clusters(store: Store) -> dict[int, int]:
    """Each document in a cluster of near-duplicate articles (the last search's pairs),
    mapped to the cluster's first document."""
    from curator.analysis.duplicates import pair_key
    from curator.analysis.near_duplicates import stored_near_duplicates

    parent: dict[int, int] = {}

    def root(doc_id: int) -> int:
        while parent.get(doc_id, doc_id) != doc_id:
            doc_id = parent[doc_id]
        return doc_id

    uid = store.uids()
    distinct = {key for key, d in store.decisions("documents").items() if d.decision == "distinct"}
    for pair in stored_near_duplicates(store) or []:
        if pair_key("documents", uid[pair.a], uid[pair.b]) in distinct:
            continue  # the curator said they are two articles: two votes
        a, b = root(pair.a), root(pair.b)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {doc_id: root(doc_id) for doc_id in parent}


def claims_of(proposals: list[FactProposal], clusters: dict[int, int]) -> list:
    """Every mention of every proposal as a truth-discovery claim: its outlet the source,
    its written precision the rounding, articles that cite another outlet or are near
    duplicates one dependent vote, and who the sentence attributes the figure to."""
    from curator.analysis.truth import Claim, half_unit

    claims = []
    for proposal in proposals:
        for mention in proposal.mentions:
            cluster = clusters.get(mention.document.id)
            cites = mention.cites
            group = f"cites:{cites.casefold()}" if cites else f"duplicates:{cluster}" if cluster is not None else None
            marker = "citing" if cites else "near-duplicate text" if cluster is not None else None
            claims.append(Claim(fact=proposal.key, source=mention.outlet, value=mention.amount,
                                half_unit=half_unit(mention.text, mention.amount), group=group, copies=cites,
                                marker=marker, attribution=mention.attribution, mention=mention.annotation.id))
    return claims


def proposed_values(store: Store, proposals: list[FactProposal]) -> dict[str, list]:
    """The value truth discovery proposes for each proposal (by key), over all of the
    project's facts at once: one ``FactTruth``, or one per authority when attributed
    figures disagree (two facts, not a conflict)."""
    from curator.analysis.truth import discover_truth

    if not proposals:
        return {}
    result = discover_truth(claims_of(proposals, _duplicate_clusters(store)))
    found: dict[str, list] = {}
    for truth in result.facts.values():
        found.setdefault(truth.split_from or truth.fact, []).append(truth)
    return found
