"""Facts use relations: an ``attributed_to`` relation from a figure sets that mention's
attribution over what its sentence says, truth discovery follows it, and on the sample
project it changes the 2023 facts as the README says."""

from curator.analysis.fact_report import fact_report, report_json
from curator.analysis.facts import group_figures
from curator.domain.models import Annotation, Document, Project, Relation
from curator.domain.schema import template
from curator.formats.fact_table import fact_rows
from curator.session import Session
from curator.session.commands import SetAttribution
from curator.session.relation_commands import AddRelation
from curator.store import Store


def trade_2023(store):
    return next(f for f in report_json(fact_report(store)) if f["period"] == "2023-01-01/2023-12-31")


def test_on_the_sample_project_attributing_a_figure_by_relation_splits_the_2023_fact(
        annotated_sample_on_each_backend):
    """The README's example: the $31.5 billion of the Akorda's report is linked to the
    "Akorda press service" span daniyar tagged. The 2023 trade turnover was one fact in
    conflict ($31.5 billion against $41 bn, spread 23%); the two figures now come from two
    authorities, so it is split by authority, each value proposed with full confidence."""
    store = annotated_sample_on_each_backend
    before = trade_2023(store)
    assert before["status"] == "conflict" and len(before["proposed"]) == 1
    assert [m["attribution"] for m in before["mentions"]] == [None, "MFA of Kazakhstan"]
    document = store.document_by_uid("001_7f242fc889ef2bf1")
    layer = {document.text[a.start:a.end]: a for a in store.annotations_for(document.id, "daniyar")}
    session = Session(store, "daniyar")
    session.do(AddRelation(Relation(doc_id=document.id, source_id=layer["$31.5 billion"].id,
                                    target_id=layer["Akorda press service"].id, label="attributed_to",
                                    annotator="daniyar")))
    after = trade_2023(store)
    assert after["status"] == "split by authority"
    assert [m["attribution"] for m in after["mentions"]] == ["Akorda press service", "MFA of Kazakhstan"]
    assert {(p["attribution"], p["value"], p["confidence"]) for p in after["proposed"]} == {
        ("akorda press service", "31500000000", 1.0), ("mfa of kazakhstan", "41000000000", 1.0)}
    session.undo()
    assert trade_2023(store)["status"] == "conflict"  # the relation gone, the sentence rules again


TEXT = ("Exports reached $2.0 billion in 2023, Aliya Sarsen said. The Customs Committee gave no figure. "
        "Trade turnover reached $2.1 billion in 2023, the Ministry of Trade reported.")


def test_a_relation_overrides_the_sentence_and_keeps_its_authority_out_of_the_subjects(project_target):
    from curator.domain.models import Entity

    store = Store.create(project_target, Project(label_schema=template("news")))
    first = store.add_documents([Document(uid="a", text=TEXT, source="Outlet A")])[0]
    store.add_entity(Entity(id="committee", name="Customs Committee", type="ORG"))
    year = {"type": "date", "start": "2023-01-01", "end": "2023-12-31", "granularity": "year"}
    spans = {}
    for words, label, value, at in (
            ("$2.0 billion", "MONEY", {"type": "figure", "amount": "2000000000", "unit": "USD"}, 0),
            ("$2.1 billion", "MONEY", {"type": "figure", "amount": "2100000000", "unit": "USD"}, 0),
            ("2023", "DATE", year, 0), ("2023", "DATE", year, TEXT.index("Trade")),
            ("Customs Committee", "ORG", None, 0), ("Aliya Sarsen", "PERSON", None, 0)):
        start = TEXT.index(words, at)
        spans[words] = store.add_annotation(Annotation(
            doc_id=first, start=start, end=start + len(words), label=label, annotator="ana", value=value,
            entity_id="committee" if label == "ORG" else None))

    def mentions():
        return {m.text: m for p in group_figures(store, min_documents=1)[0] for m in p.mentions}

    assert mentions()["$2.0 billion"].attribution == "Aliya Sarsen"  # the sentence's rule
    assert mentions()["$2.0 billion"].subjects == ("committee",)  # (named in its paragraph)
    AddRelation(Relation(doc_id=first, source_id=spans["$2.0 billion"].id, target_id=spans["Customs Committee"].id,
                         label="attributed_to", annotator="ana")).apply(store)
    assert mentions()["$2.0 billion"].attribution == "Customs Committee"  # the relation, over the sentence
    assert mentions()["$2.0 billion"].subjects == ()  # whom it is attributed to is not what it is about
    assert mentions()["$2.1 billion"].attribution == "Ministry of Trade"  # no relation: the sentence, as before
    SetAttribution(spans["$2.0 billion"].id, "State Revenue Committee").apply(store)
    assert mentions()["$2.0 billion"].attribution == "State Revenue Committee"  # said on the figure itself: first
    store.close()


def test_the_facts_table_names_the_related_authority(annotated_sample_on_each_backend):
    from curator.analysis.facts import fact_from, propose_facts
    from curator.session.commands import SaveFact

    store = annotated_sample_on_each_backend
    document = store.document_by_uid("001_7f242fc889ef2bf1")
    layer = {document.text[a.start:a.end]: a for a in store.annotations_for(document.id, "aigerim")}
    org = store.add_annotation(Annotation(doc_id=document.id, start=document.text.index("Akorda press service"),
                                          end=document.text.index("Akorda press service") + 20, label="ORG",
                                          annotator="aigerim"))
    AddRelation(Relation(doc_id=document.id, source_id=layer["$31.5 billion"].id, target_id=org.id,
                         label="attributed_to", annotator="aigerim")).apply(store)
    proposal = next(p for p in propose_facts(store) if str(p.period_start) == "2023-01-01")
    SaveFact(fact_from(proposal, "Kazakhstan-China")).apply(store)
    rows = {row["text"]: row for row in fact_rows(store)}
    assert rows["$31.5 billion"]["attributed_to"] == "Akorda press service"


def test_about_relations_set_a_figures_subjects_over_its_paragraph(project_target):
    from curator.domain.models import Entity

    text = "Turnover reached $2.1 billion in 2023, the Ministry of Trade reported. Kazakhstan and China agreed."
    store = Store.create(project_target, Project(label_schema=template("news")))
    doc_id = store.add_documents([Document(uid="a", text=text)])[0]
    for entity_id, name in (("kz", "Kazakhstan"), ("cn", "China")):
        store.add_entity(Entity(id=entity_id, name=name, type="LOCATION"))
    spans = {}
    for words, label, value, entity in (
            ("$2.1 billion", "MONEY", {"type": "figure", "amount": "2100000000", "unit": "USD"}, None),
            ("2023", "DATE", {"type": "date", "start": "2023-01-01", "end": "2023-12-31", "granularity": "year"},
             None),
            ("Kazakhstan", "LOCATION", None, "kz"), ("China", "LOCATION", None, "cn")):
        start = text.index(words)
        spans[words] = store.add_annotation(Annotation(doc_id=doc_id, start=start, end=start + len(words),
                                                       label=label, annotator="ana", value=value, entity_id=entity))

    def subjects():
        return next(m for p in group_figures(store, min_documents=1)[0] for m in p.mentions).subjects

    assert subjects() == ("kz", "cn")  # its sentence names none: its paragraph's
    AddRelation(Relation(doc_id=doc_id, source_id=spans["$2.1 billion"].id, target_id=spans["China"].id,
                         label="about", annotator="ana")).apply(store)
    assert subjects() == ("cn",)  # what the curator said it is about
    store.close()
