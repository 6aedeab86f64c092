"""One text is one text: Unicode forms, clusters and spellings of one identity.

Article text stays byte-identical; names, ids and entity variants are compared in one
normal form (NFC, folded where case does not matter), and word boundaries fall between
clusters, never inside one."""

from __future__ import annotations

import unicodedata

from curator.domain.models import Annotation, Document
from curator.formats.interop import export_interop, import_annotated
from curator.store import Store

NFD_KOELN = unicodedata.normalize("NFD", "Köln")


def test_a_conll_export_never_splits_a_cluster(tmp_path):
    store = Store.create(tmp_path / "p")
    text = f"Talks in {NFD_KOELN} and दिल्ली ended."
    doc = store.add_documents([Document(uid="d", text=text)])[0]
    for word in (NFD_KOELN, "दिल्ली"):
        start = text.index(word)
        store.add_annotation(Annotation(doc_id=doc, start=start, end=start + len(word), label="LOCATION",
                                        annotator="a"))
    target = tmp_path / "out.conll"
    export_interop(store, target, "conll", "a")
    lines = target.read_text(encoding="utf-8").splitlines()
    assert f"{NFD_KOELN} B-LOCATION" in lines and "दिल्ली B-LOCATION" in lines
    again = Store.create(tmp_path / "q")
    import_annotated(again, target, "conll")
    (document, spans), = again.iter_documents_with_annotations()
    assert sorted(document.text[s.start:s.end] for s in spans) == sorted([NFD_KOELN, "दिल्ली"])
    assert "Ko \u0308 ln" not in document.text


# -- one identity, many spellings ----------------------------------------------------------

import json  # noqa: E402
import zipfile  # noqa: E402

import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from curator.analysis.duplicates import entity_candidates, name_score  # noqa: E402
from curator.analysis.minhash import signature  # noqa: E402
from curator.analysis.suggest import EntityMatcher, suggest_document  # noqa: E402
from curator.domain.models import Entity  # noqa: E402
from curator.formats.articles import import_files  # noqa: E402


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


ACCENTED = "aeiouAEIOUçÇñÑüÜöÖäÄéÉèàâêîôûëïÿẞßşŞğĞıİąęłńśźżőűǅǆ"
_WORDS = st.text(alphabet=st.sampled_from(list(ACCENTED + "bcdfgklmnrstz")), min_size=2, max_size=9)


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, min_size=3, max_size=30))
def test_the_nfc_and_nfd_spellings_of_an_article_are_one_text(words):
    text = " ".join(words)
    assert (signature(nfc(text)) == signature(nfd(text))).all()
    assert (signature(text) == signature(text.upper().lower())).all() or text.upper().lower() != text.lower()


def test_nfc_and_nfd_copies_of_one_article_are_near_duplicates(tmp_path, capsys):
    from curator.cli import main

    body = ("Die Gespräche in Zürich über Öl und Gas dauerten länger als geplant; die Delegation aus Köln "
            "und Düsseldorf sprach über Zölle, Preise und die Straße nach Süden. ") * 4
    with Store.create(tmp_path / "p") as store:
        store.add_documents([Document(uid="nfc", text=nfc(body)), Document(uid="nfd", text=nfd(body))])
    assert main(["duplicates", str(tmp_path / "p"), "--json"]) == 0
    (pair,) = json.loads(capsys.readouterr().out)["documents"]
    assert {pair["a"], pair["b"]} == {"nfc", "nfd"} and pair["similarity"] == 1.0
    from curator.analysis.near_duplicates import shared_passages

    ((a_start, a_end, b_start, b_end),) = shared_passages(nfc(body), nfd(body))
    assert (a_start, a_end, b_start, b_end) == (0, len(nfc(body)) - 2, 0, len(nfd(body)) - 2)  # to the last word


@settings(max_examples=150, deadline=None)
@given(_WORDS, _WORDS)
def test_entity_names_in_either_form_or_case_are_the_same_name(first, second):
    name = f"{first} {second}"
    assert name_score(nfc(name), nfd(name)) == (100.0, "same name")


def test_nfc_and_nfd_entities_are_merge_candidates_like_case_variants(tmp_path):
    with Store.create(tmp_path / "p") as store:
        for name in (nfc("Zürich"), nfd("Zürich"), "Bern", "BERN"):
            store.add_entity(Entity(name=name, type="LOCATION"))
        scores = {frozenset((c.a.name, c.b.name)): c.score for c in entity_candidates(store)}
    assert scores[frozenset((nfc("Zürich"), nfd("Zürich")))] == scores[frozenset(("Bern", "BERN"))] == 100.0


@settings(max_examples=100, deadline=None)
@given(_WORDS, st.sampled_from(["NFC", "NFD"]), st.sampled_from(["NFC", "NFD"]))
def test_a_known_entity_is_found_whatever_form_the_name_and_the_text_are_in(word, name_form, text_form):
    name = unicodedata.normalize(name_form, f"{word.capitalize()} City")
    text = unicodedata.normalize(text_form, f"Talks in {word.capitalize()} City, said the mayor of {word}x.")
    entity = Entity(name=name, type="LOCATION")
    found = EntityMatcher([entity]).find(text)
    assert [(nfc(text[start:end]), hit.id) for start, end, hit in found] == [(nfc(name), entity.id)]


def test_an_entity_known_in_nfc_is_suggested_in_nfd_text(tmp_path):
    with Store.create(tmp_path / "p") as store:
        text = nfd("Die Delegation aus Zürich traf sich mit Vertretern aus Köln.")
        doc = store.add_documents([Document(uid="d", text=text)])[0]
        zurich = Entity(name="Zürich", type="LOCATION")
        store.add_entity(zurich)
        (found,) = [s for s in suggest_document(store, doc, "a") if s.source == "entities"]
        assert text[found.start:found.end] == nfd("Zürich") and found.entity_id == zurich.id


def _workbook(path, ids: list[int]):
    """A workbook whose id column holds ``ids`` as numbers, written digit for digit (as
    programs that keep whole numbers write them)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "text"])
    for index, _number in enumerate(ids):
        sheet.append([7_000_001 + index, f"Article number {index}."])
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for index, number in enumerate(ids):
        xml = xml.replace(f"<v>{7_000_001 + index}</v>", f"<v>{number}</v>")
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 10**18 - 1), min_size=1, max_size=4, unique=True))
def test_workbook_ids_are_the_ids_a_csv_of_the_same_articles_gives(tmp_path_factory, ids):
    folder = tmp_path_factory.mktemp("ids")
    _workbook(folder / "a.xlsx", ids)
    (folder / "a.csv").write_text("id,text\n" + "".join(f"{n},Article number {i}.\n" for i, n in enumerate(ids)),
                                  encoding="utf-8")
    with Store.create(folder / "p") as store:
        first = import_files(store, [folder / "a.xlsx"])
        second = import_files(store, [folder / "a.csv"])
        assert not first.problems and not second.problems
        assert sorted(store.uids().values()) == sorted(str(n) for n in ids)  # 1001, not 1001.0: each once
        assert len(second.already_present) == len(ids)


def test_a_workbook_id_rounded_where_it_was_written_is_refused_by_name(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["id", "text"])
    book.active.append([1001, "One."])
    book.active.append([123456789012345678, "Rounded when written: 1.234567890123457e+17."])
    book.save(tmp_path / "a.xlsx")
    with Store.create(tmp_path / "p") as store:
        report = import_files(store, [tmp_path / "a.xlsx"])
        assert list(store.uids().values()) == ["1001"]
    (problem,) = report.problems
    assert problem.record == "row 3" and "longer than a spreadsheet number holds exactly" in problem.reason
    assert "Keep ids as text" in problem.reason


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_a_document_id_is_one_id_in_either_form(tmp_path, form):
    """Ids are kept in NFC: an article re-imported under the NFD spelling of its id (a
    file name from macOS, say) is the same article, and a layer file finds it."""
    with Store.create(tmp_path / "p") as store:
        (tmp_path / "a.jsonl").write_text(json.dumps({"id": nfc("Köln-1"), "text": "Talks in Köln."}) + "\n",
                                          encoding="utf-8")
        (tmp_path / "b.jsonl").write_text(json.dumps({"id": nfd("Köln-1"), "text": "Talks in Köln."}) + "\n",
                                          encoding="utf-8")
        import_files(store, [tmp_path / "a.jsonl"])
        again = import_files(store, [tmp_path / "b.jsonl"])
        assert list(store.uids().values()) == [nfc("Köln-1")] and len(again.already_present) == 1
        assert store.document_by_uid(unicodedata.normalize(form, "Köln-1")).uid == nfc("Köln-1")
        (tmp_path / "c.txt").write_text("Talks in Köln.", encoding="utf-8")
        (tmp_path / nfd("Köln-1.txt")).write_text("Talks in Köln.", encoding="utf-8")
        import_files(store, [tmp_path / nfd("Köln-1.txt")])
        assert list(store.uids().values()) == [nfc("Köln-1")]


def test_a_category_choice_in_either_form_is_the_projects_choice():
    from curator.domain.schema import CategorySet, Choice
    from curator.formats.annotated import fitting_categories
    from curator.formats.reports import ImportReport

    topic = CategorySet(name="topic", choices=[Choice(name=nfd("Économie")), Choice(name="Politics")])
    assert topic.names == [nfc("Économie"), "Politics"]
    with pytest.raises(ValueError, match="twice"):
        CategorySet(name="t", choices=[Choice(name=nfc("Économie")), Choice(name=nfd("Économie"))])
    report = ImportReport()
    kept = fitting_categories([("a", "topic", [nfd("Économie")])], {"topic": topic}, report, "f", "doc")
    assert kept == [("a", "topic", [nfc("Économie")])] and not report.problems
