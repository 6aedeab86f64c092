import json
import random
from decimal import Decimal

import pytest

from curator.analysis.duplicates import entity_candidates, name_score, pair_key
from curator.analysis.facts import fact_from, propose_facts
from curator.analysis.minhash import EMPTY, candidate_pairs, signature, signatures
from curator.analysis.near_duplicates import (
    find_near_duplicates,
    shared_passages,
)
from curator.cli import main
from curator.domain.models import Annotation, Document, Entity
from curator.errors import CuratorError
from curator.formats.fact_table import fact_rows
from curator.session.commands import MergeEntities, SaveFact, SetDecision, SplitEntity


def words(rng, n):
    return " ".join(rng.choice(["trade", "china", "kazakhstan", "summit", "grain", "rail", "bank", "visa", "oil",
                                "minister", "talks", "signed", "port", "road", "belt", "energy", "wind", "solar",
                                "transit", "tariff"] + [f"w{i}" for i in range(3000)]) for _ in range(n))


def test_near_duplicates_are_found_without_comparing_all_pairs(store):
    rng = random.Random(7)
    originals = [words(rng, 300) for _ in range(60)]
    copies = {5: originals[5], 12: originals[12].replace("trade", "commerce") + " Related articles",
              30: "Breaking: " + originals[30][: len(originals[30]) * 3 // 4]}
    docs = [Document(uid=f"d{i}", text=t) for i, t in enumerate(originals)]
    docs += [Document(uid=f"copy-of-{i}", text=t) for i, t in copies.items()]
    ids = store.add_documents(docs)
    uid = {doc_id: doc.uid for doc_id, doc in zip(ids, docs)}
    pairs = find_near_duplicates(store, threshold=0.5, workers=1)
    found = {tuple(sorted((uid[p.a], uid[p.b]))) for p in pairs}
    assert found == {("copy-of-5", "d5"), ("copy-of-12", "d12"), ("copy-of-30", "d30")}
    exact = next(p for p in pairs if {uid[p.a], uid[p.b]} == {"d5", "copy-of-5"})
    assert exact.similarity == 1.0


def test_the_search_keeps_fingerprints_not_signatures(store):
    """Streamed: of each of 8,000 articles the search keeps its band keys and fingerprint
    (about 660 bytes), never every article's signature (1 KB each, twice over when they
    were joined), so its Python memory stays under a batch's hashing (about 5 MB) and a
    kilobyte an article; the planted copies are still found."""
    import tracemalloc

    rng = random.Random(11)
    vocabulary = [f"w{i}" for i in range(3_000)]
    texts = [" ".join(rng.choices(vocabulary, k=25)) for _ in range(8_000)]
    texts[4_000], texts[7_999] = texts[10], texts[20] + " and more"
    store.add_document_rows([{"uid": f"d{i}", "title": None, "source": None, "url": None, "published": None,
                              "text": text, "origin": None, "extra": {}} for i, text in enumerate(texts)])
    tracemalloc.start()
    try:
        pairs = find_near_duplicates(store, threshold=0.5, workers=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    uids = store.uids()
    assert {(uids[p.a], uids[p.b]) for p in pairs} >= {("d10", "d4000"), ("d20", "d7999")}
    assert peak < 5_000_000 + 8_000 * 1_000, f"{peak:,} bytes at the peak"


def test_fingerprints_estimate_what_signatures_estimate():
    """A fingerprint keeps 8 bits of each bin; taking out the bins that agree by chance, its
    estimate is the signature's within a few hundredths, and 1.0 for the same text."""
    import numpy as np

    from curator.analysis.minhash import fingerprint_similarity, fingerprints

    rng = random.Random(3)
    base = [words(rng, 400) for _ in range(30)]
    near = [text.rsplit(" ", rng.randrange(20, 300))[0] + " " + words(rng, rng.randrange(10, 150)) for text in base]
    rows = signatures(base + near)
    a, b = np.arange(30), np.arange(30, 60)
    full = (rows[a] == rows[b]).mean(axis=1)
    printed = fingerprint_similarity(fingerprints(rows), a, b)
    assert np.abs(full - printed).mean() < 0.03 and np.abs(full - printed).max() < 0.1
    assert fingerprint_similarity(fingerprints(rows), a, a).tolist() == [1.0] * 30


def test_signatures_estimate_jaccard():
    rng = random.Random(1)
    text = words(rng, 400)
    assert (signature(text) == signature(text)).all()
    changed = text.rsplit(" ", 100)[0] + " " + words(rng, 100)
    estimate = (signature(text) == signature(changed)).mean()
    assert 0.45 < estimate < 0.85


def _shingles(text):
    words = text.lower().split()
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def test_signatures_of_a_batch_are_each_texts_own_and_estimate_jaccard_closely():
    rng = random.Random(4)
    base = [words(rng, 500) for _ in range(20)]
    texts = [text.rsplit(" ", rng.randrange(50, 300))[0] + " " + words(rng, rng.randrange(20, 200)) for text in base]
    rows = signatures(base + texts + ["", "one", "two words"])
    assert all((rows[i] == signature(text)).all() for i, text in enumerate(base + texts))  # no text leaks into another
    errors = [abs((rows[i] == rows[20 + i]).mean()
                  - len(_shingles(base[i]) & _shingles(texts[i])) / len(_shingles(base[i]) | _shingles(texts[i])))
              for i in range(20)]
    assert sum(errors) / len(errors) < 0.06
    assert (rows[40] == EMPTY).all() and not (rows[41] == EMPTY).any() and not (rows[42] == EMPTY).any()
    assert (signature("Trade, TRADE trade") == signature("trade trade trade")).all()  # words, lower-cased


def test_candidate_pairs_are_every_pair_agreeing_on_a_band():
    rng = random.Random(5)
    text = words(rng, 300)
    # Three copies of one text, two of another, near copies and strangers.
    texts = [text, words(rng, 300), text, text + " extra words here", text, "", words(rng, 50), words(rng, 50)]
    texts[6] = texts[7]
    rows = signatures(texts)
    found = set()
    for a, b in candidate_pairs(rows):
        assert (a < b).all()
        found |= set(zip(a.tolist(), b.tolist()))
    from curator.analysis.minhash import BANDS, ROWS
    expected = {(i, j) for i in range(len(texts)) for j in range(i + 1, len(texts))
                if texts[i] and texts[j] and any((rows[i, k * ROWS:(k + 1) * ROWS] == rows[j, k * ROWS:(k + 1) * ROWS])
                                                 .all() for k in range(BANDS))}
    assert found == expected
    assert {(0, 2), (0, 4), (2, 4), (6, 7), (0, 3)} <= found and not any(5 in pair for pair in found)


def test_shared_passages_line_up_in_both_texts():
    a = "Intro A. The minister said trade grew by 35% last year to a record level. End A."
    b = "Other intro. The minister said trade grew by 35% last year to a record level! End B."
    [(a0, a1, b0, b1)] = shared_passages(a, b)
    assert a[a0:a1] == "The minister said trade grew by 35% last year to a record level. End"
    assert b[b0:b1] == "The minister said trade grew by 35% last year to a record level! End"  # same words


def test_document_decisions_are_stored_and_undoable(store):
    key = pair_key("documents", "b", "a")
    assert key == "documents:a|b"
    undo = SetDecision(key, "documents", "duplicate", keep="a").apply(store)
    assert store.decisions()[key].keep == "a"
    redo = undo.apply(store)
    assert store.decisions() == {}
    redo.apply(store)
    SetDecision(key, "documents", "distinct").apply(store)
    assert store.decisions()[key].decision == "distinct"


@pytest.mark.parametrize(
    ("x", "y", "reason"),
    [("Ma Xingrui", "Ma Xingruy", "spelling variant"), ("Xingrui", "Ma Xingrui", "contained name"),
     ("XUAR", "Xinjiang Uygur Autonomous Region", "abbreviation"),
     ("Xinjiang Uygur Autonomous Region", "Xinjiang Uyghur Autonomous Region", "spelling variant"),
     ("Belt and Road Initiative", "One Belt, One Road", "shared words"),
     ("SCO", "Shanghai Cooperation Organization", "abbreviation")],
)
def test_name_variants_score_high(x, y, reason):
    score, why = name_score(x, y)
    assert score >= 80 and why == reason


@pytest.mark.parametrize(("x", "y"), [("China", "Kazakhstan"), ("People's Republic of China", "Republic of Kazakhstan"),
                                      ("Li Qiang", "Wang Yi"), ("Astana", "Ürümqi")])
def test_different_names_score_low(x, y):
    assert name_score(x, y)[0] < 80


def linked(store, doc_id, word, entity, annotator="a", length=None):
    text = store.get_document(doc_id).text
    start = text.index(word)
    end = start + (length or len(word))
    return store.add_annotation(Annotation(doc_id=doc_id, start=start, end=end, label=entity.type,
                                           annotator=annotator, entity_id=entity.id))


def test_entity_variants_merge_and_a_wrong_merge_splits_back(sample_store):
    doc = sample_store.document_by_uid(sample_store.get_document(sample_store.add_documents(
        [Document(uid="variants", text="Ma Xingrui met Tokayev. Ma Xingruy spoke. Then Xingrui left.")])[0]).uid)
    ma = sample_store.add_entity(Entity(name="Ma Xingrui", type="PERSON"))
    variant = sample_store.add_entity(Entity(name="Ma Xingruy", type="PERSON"))
    short = sample_store.add_entity(Entity(name="Xingrui", type="PERSON"))
    li = sample_store.add_entity(Entity(name="Li Qiang", type="PERSON"))
    m1, m2, m3 = linked(sample_store, doc.id, "Ma Xingrui", ma), linked(sample_store, doc.id, "Ma Xingruy", variant), \
        linked(sample_store, doc.id, "Xingrui left", short, length=7)
    candidates = entity_candidates(sample_store)
    pairs = {frozenset((c.a.name, c.b.name)) for c in candidates}
    assert {frozenset(("Ma Xingrui", "Ma Xingruy")), frozenset(("Ma Xingrui", "Xingrui"))} <= pairs
    assert not any("Li Qiang" in pair for pair in pairs)

    MergeEntities(ma.id, [variant.id, short.id]).apply(sample_store)
    merged = sample_store.get_entity(ma.id)
    assert merged.aliases == ["Ma Xingruy", "Xingrui"]
    assert {sample_store.get_annotation(m.id).entity_id for m in (m1, m2, m3)} == {ma.id}
    assert [e.name for e in sample_store.entities()] == ["Li Qiang", "Ma Xingrui"]
    assert entity_candidates(sample_store) == []

    # "Xingrui" was a wrong merge: split it back off, with the mention written that way.
    undo = SplitEntity(ma.id, ["Xingrui"]).apply(sample_store)
    names = {e.name: e for e in sample_store.entities()}
    assert set(names) == {"Li Qiang", "Ma Xingrui", "Xingrui"}
    assert sample_store.get_annotation(m3.id).entity_id == names["Xingrui"].id
    assert sample_store.get_annotation(m1.id).entity_id == ma.id
    undo.apply(sample_store)
    assert sample_store.get_entity(ma.id).aliases == ["Ma Xingruy", "Xingrui"]
    assert sample_store.get_annotation(m3.id).entity_id == ma.id
    with pytest.raises(CuratorError):
        SplitEntity(ma.id, ["Ma Xingrui", "Ma Xingruy", "Xingrui"]).apply(sample_store)
    assert li


def test_undo_merge_restores_both_entities_and_links(sample_store):
    doc = sample_store.document_by_uid("002_dbc77deba9cd34d7")
    a = sample_store.add_entity(Entity(name="Xinjiang Uygur Autonomous Region", type="LOCATION"))
    b = sample_store.add_entity(Entity(name="XUAR", type="LOCATION", aliases=["Xinjiang"]))
    mention = linked(sample_store, doc.id, "Xinjiang", b)
    undo = MergeEntities(a.id, [b.id]).apply(sample_store)
    assert sample_store.get_annotation(mention.id).entity_id == a.id
    undo.apply(sample_store)
    assert sample_store.get_entity(b.id).aliases == ["Xinjiang"]
    assert sample_store.get_annotation(mention.id).entity_id == b.id


def test_distinct_entities_are_not_proposed_again(sample_store):
    a = sample_store.add_entity(Entity(name="China-Central Asia summit", type="INITIATIVE"))
    b = sample_store.add_entity(Entity(name="China-Central Asia mechanism", type="INITIATIVE"))
    [candidate] = entity_candidates(sample_store)
    SetDecision(candidate.key, "entities", "distinct").apply(sample_store)
    assert entity_candidates(sample_store) == [] and a and b


def test_trade_turnover_facts_are_grouped_with_conflicts(annotated_sample):
    proposals = {(p.measure, str(p.period_start)): p for p in propose_facts(annotated_sample)}
    t2022 = proposals[("trade turnover", "2022-01-01")]
    assert sorted(m.amount for m in t2022.mentions) == [Decimal("24000000000"), Decimal("24100000000"),
                                                        Decimal("24200000000")]
    assert len({m.document.uid for m in t2022.mentions}) == 3 and t2022.conflict()
    t2023 = proposals[("trade turnover", "2023-01-01")]
    assert sorted(m.text for m in t2023.mentions) == ["$31.5 billion", "$41 bn"]
    assert t2023.spread == pytest.approx(1 - 31.5 / 41)


def test_recording_a_fact_with_provenance(annotated_sample, tmp_path):
    proposal = next(p for p in propose_facts(annotated_sample) if str(p.period_start) == "2022-01-01")
    fact = fact_from(proposal, "Kazakhstan-China", accepted="24100000000",
                     note="Official customs figure; the others are rounded")
    undo = SaveFact(fact).apply(annotated_sample)
    rows = fact_rows(annotated_sample)
    assert len(rows) == 3 and {r["accepted_amount"] for r in rows} == {"24100000000"}
    assert {r["source"] for r in rows} == {"nCa (News Central Asia)", "TDI", "Trend (citing TurkicWorld)"}
    import openpyxl

    from curator.formats.excel import export_xlsx
    from curator.formats.export import export_json

    export_json(annotated_sample, tmp_path / "out.json")
    [exported] = json.loads((tmp_path / "out.json").read_text())["facts"]
    assert exported["accepted_amount"] == "24100000000" and exported["period_start"] == "2022-01-01"
    assert sorted(m["text"] for m in exported["mentions"]) == ["$24 billion", "$24.1 billion", "US$24.2 billion"]
    export_xlsx(annotated_sample, tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["facts"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, (c.value for c in sheet[2])))
    assert first["accepted_amount"] == 24100000000 and first["measure"] == "trade turnover"
    assert sheet.max_row == 4
    undo.apply(annotated_sample)
    assert annotated_sample.facts() == {}


def test_duplicates_command(annotated_sample, capsys, tmp_path):
    copy = tmp_path / "syndicated.txt"
    copy.write_text(annotated_sample.document_by_uid("003_d3a778e1918d26d9").text + "\nShared by Daryo", encoding="utf-8")
    main(["import", str(annotated_sample.location), str(copy)])
    capsys.readouterr()
    assert main(["duplicates", str(annotated_sample.location)]) == 0
    out = capsys.readouterr().out
    assert "003_d3a778e1918d26d9  ~  syndicated" in out and "CONFLICT" in out
    assert main(["duplicates", str(annotated_sample.location), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["documents"][0]["similarity"] > 0.9 and len(data["facts"]["proposed"]) == 2


def test_the_samples_entity_variants_are_proposed(annotated_sample):
    pairs = {frozenset((c.a.name, c.b.name)) for c in entity_candidates(annotated_sample)}
    for pair in [("Ma Xingrui", "Ma Xingruy"), ("Ma Xingrui", "Xingrui"),
                 ("Xinjiang Uygur Autonomous Region", "XUAR"), ("Belt and Road Initiative", "One Belt, One Road")]:
        assert frozenset(pair) in pairs, pair


@pytest.mark.parametrize(("a", "b"), [("Veltrix Corp", "Veltrix Inc"), ("Veltrix Corp.", "Veltrix Inc."),
                                      ("Nordvik Steel AG", "Nordvik Steel GmbH"), ("Kazmunaigas JSC", "KazMunaiGas PLC")])
def test_one_company_written_with_two_legal_forms_is_a_candidate(a, b):
    score, reason = name_score(a, b)
    assert score >= 80 and reason == "the same name, another legal form"


def test_two_companies_of_one_legal_form_are_not_one_for_it():
    assert name_score("Veltrix Corp", "Nordvik Corp")[0] < 80
