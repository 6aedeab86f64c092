import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from curator.domain.models import Entity
from curator.formats.articles import import_files
from curator.store import Store


@pytest.fixture
def duplicates(open_window, annotated_project, qtbot, tmp_path):
    store = Store.open(annotated_project)
    copy = tmp_path / "syndicated.txt"
    copy.write_text("Shared by Daryo\n\n" + store.document_by_uid("003_d3a778e1918d26d9").text, encoding="utf-8")
    import_files(store, [copy])
    store.add_entity(Entity(name="Ma Xingruy", type="PERSON"))  # a variant kept apart by mistake
    store.close()
    window = open_window(annotated_project)
    view = window.open_duplicates()
    with qtbot.waitSignal(view.task.finished, timeout=20_000):
        pass
    qtbot.addWidget(view)
    with qtbot.waitActive(view):
        view.activateWindow()
    return view


@pytest.fixture
def facts_window(open_window, annotated_project, qtbot):
    view = open_window(annotated_project).open_facts()
    qtbot.addWidget(view)
    with qtbot.waitActive(view):
        view.activateWindow()
    return view


def test_facts_have_a_window_of_their_own_opened_from_the_menu(open_window, annotated_project, qtbot):
    """Review → Facts across sources (Ctrl+Shift+F): facts are no tab of the duplicates window."""
    window = open_window(annotated_project)
    action = next(a for a in window.findChildren(QAction) if a.text() == "&Facts across sources…")
    assert action.shortcut().toString() == "Ctrl+Shift+F"
    action.trigger()
    facts = window.companions.facts_window
    qtbot.addWidget(facts)
    assert facts.isVisible() and facts.windowTitle().startswith("Facts across sources (2 open)")
    assert facts.proposal_model.rowCount() == 2
    duplicates = window.open_duplicates()
    qtbot.addWidget(duplicates)
    assert [duplicates.tabs.tabText(i).split(" (")[0] for i in range(duplicates.tabs.count())] == ["Articles",
                                                                                                    "Entities"]
    with qtbot.waitSignal(duplicates.task.finished, timeout=20_000):
        pass


def test_article_pairs_with_shared_passages_and_decisions(duplicates, qtbot):
    assert duplicates.pair_model.rowCount() == 1
    assert {duplicates.pair_model.row(0)["a"], duplicates.pair_model.row(0)["b"]} == {"003_d3a778e1918d26d9",
                                                                                       "syndicated"}
    shaded = [text for text, fmt in duplicates.left_view.highlights() if fmt.background().color().name() == "#fff3b0"]
    assert shaded and any("Kazakhstan" in text for text in shaded)  # a shared passage, paragraph by paragraph
    qtbot.keyClick(duplicates.pair_table, Qt.Key.Key_L)
    decision = next(iter(duplicates.session.store.decisions("documents").values()))
    assert decision.decision == "duplicate" and decision.keep == duplicates.pair_model.row(0)["a"]
    assert "0 open" in duplicates.documents_status.text()
    qtbot.keyClick(duplicates.pair_table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert duplicates.session.store.decisions("documents") == {}
    assert "1 open" in duplicates.documents_status.text()


def test_entity_variant_is_proposed_and_merged(duplicates, qtbot):
    duplicates.tabs.setCurrentIndex(1)
    row = next(r for r in range(duplicates.candidate_model.rowCount())
               if "Ma Xingruy" in (duplicates.candidate_model.row(r)["a"], duplicates.candidate_model.row(r)["b"]))
    duplicates.candidate_table.selectRow(row)
    candidate = duplicates.candidates[row]
    qtbot.keyClick(duplicates.candidate_table, Qt.Key.Key_M)  # merge into A
    remaining = [e for e in duplicates.session.store.entities() if e.id in (candidate.a.id, candidate.b.id)]
    assert [e.id for e in remaining] == [candidate.a.id]
    assert {candidate.a.name, candidate.b.name} <= set(remaining[0].names)
    assert all(candidate.b.id not in (c.a.id, c.b.id) for c in duplicates.candidates)


def test_facts_are_listed_with_sources_and_recorded(facts_window, qtbot):
    rows = [facts_window.proposal_model.row(r) for r in range(facts_window.proposal_model.rowCount())]
    assert [r["status"] for r in rows] == ["CONFLICT", "CONFLICT"]
    facts_window.proposal_table.selectRow(0)
    assert facts_window.mention_model.rowCount() == 3
    facts_window.fact_subject.setText("Kazakhstan-China")
    facts_window.fact_note.setText("customs figure")
    for refused in ("=1+1", "Infinity", "24.1 per cent"):  # the form keeps a figure or nothing
        facts_window.fact_value.setText(refused)
        qtbot.keyClick(facts_window.proposal_table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert facts_window.session.store.facts() == {} and refused in facts_window.fact_error.text()
    facts_window.fact_value.setText("US$24.1 billion")  # as written in the list of values
    qtbot.keyClick(facts_window.proposal_table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert facts_window.fact_error.text() == ""
    [fact] = facts_window.session.store.facts().values()
    assert (fact.subject, fact.accepted_amount, len(fact.mentions)) == ("Kazakhstan-China", "24100000000", 3)
    assert facts_window.proposal_model.row(0)["status"] == "recorded: 24,100,000,000 USD"


def test_entities_marked_distinct_stay_listed_and_can_be_reopened(duplicates, qtbot):
    duplicates.tabs.setCurrentIndex(1)
    duplicates.candidate_table.selectRow(0)
    key = duplicates.candidates[0].key
    qtbot.keyClick(duplicates.candidate_table, Qt.Key.Key_D)
    assert duplicates.session.store.decisions("entities")[key].decision == "distinct"
    row = next(r for r, c in enumerate(duplicates.candidates) if c.key == key)
    assert duplicates.candidate_model.row(row)["status"] == "distinct"
    duplicates.candidate_table.selectRow(row)
    qtbot.keyClick(duplicates.candidate_table, Qt.Key.Key_U)
    assert key not in duplicates.session.store.decisions("entities")


def test_the_facts_view_proposes_a_value_with_each_sources_weight_and_why(facts_window, qtbot):
    model = facts_window.proposal_model
    row = next(r for r in range(model.rowCount()) if model.row(r)["period"].startswith("2022"))
    facts_window.proposal_table.selectRow(row)
    proposed = model.row(row)["proposed"]
    assert proposed in ("24,100,000,000", "24,200,000,000")
    assert facts_window.fact_value.text() == proposed  # offered to accept or override
    mentions = {facts_window.mention_model.row(r)["text"]: facts_window.mention_model.row(r)
                for r in range(facts_window.mention_model.rowCount())}
    assert "rounded figure, consistent" in mentions["$24 billion"]["why"]
    assert mentions["US$24.2 billion"]["attribution"] == "Smailov"
    assert all(m["weight"] is not None for m in mentions.values())
    facts_window.activateWindow()
    qtbot.keyClick(facts_window.fact_value, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [fact] = facts_window.session.store.facts().values()
    assert f"{int(fact.accepted_amount):,}" == proposed and fact.mentions


def test_facts_are_linked_to_entities_split_by_authority_moved_and_merged(facts_window, qtbot):
    facts_window.activateWindow()
    model = facts_window.proposal_model
    row = next(r for r in range(model.rowCount()) if model.row(r)["period"].startswith("2023"))
    facts_window.proposal_table.selectRow(row)
    facts_window.fact_subjects.setText("Kazakhstan; Atlantis")
    qtbot.keyClick(facts_window.fact_value, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "no entity named 'Atlantis'" in facts_window.fact_error.text() and not facts_window.session.store.facts()
    facts_window.fact_subjects.setText("Kazakhstan")
    qtbot.keyClick(facts_window.fact_value, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [fact] = facts_window.session.store.facts().values()
    kazakhstan = next(e for e in facts_window.session.store.entities() if e.name == "Kazakhstan")
    assert fact.subjects == [kazakhstan.id] and len(fact.mentions) == 2
    daryo = next(r for r in range(facts_window.mention_model.rowCount())
                 if facts_window.mention_model.row(r)["source"].startswith("Daryo"))
    facts_window.mention_table.selectRow(daryo)
    qtbot.keyClick(facts_window.mention_table, Qt.Key.Key_S)  # split off the MFA's figure: a second fact
    facts = sorted(facts_window.session.store.facts().values(), key=lambda f: f.created)
    assert [len(f.mentions) for f in facts] == [1, 1] and facts[1].attribution == "MFA of Kazakhstan"
    assert sum(1 for r in range(model.rowCount()) if model.row(r)["period"].startswith("2023")) == 2
    facts_window.proposal_table.selectRow(row)  # the first fact again: merge the split one back into it
    second = next(r for r in range(model.rowCount()) if facts_window.recorded[r] and
                  facts_window.recorded[r].id == facts[1].id)
    facts_window.proposal_table.selectRow(second)
    facts_window.other_fact.setCurrentIndex(facts_window.other_fact.findData(facts[0].id))
    facts_window.merge_fact()
    assert list(facts_window.session.store.facts()) == [facts[0].id]
    assert len(facts_window.session.store.facts()[facts[0].id].mentions) == 2
    facts_window.history.undo()
    facts_window.history.undo()
    assert [len(f.mentions) for f in facts_window.session.store.facts().values()] == [2]


def test_a_facts_period_is_edited_in_the_form(facts_window, qtbot):
    facts_window.activateWindow()
    facts_window.proposal_table.selectRow(0)
    assert facts_window.fact_period.text().endswith("-12-31")
    facts_window.fact_period.setText("2022-01-01 – 2022-09-30")  # the first nine months: another period
    qtbot.keyClick(facts_window.fact_value, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [fact] = facts_window.session.store.facts().values()
    assert str(fact.period_end) == "2022-09-30"
    facts_window.fact_period.setText("soon")
    qtbot.keyClick(facts_window.fact_value, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "YYYY-MM-DD" in facts_window.fact_error.text()


def test_a_figures_attribution_is_corrected_and_the_proposal_follows(facts_window, qtbot):
    model = facts_window.proposal_model
    row = next(r for r in range(model.rowCount()) if model.row(r)["period"].startswith("2023"))
    facts_window.proposal_table.selectRow(row)
    akorda = next(r for r in range(facts_window.mention_model.rowCount())
                  if facts_window.mention_model.row(r)["source"].startswith("Akorda"))
    facts_window.mention_table.selectRow(akorda)
    assert facts_window.mention_attribution.text() == ""
    facts_window.mention_attribution.setText("Bureau of National Statistics")
    qtbot.keyClick(facts_window.mention_attribution, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "·" in facts_window.proposal_model.row(row)["proposed"], timeout=5_000)
    assert facts_window.proposal_model.row(row)["status"] == "2 authorities: one fact each"  # not a conflict
    facts_window.history.undo()
    qtbot.waitUntil(lambda: facts_window.proposal_model.row(row)["status"] == "CONFLICT", timeout=5_000)
