"""Figures and dates: the grammar, the date rules, and the gold table of the samples."""

import json
from datetime import date
from pathlib import Path

import pytest

from curator.domain.dates import find_dates, normalize_date
from curator.domain.figures import find_figures, normalize_figure
from curator.domain.values import DateValue, FigureValue, describe, parse_value

DATA = Path(__file__).parent / "data"


def figure(text: str) -> tuple[str, dict]:
    [found] = find_figures(text)
    return text[found.start : found.end], {"label": found.label, **found.value.model_dump(mode="json")}


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("reached US$24 billion.", "US$24 billion", {"label": "MONEY", "amount": "24000000000", "unit": "USD", "scale": "billion", "qualifier": "exact", "change": "level"}),
        ("to nearly US$750 million.", "nearly US$750 million", {"label": "MONEY", "amount": "750000000", "unit": "USD", "scale": "million", "qualifier": "approximate"}),
        ("reaching $41 bn.", "$41 bn", {"label": "MONEY", "amount": "41000000000", "scale": "bn"}),
        ("amounted to 34.1 percent", "34.1 percent", {"label": "PERCENT", "amount": "34.1", "unit": "%"}),
        ("about 4,700 enterprises", "about 4,700", {"label": "COUNT", "amount": "4700", "unit": None, "qualifier": "approximate"}),
        ("worth €5.5m in total", "€5.5m", {"label": "MONEY", "amount": "5500000", "unit": "EUR", "scale": "m"}),
        ("paid 300 million tenge", "300 million tenge", {"label": "MONEY", "amount": "300000000", "unit": "KZT"}),
        ("some 2 million people", "some 2 million", {"label": "COUNT", "amount": "2000000", "scale": "million", "qualifier": "approximate"}),
        ("shipped 1,200 tonnes of grain", "1,200 tonnes", {"label": "QUANTITY", "amount": "1200", "unit": "t"}),
        ("less than 5 per cent of", "less than 5 per cent", {"label": "PERCENT", "amount": "5", "qualifier": "upper_bound"}),
        ("exports increased by 30%", "30%", {"label": "PERCENT", "change": "change"}),
        ("trade rose 34% in 2022", "34%", {"change": "change"}),
        ("a 12% increase in trade", "12%", {"change": "change"}),
        ("which is 34.1 percent more than", "34.1 percent", {"change": "change"}),
        ("China's share is 21.9 percent.", "21.9 percent", {"change": "level"}),
        ("more than $7 bn have", "more than $7 bn", {"qualifier": "lower_bound", "amount": "7000000000"}),
        # A decimal comma, as much of Europe and Central Asia writes a figure.
        ("The fund paid $1,5 billion for", "$1,5 billion", {"label": "MONEY", "amount": "1500000000", "unit": "USD"}),
        ("Inflation slowed to 12,5% in", "12,5%", {"label": "PERCENT", "amount": "12.5"}),
        ("cost 430,87 tenge a", "430,87 tenge", {"label": "MONEY", "amount": "430.87", "unit": "KZT"}),
        ("it weighs 5,4 tonnes", "5,4 tonnes", {"label": "QUANTITY", "amount": "5.4"}),
        ("between 2,5 and 3,5 percent", "between 2,5 and 3,5 percent", {"amount": "2.5", "amount_to": "3.5"}),
        ("about 1,250 firms", "about 1,250", {"label": "COUNT", "amount": "1250"}),
        ("1,5 million people came", "1,5 million", {"label": "COUNT", "amount": "1500000"}),
    ],
)
def test_figure_grammar(text, span, expected):
    found_span, value = figure(text)
    assert found_span == span
    assert {key: value[key] for key in expected} == expected


@pytest.mark.parametrize(
    "text",
    ["In 2022 trade grew", "for 30 years", "Comments (0)", "version 2.0.1", "the top five investors", "item-3",
     "items 3,4 of the list", "the vote was 5,4 in favour", "In 2023,5% of firms"],
)
def test_not_figures(text):
    assert find_figures(text) == []


def test_a_selected_figure_with_a_decimal_comma_is_its_whole_amount():
    assert normalize_figure("$1,5 billion", 0, 12).amount == "1500000000"  # (it was the $1 inside it)


def test_selected_figure_uses_the_whole_selection_and_its_context():
    text = "Trade grew by 35% last year to a record US$24.2 billion."
    start = text.index("35%")
    value = normalize_figure(text, start, start + 3)
    assert (value.amount, value.unit, value.change) == ("35", "%", "change")
    start = text.index("US$")
    assert normalize_figure(text, start, text.index(" billion") + 8).amount == "24200000000"
    assert normalize_figure(text, 0, 5) is None  # "Trade" is no figure



@pytest.mark.parametrize(("selected", "amount", "change"), [
    ("3%", "-3", "change"),  # a fall: its sign, as the rules give it reading the text
    ("fell by 3%", "-3", "change"),  # selected with its verb: still the change, not a level
    ("grew by 35%", "35", "change"),
    ("rose 34%", "34", "change"),
    ("3 percent", "-3", "change"),
    ("1.5 pp", "-1.5", "change"),
])
def test_a_selected_change_is_read_in_its_clause_as_the_rules_read_the_text(selected, amount, change):
    text = "Exports grew by 35% in May. Imports fell by 3% in June. Prices rose 34% and shares fell 3 percent. " \
           "Output fell 1.5 pp."
    start = text.index(selected)
    value = normalize_figure(text, start, start + len(selected))
    assert (value.amount, value.change) == (amount, change)
    found = {text[f.start:f.end]: f.value for f in find_figures(text)}
    figure = selected.split()[-2:] if selected.endswith("percent") or selected.endswith("pp") else selected.split()[-1:]
    assert found[" ".join(figure)].amount == amount  # what a suggestion of it says


ANCHOR = date(2023, 11, 7)


def date_of(text: str, anchor: date | None = ANCHOR) -> tuple[str, dict]:
    found = find_dates(text, anchor)
    assert len(found) == 1, [text[f.start : f.end] for f in found]
    return text[found[0].start : found[0].end], found[0].value.model_dump(mode="json", exclude_none=True)


@pytest.mark.parametrize(
    ("text", "anchor", "span", "start", "end", "granularity"),
    [
        ("on 4 November 2023 in", ANCHOR, "4 November 2023", "2023-11-04", "2023-11-04", "day"),
        ("on March 26 in Astana", date(2024, 3, 27), "March 26", "2024-03-26", "2024-03-26", "day"),
        ("on December 30 we", date(2024, 1, 2), "December 30", "2023-12-30", "2023-12-30", "day"),
        ("grew by 35% last year", ANCHOR, "last year", "2022-01-01", "2022-12-31", "year"),
        ("in the first half of 2023,", ANCHOR, "the first half of 2023", "2023-01-01", "2023-06-30", "half"),
        ("in the first nine months of last year", date(2024, 3, 27), "the first nine months of last year", "2023-01-01", "2023-09-30", "period"),
        ("over the past 18 years.", ANCHOR, "the past 18 years", "2005-11-07", "2023-11-07", "period"),
        ("in the third quarter of 2022", ANCHOR, "the third quarter of 2022", "2022-07-01", "2022-09-30", "quarter"),
        ("in Q4 2021 sales", ANCHOR, "Q4 2021", "2021-10-01", "2021-12-31", "quarter"),
        ("since October 2022 the", ANCHOR, "October 2022", "2022-10-01", "2022-10-31", "month"),
        ("in the past year alone", ANCHOR, "the past year", "2022-11-07", "2023-11-07", "period"),
        ("prices fell last month", date(2024, 1, 15), "last month", "2023-12-01", "2023-12-31", "month"),
        # A month, day or quarter in a year told from the article's: one date, in that year.
        ("the deal closed in January last year.", date(2024, 3, 7), "January last year", "2023-01-01", "2023-01-31", "month"),
        ("will open in May this year", date(2024, 3, 7), "May this year", "2024-05-01", "2024-05-31", "month"),
        ("signed on 5 March last year", date(2024, 3, 7), "5 March last year", "2023-03-05", "2023-03-05", "day"),
        ("due on March 7 of next year", date(2024, 3, 7), "March 7 of next year", "2025-03-07", "2025-03-07", "day"),
        ("output in Q1 of last year", date(2024, 3, 7), "Q1 of last year", "2023-01-01", "2023-03-31", "quarter"),
        ("Yesterday the minister", ANCHOR, "Yesterday", "2023-11-06", "2023-11-06", "day"),
        ("since 2005 it has", ANCHOR, "2005", "2005-01-01", "2005-12-31", "year"),
        ("on 29 February 2024", ANCHOR, "29 February 2024", "2024-02-29", "2024-02-29", "day"),
        ("dated 2023-11-07 here", None, "2023-11-07", "2023-11-07", "2023-11-07", "day"),
    ],
)
def test_date_rules(text, anchor, span, start, end, granularity):
    found_span, value = date_of(text, anchor)
    assert found_span == span
    assert (value["start"], value["end"], value["granularity"]) == (start, end, granularity)


def test_a_year_earlier_refers_to_the_year_of_the_sentence():
    text = "In 2022, turnover was $24.1 billion, which is 34.1 percent more than a year earlier."
    found = {text[f.start : f.end]: f.value for f in find_dates(text, date(2023, 11, 28))}
    assert found["a year earlier"].start == date(2021, 1, 1)
    lone = find_dates("Sales doubled compared with a year earlier.", ANCHOR)
    assert lone[0].value.unresolved and "no year stated" in lone[0].value.unresolved


def test_relative_dates_without_an_article_date_are_flagged_not_guessed():
    for text in ("last year", "March 26", "the past 18 years", "the first half of last year", "today"):
        [found] = find_dates(f"It happened {text}.", None)
        assert found.value.unresolved, text
        assert found.value.start is None


@pytest.mark.parametrize("text", ["2000 tonnes of wheat", "4,700 firms", "on 31 February 2023", "at 10 am"])
def test_not_dates_or_impossible_dates(text):
    found = find_dates(text, ANCHOR)
    assert all(f.value.unresolved for f in found) if found else True
    assert not any(f.value.resolved for f in found)


def test_normalize_a_selected_date():
    text = "The talks on March 26 went well."
    start = text.index("March 26")
    assert normalize_date(text, start, start + 8, date(2024, 3, 27)).start == date(2024, 3, 26)
    assert normalize_date(text, 0, 9, date(2024, 3, 27)).unresolved  # "The talks"


def test_values_validate_and_describe():
    assert parse_value({"type": "figure", "amount": "7,000"}).amount == "7000"
    assert parse_value({"type": "figure", "amount": "1,5"}).amount == "1.5"  # typed with a decimal comma: not 15
    assert parse_value({"type": "figure", "amount": "-12,25"}).amount == "-12.25"
    assert describe(FigureValue(amount="750000000", unit="USD", qualifier="approximate").model_dump()) == "≈ 750,000,000 USD"
    assert describe(DateValue(start=date(2023, 1, 1), end=date(2023, 6, 30), granularity="half").model_dump()) == "2023-01-01/2023-06-30"
    with pytest.raises(ValueError):
        parse_value({"type": "figure", "amount": "lots"})
    with pytest.raises(ValueError):
        parse_value({"type": "date", "start": "2023-02-01", "end": "2023-01-01"})


def gold_items():
    gold = json.loads((DATA / "sample_gold.json").read_text(encoding="utf-8"))["documents"]
    return [(uid, item) for uid, items in gold.items() for item in items]


def test_gold_table_is_consistent_with_the_sample_texts():
    root = Path(__file__).resolve().parent.parent / "sample_docs"
    for uid, item in gold_items():
        text = (root / f"{uid}.txt").read_text(encoding="utf-8")
        assert text[item["start"] : item["end"]] == item["text"]
        parse_value(item["value"])


@pytest.mark.parametrize(("text", "span", "start", "end"), [
    ("from March to May last year", "from March to May last year", "2023-03-01", "2023-05-31"),
    ("Jan-Mar last year", "Jan-Mar last year", "2023-01-01", "2023-03-31"),
    ("early May last year", "early May last year", "2023-05-01", "2023-05-10"),
    ("late December of last year", "late December of last year", "2023-12-21", "2023-12-31"),
    ("In March, last year's output fell", "March", "2024-03-01", "2024-03-31"),  # (a comma ends it)
])
def test_a_range_or_part_of_a_month_takes_a_relative_year_after_it(text, span, start, end):
    first = find_dates(text, date(2024, 3, 7))[0]
    assert (text[first.start:first.end], str(first.value.start), str(first.value.end)) == (span, start, end)


@pytest.mark.parametrize(("phrase", "start", "end"), [
    ("Earlier this year", date(2023, 1, 1), ANCHOR), ("later this year", ANCHOR, date(2023, 12, 31)),
    ("later in the year", ANCHOR, date(2023, 12, 31)), ("earlier this month", date(2023, 11, 1), ANCHOR),
    ("later this month", ANCHOR, date(2023, 11, 30)),
])
def test_earlier_or_later_this_year_is_the_part_before_or_after_the_articles_date(phrase, start, end):
    text = f"{phrase}, exports rose."
    value = normalize_date(text, 0, len(phrase), ANCHOR)
    assert (value.start, value.end, value.granularity) == (start, end, "period")
    assert normalize_date(text, 0, len(phrase), None).reason == "no_anchor"  # (was 'invalid': not read at all)


@pytest.mark.parametrize(("text", "figure", "amount", "change"), [
    ("Renewables are to make up 52% of its power, up from 38 percent.", "52%", "52", "level"),  # not "up 52%"
    ("Renewables are to make up 52% of its power, up from 38 percent.", "38 percent", "38", "level"),
    ("Shares made up 12% of the index.", "12%", "12", "level"),
    ("Prices went up 5% in May.", "5%", "5", "change"),
    ("The company lost $1.5 billion last year.", "$1.5 billion", "1500000000", "level"),  # the loss
    ("It posted a net loss of $1.5 billion.", "$1.5 billion", "1500000000", "level"),  # said the other way
    ("The rouble lost 3% against the dollar.", "3%", "-3", "change"),  # a share lost: a fall
])
def test_what_a_word_before_a_figure_says_of_it(text, figure, amount, change):
    found = {text[f.start:f.end]: f.value for f in find_figures(text)}
    assert (found[figure].amount, found[figure].change) == (amount, change)
    start = text.index(figure)
    selected = normalize_figure(text, start, start + len(figure))
    assert (selected.amount, selected.change) == (amount, change)


@pytest.mark.parametrize(("text", "figure", "amount", "unit", "qualifier"), [
    ("Equinor will invest about NOK 800 million in the plant.", "about NOK 800 million", "800000000", "NOK",
     "approximate"),
    ("He paid CHF 2.5 million.", "CHF 2.5 million", "2500000", "CHF", "exact"),
    ("It cost R$5 billion.", "R$5 billion", "5000000000", "BRL", "exact"),
    ("Tokyo spent 300 million yen.", "300 million yen", "300000000", "JPY", "exact"),
])
def test_more_currencies_as_their_codes_and_signs_are_written(text, figure, amount, unit, qualifier):
    found = {text[f.start:f.end]: f for f in find_figures(text)}
    assert found[figure].label == "MONEY"
    assert (found[figure].value.amount, found[figure].value.unit, found[figure].value.qualifier) == (
        amount, unit, qualifier)


def test_a_code_that_is_also_a_name_is_no_currency():
    assert [f.label for f in find_figures("The PHP 7 release ran on AMD 5 chips.")] == ["COUNT", "COUNT"]



@pytest.mark.parametrize(("start", "end", "chosen", "fitting"), [
    (date(2023, 11, 1), date(2023, 11, 30), "day", "month"), (date(2023, 11, 1), date(2023, 11, 12), "month", "period"),
    (date(2023, 11, 4), date(2023, 11, 4), "period", "day"), (date(2023, 1, 1), date(2023, 12, 31), "day", "year"),
    (date(2023, 1, 1), date(2023, 3, 31), "quarter", "quarter"), (date(9999, 12, 1), date(9999, 12, 31), "day", "month"),
])
def test_a_date_typed_by_hand_gets_a_granularity_it_can_have(start, end, chosen, fitting):
    from curator.domain.values import fitting_granularity

    assert fitting_granularity(start, end, chosen) == fitting
