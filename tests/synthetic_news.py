"""A small project of made-up news for the learned recommender's tests: sentences with
people, organisations and places, where the names of the articles to learn from and of
the articles to suggest for are different, so what is suggested was learned, not
remembered. The names are invented; no rule knows them and the register starts empty."""

from __future__ import annotations

import random
from pathlib import Path

from curator.domain.models import Annotation, Document, DocumentStatus
from curator.store import Store

TEMPLATES = (
    "{P} said on Tuesday that the talks in {L} went well.",
    "Officials of {O} met {P} in {L} to discuss the new pipeline.",
    "According to {O}, exports from {L} rose last month.",
    "{P}, who heads {O}, visited {L} and the villages nearby.",
    "The delegation led by {P} arrived in {L} late in the evening.",
    "Shares of {O} fell after the announcement in {L}.",
    "{P} told reporters that {O} would open an office in {L}.",
    "Farmers near {L} complained to {O} about the price of water.",
    "A spokesman for {O} declined to comment on the plans of {P}.",
    "Residents of {L} welcomed the decision, {P} said.",
)


def _names(firsts: list[str], seconds: list[str], join: str = " ") -> list[str]:
    return [f"{a}{join}{b}" for a in firsts for b in seconds]


# Names are made of parts: the articles to learn from and those to suggest for share none.
LEARNED_FROM = {
    "PERSON": _names(["Arman", "Dana", "Bolat", "Saule", "Timur", "Gulnara", "Yerlan", "Aliya", "Kanat", "Madina"],
                     ["Tulegenov", "Yeskendir", "Kuanyshev", "Amanova", "Ospanov", "Sadykova", "Baimukhan",
                      "Zhaksylyk", "Nurpeisov", "Temirova"]),
    "ORG": _names(["Kazlogistics", "Steppe", "Altyn", "Irtysh", "Zhetysu", "Saryarka", "Tobol", "Ilek"],
                  ["Group", "Minerals", "Grain Board", "Water Company", "Rail Union", "Power"]),
    "LOCATION": _names(["Kara", "Ush", "Bel", "Sary", "Kok", "Taldy", "Ak", "Zhan"],
                       ["tobe", "konyr", "terek", "ozek", "zhar", "su"], join=""),
}
SUGGESTED_FOR = {
    "PERSON": _names(["Nurlan", "Meruert", "Daulet", "Zarina"], ["Abenov", "Iskakova", "Serikbay", "Mukanova"]),
    "ORG": _names(["Tengri", "Aral", "Kokshe"], ["Cotton Trust", "Fisheries Board", "Metals"]),
    "LOCATION": _names(["Shal", "Em", "Oy"], ["kar", "ba", "mak"], join=""),
}


def article(rng: random.Random, names: dict[str, list[str]], sentences: int = 8) -> tuple[str, list[tuple]]:
    """A made-up article and its spans (start, end, label)."""
    text, spans = "", []
    for _ in range(sentences):
        template = rng.choice(TEMPLATES)
        sentence = ""
        rest = template
        while "{" in rest:
            before, slot, rest = rest.partition("{")[0], rest.partition("{")[2][0], rest.partition("}")[2]
            sentence += before
            label = {"P": "PERSON", "O": "ORG", "L": "LOCATION"}[slot]
            name = rng.choice(names[label])
            start = len(text) + len(sentence)
            spans.append((start, start + len(name), label))
            sentence += name
        sentence += rest
        text += sentence + " "
    return text.strip(), spans


def build(location: str | Path, learned_from: int = 10, suggested_for: int = 4, annotator: str = "aigerim",
          seed: int = 7) -> tuple[Store, list[int], list[int], dict[int, list[tuple]]]:
    """A project with ``learned_from`` articles annotated and marked done by ``annotator``
    and ``suggested_for`` to do, with new names. Returns the store, both lists of document
    ids, and the true spans of every article."""
    rng = random.Random(seed)
    store = Store.create(location)
    truth: dict[int, list[tuple]] = {}
    done, todo = [], []
    for index in range(learned_from + suggested_for):
        learned = index < learned_from
        text, spans = article(rng, LEARNED_FROM if learned else SUGGESTED_FOR)
        doc_id = store.add_documents([Document(uid=f"news-{index:03d}", text=text)])[0]
        truth[doc_id] = spans
        if learned:
            store.add_annotations([Annotation(doc_id=doc_id, start=s, end=e, label=label, annotator=annotator)
                                   for s, e, label in spans])
            store.set_status(doc_id, annotator, DocumentStatus.DONE)
            done.append(doc_id)
        else:
            todo.append(doc_id)
    return store, done, todo, truth
