"""One test per class of figure, date, metadata and precision rule in issue 15.

The examples are written for these tests, apart from the evaluation set, so that a
class that breaks fails here by name.
"""

import json
from datetime import date

import openpyxl
import pytest

from curator.analysis.suggest import propose
from curator.domain.dates import find_dates
from curator.domain.figures import find_figures
from curator.domain.metadata import detect_metadata
from curator.domain.models import Annotation, Document
from curator.domain.schema import LabelSchema
from curator.domain.values import FigureValue, describe
from curator.formats.excel import export_xlsx
from curator.formats.export import export_json

ANCHOR = date(2024, 6, 12)  # a Wednesday


def figure(text: str) -> dict:
    [found] = find_figures(text)
    assert text[found.start : found.end] == text.strip(".") or found.start >= 0
    return {"span": text[found.start : found.end], "label": found.label,
            **found.value.model_dump(mode="json", exclude_none=True)}


def dated(text: str, anchor: date | None = ANCHOR) -> dict:
    [found] = find_dates(text, anchor)
    return {"span": text[found.start : found.end], **found.value.model_dump(mode="json", exclude_none=True)}


# -- figures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "amount", "unit", "scale"), [
    ("The loan is USD 120 mln.", "120000000", "USD", "mln"),
    ("It raised KZT 5.5 bln.", "5500000000", "KZT", "bln"),
    ("A $3bn deal.", "3000000000", "USD", "bn"),
    ("Spending of 2 trillion tenge.", "2000000000000", "KZT", "trillion"),
])
def test_scale_abbreviations(text, amount, unit, scale):
    found = figure(text)
    assert (found["label"], found["amount"], found["unit"], found["scale"]) == ("MONEY", amount, unit, scale)


@pytest.mark.parametrize(("text", "unit"), [
    ("A 300 million yuan plant.", "CNY"), ("RMB 2 billion in loans.", "CNY"), ("A ¥5 billion fund.", "CNY"),
    ("A €40 million grant.", "EUR"), ("Paid 1.5 billion roubles.", "RUB"), ("Cost 10 million som.", "KGS"),
    ("Cost 500,000 sum.", "UZS"), ("Cost 20 million manat.", "AZN"), ("Worth 7 billion US dollars.", "USD"),
])
def test_currency_names_and_symbols(text, unit):
    assert figure(text)["unit"] == unit


def test_ranges_carry_both_bounds_and_a_move_from_one_level_to_another_is_not_a_range():
    assert figure("Costs of $4-5 billion.") | {} == {
        "span": "$4-5 billion", "label": "MONEY", "type": "figure", "amount": "4000000000",
        "amount_to": "5000000000", "unit": "USD", "scale": "billion", "qualifier": "exact", "change": "level"}
    found = figure("Growth of between 3 and 4 percent.")
    assert (found["span"], found["amount"], found["amount_to"], found["unit"]) == ("between 3 and 4 percent", "3",
                                                                                 "4", "%")
    levels = find_figures("Inflation rose from 5% to 7%.")
    assert [f.value.amount for f in levels] == ["5", "7"] and all(f.value.amount_to is None for f in levels)


@pytest.mark.parametrize(("text", "span", "factor"), [
    ("Output grew threefold.", "threefold", "3"), ("Sales doubled.", "doubled", "2"),
    ("Exports rose 2.5 times.", "2.5 times", "2.5"), ("Costs were cut by half.", "by half", "0.5"),
])
def test_multiples_are_a_factor(text, span, factor):
    found = figure(text)
    assert (found["span"], found["label"], found["amount"], found["unit"], found["change"]) == \
        (span, "QUANTITY", factor, "x", "change")


def test_a_number_of_times_without_a_change_is_not_a_multiple():
    assert [f.value.unit for f in find_figures("They met three times.")] == []


def test_per_unit_figures():
    assert figure("Brent hit $70 per barrel.")["per"] == "barrel"
    assert figure("Urals fell to $63.8/bbl.")["per"] == "bbl"
    assert figure("Gold at $1,900 an ounce.")["per"] == "ounce"
    assert "per" not in figure("A $70 barrel fee.")


def test_percentage_and_basis_points_are_kept_apart_from_percent():
    assert figure("Unemployment rose by 1.5 percentage points.")["unit"] == "pp"
    assert figure("The bank raised the rate by 50 basis points.")["unit"] == "bp"
    assert figure("The rate is 3%.")["unit"] == "%"


@pytest.mark.parametrize(("text", "amount"), [
    ("Exports fell 4% in May.", "-4"), ("Shares were down 2.5%.", "-2.5"), ("Imports rose 4%.", "4"),
    ("Output was 15% lower than a year ago.", "-15"), ("Debt decreased by $2 billion.", "-2000000000"),
])
def test_changes_keep_their_sign(text, amount):
    [found] = [f for f in find_figures(text) if f.value.change == "change"]
    assert found.value.amount == amount


def test_by_is_a_change_only_with_a_direction_or_a_percentage():
    assert figure("The forum was attended by 150 delegates.")["change"] == "level"
    assert figure("Reserves grew by $2 billion.")["change"] == "change"
    assert figure("Costs rose sharply, by 12%.")["change"] == "change"


def test_range_and_per_unit_values_validate_and_describe():
    with pytest.raises(ValueError):
        FigureValue(amount="5", amount_to="4")
    plain = FigureValue(amount="5", unit="USD").model_dump(mode="json")
    assert "amount_to" not in plain and "per" not in plain  # stored plain figures keep their shape
    assert describe({"type": "figure", "amount": "75", "amount_to": "80", "unit": "USD", "per": "barrel"}) == \
        "75–80 USD per barrel"


# -- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "start", "end", "granularity"), [
    ("The 2022-2023 plan.", "2022-01-01", "2023-12-31", "year"),
    ("Exports in 2023/24 rose.", "2023-01-01", "2024-12-31", "fiscal_year"),
    ("Results for FY2022.", "2022-01-01", "2022-12-31", "fiscal_year"),
    ("It was built between 2010 and 2014.", "2010-01-01", "2014-12-31", "year"),
])
def test_year_ranges_and_fiscal_years(text, start, end, granularity):
    found = dated(text)
    assert (found["start"], found["end"], found["granularity"]) == (start, end, granularity)


@pytest.mark.parametrize(("text", "start", "end", "granularity"), [
    ("Due in mid-2025.", "2025-05-01", "2025-08-31", "part"),
    ("It began in late last year.", "2023-09-01", "2023-12-31", "part"),
    ("Done by the end of the year.", "2024-12-01", "2024-12-31", "part"),
    ("Sales in H2 2023 fell.", "2023-07-01", "2023-12-31", "half"),
    ("Profit rose in Q1.", "2024-01-01", "2024-03-31", "quarter"),
    ("Sales slumped in the fourth quarter.", "2023-10-01", "2023-12-31", "quarter"),
    ("Talks were held in early May.", "2024-05-01", "2024-05-10", "part"),
    ("In January-April 2024 output grew.", "2024-01-01", "2024-04-30", "period"),
    ("Debt will fall by end-2024.", "2024-12-01", "2024-12-31", "part"),
    ("Output fell last quarter.", "2024-01-01", "2024-03-31", "quarter"),
    ("Investment over the next two years will grow.", "2024-06-12", "2026-06-12", "period"),
    ("Profit in 9M24 rose.", "2024-01-01", "2024-09-30", "period"),
    ("Sales in Q3'23 fell.", "2023-07-01", "2023-09-30", "quarter"),
    ("Between January and May, output grew.", "2024-01-01", "2024-05-31", "period"),
    ("Trade rose in the first five months.", "2024-01-01", "2024-05-31", "period"),
])
def test_parts_of_periods(text, start, end, granularity):
    found = dated(text)
    assert (found["start"], found["end"], found["granularity"]) == (start, end, granularity)


def test_relative_months_weekdays_weeks_decades_and_the_previous_year():
    assert dated("It opened last April.")["start"] == "2024-04-01"
    assert dated("It opens next February.")["start"] == "2025-02-01"
    monday = dated("The minister spoke on Monday.")
    assert (monday["start"], monday["inferred"]) == ("2024-06-10", True)
    assert dated("The board will meet on Friday.")["start"] == "2024-06-14"
    assert dated("Lending rose in May.")["start"] == "2024-05-01"
    assert dated("Prices fell in November.")["start"] == "2023-11-01"  # the latest November begun
    assert dated("The plant will open in September.")["start"] == "2024-09-01"
    week = dated("Markets rallied this week.")
    assert (week["start"], week["end"], week["granularity"]) == ("2024-06-10", "2024-06-16", "week")
    decade = dated("Reforms of the 1980s.")
    assert (decade["start"], decade["end"], decade["granularity"]) == ("1980-01-01", "1989-12-31", "decade")
    [_, previous] = find_dates("Output in 2021 beat the previous year.", ANCHOR)
    assert previous.value.start == date(2020, 1, 1)


@pytest.mark.parametrize(("text", "anchor", "reason"), [
    ("Exports rose last year.", None, "no_anchor"),
    ("He spoke on Monday.", None, "no_anchor"),
    ("The form dated 03/04/2024.", ANCHOR, "ambiguous"),
    ("Signed on February 30, 2023.", ANCHOR, "invalid"),
    ("Inflation was lower a year earlier.", ANCHOR, "no_reference"),
])
def test_what_cannot_be_resolved_says_why_instead_of_guessing(text, anchor, reason):
    found = dated(text, anchor)
    assert found["reason"] == reason and "start" not in found and found["unresolved"]


def test_the_year_a_sentence_is_about_and_a_level_reached_year_on_year():
    found = dated("In the first half of the year exports grew.")
    assert (found["start"], found["end"]) == ("2024-01-01", "2024-06-30")
    assert figure("Inflation slowed to 8.4% year-on-year.")["change"] == "level"
    assert figure("Output totalled 10,800 tU.")["unit"] == "tU"


def test_a_date_without_its_year_is_the_nearest_one_unless_the_tense_says_otherwise():
    assert dated("Applications close on 30 June.")["start"] == "2024-06-30"
    assert dated("The plant opened on the 5th of December.")["start"] == "2023-12-05"  # not months ahead
    assert dated("The plant will open on 5 December.")["start"] == "2024-12-05"
    assert dated("The forum opened on 25/05/2024.")["start"] == "2024-05-25"
    assert dated("The decree of 11.06.2024.")["start"] == "2024-06-11"


# -- article metadata ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "published", "source"), [
    ("ALMATY, June 12 (Reuters) - Oil output fell.", None, "Reuters"),
    ("June 12, 2024 9:15 AM GMT+5\n\nALMATY, June 12 (Reuters) - Oil output fell.", date(2024, 6, 12), "Reuters"),
    ("Astana, 12 June 2024 — The Senate met.", date(2024, 6, 12), None),
    ("SHYMKENT, 3 June 2024 -- The plant opened.", date(2024, 6, 3), None),
    ("BEIJING, June 3 (Xinhua) -- Trade grew.\nSource: Xinhua| 2024-06-03 18:00:01|Editor: huaxia",
     date(2024, 6, 3), "Xinhua"),
    ("MOSCOW, June 3. /TASS/. Output grew.", None, "TASS"),
    ("Published: 12.06.2024 09:00\nUpdated: 13.06.2024 10:00\n\nThe ministry said.", date(2024, 6, 12), None),
    ("Updated: 13 June 2024\n\nThe ministry said.", date(2024, 6, 13), None),
    ("June 12, 2024\n\nThe bank reported profit.", date(2024, 6, 12), None),
    ("Wednesday, 12 June 2024 10:20\nThe bank reported profit.", date(2024, 6, 12), None),
    ("Jun 12, 2024 · 10:20 AM\nThe bank reported profit.", date(2024, 6, 12), None),
    ("12 June 2024 (Xinhua) -- Trade grew.", date(2024, 6, 12), "Xinhua"),
    ("Astana, June 12, 2024, 10:20 – Kazinform.\nThe bank reported profit.", date(2024, 6, 12), "Kazinform"),
])
def test_datelines_stamps_and_date_lines_give_date_and_outlet(text, published, source):
    found = detect_metadata(text)
    assert (found.published, found.source) == (published, source)


# -- suggestion precision --------------------------------------------------------------------


def suggested(text: str, anchor: date | None = ANCHOR) -> list[str]:
    document = Document(id=1, uid="d", text=text, published=anchor)
    return [text[s.start : s.end] for s in propose(document, LabelSchema()) if s.source != "entities"]


@pytest.mark.parametrize("text", [
    "Comments (3)", "Share\nRead more", "Views: 1,245", "Read more: https://example.kz/news/2024/06/12/12345",
    "Call +7 (727) 123-45-67 for details", "Decree No. 45 was signed", "The firm (BIN 123456789012) filed",
    "Write to press@example.gov.kz", "Reporting by A. Reporter; editing by B. Editor",
    "Home / Economy / Exports up 10%", "MOSCOW, June 12. /TASS/. Talks ended.\n\nJUN 12, 14:05", "Read also\nChina, Kazakhstan to double trade by 2030\n17 June 2024, 18:20",
])
def test_no_suggestion_inside_furniture_addresses_phones_or_identifiers(text):
    assert suggested(text) == []


def test_real_figures_next_to_furniture_words_and_after_a_dateline_are_still_suggested():
    assert suggested("Share prices rose 5%.") == ["5%"]
    text = "ASTANA, 12 June 2024 (Kazinform) - Exports rose 5% last year."
    anchor = detect_metadata(text).published
    assert suggested(text, anchor) == ["5%", "last year"]


# -- exports of the new value shapes -----------------------------------------------------------


def test_new_value_shapes_validate_and_export_to_json_and_excel(sample_store, tmp_path):
    doc = sample_store.document_by_uid("000_14e10f92779dfa8b")
    values = [
        {"type": "figure", "amount": "2000000000", "amount_to": "3000000000", "unit": "USD", "scale": "billion",
         "qualifier": "exact", "change": "level"},
        {"type": "figure", "amount": "80", "unit": "USD", "scale": None, "per": "barrel", "qualifier": "exact",
         "change": "level"},
        {"type": "date", "start": "2023-11-06", "end": "2023-11-06", "granularity": "day", "inferred": True},
        {"type": "date", "start": "2023-01-01", "end": "2024-12-31", "granularity": "fiscal_year"},
    ]
    for offset, value in enumerate(values):
        label = "MONEY" if value["type"] == "figure" else "DATE"
        sample_store.add_annotation(Annotation(doc_id=doc.id, start=offset, end=offset + 1, label=label,
                                               annotator="ann", value=value))
    assert export_json(sample_store, tmp_path / "out.json") is not None
    exported = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    spans = next(d for d in exported["documents"] if d["id"] == doc.uid)["annotations"]
    assert [s["value"] for s in sorted(spans, key=lambda s: s["start"])] == values
    export_xlsx(sample_store, tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["annotations"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    assert {(r["amount"], r["amount_to"]) for r in rows if r["amount_to"]} == {(2000000000, 3000000000)}
    assert [r["per"] for r in rows if r["per"]] == ["barrel"]
    assert [r["granularity"] for r in rows if r["inferred"]] == ["day"]
