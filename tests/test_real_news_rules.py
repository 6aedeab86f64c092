"""The rule families real news needed, one test each, with examples written for them
(not taken from the evaluation sets)."""

from datetime import date

import pytest

from curator.domain.dates import find_dates
from curator.domain.figures import find_figures

ANCHOR = date(2024, 9, 20)  # a Friday


def dates(text: str, anchor: date | None = ANCHOR) -> list[tuple[str, str]]:
    """Each date found as (span, value in short: start/end, or the unresolved reason)."""
    out = []
    for found in find_dates(text, anchor):
        value = found.value
        short = value.reason.value if not value.resolved else (
            value.start.isoformat() if value.start == value.end else f"{value.start}/{value.end}")
        out.append((text[found.start:found.end], short))
    return out


def figures(text: str) -> list[dict]:
    return [{"span": text[f.start:f.end], "label": f.label, **f.value.model_dump(mode="json", exclude_none=True)}
            for f in find_figures(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Output grew 6% in 8 months of this year.", [("8 months of this year", "2024-01-01/2024-08-31")]),
        ("Retail trade reached a record in 10 months of 2021.", [("10 months of 2021", "2021-01-01/2021-10-31")]),
        ("In the first 10 months of 2021, sales rose.", [("the first 10 months of 2021", "2021-01-01/2021-10-31")]),
        ("Uzbekistan produced goods worth $31 billion in eight months.", [("eight months", "2024-01-01/2024-08-31")]),
        ("Exports totaled $3.7 bln over 6 months of 2023.", [("6 months of 2023", "2023-01-01/2023-06-30")]),
        ("Over eight months, imports reached $27 billion.", [("eight months", "2024-01-01/2024-08-31")]),
        # Durations are not dates: the future, the time a change took, more months than a year has.
        ("The plant will be built in six months.", []),
        ("Deposits grew by 2.1 trillion tenge over five months.", []),
        ("The loan is repaid in 18 months.", []),
        ("Exports rose over the past 12 months.", [("the past 12 months", "2023-09-20/2024-09-20")]),
    ],
)
def test_periods_counted_in_months(text, expected):
    assert dates(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A forum will be held on October 17 through October 18.", [("October 17 through October 18",
                                                                     "2024-10-17/2024-10-18")]),
        ("The commission will meet from January 24 through January 26.",
         [("from January 24 through January 26", "2025-01-24/2025-01-26")]),
        ("An auto show will be held from April 24 to 26.", [("from April 24 to 26", "2025-04-24/2025-04-26")]),
        ("Car output rose 14% in Jan.-Nov.", [("Jan.-Nov.", "2024-01-01/2024-11-30")]),
        ("Trade from January through May reached $18 billion.", [("from January through May",
                                                                   "2024-01-01/2024-05-31")]),
    ],
)
def test_ranges_with_through_and_to(text, expected):
    assert dates(text) == expected


@pytest.mark.parametrize(
    ("text", "span", "unit", "per", "amount"),
    [
        ("Crude output reached 1.638 million bpd in May.", "1.638 million bpd", "bbl", "day", "1638000"),
        ("The schedule covers 170,200 barrels per day.", "170,200 barrels per day", "bbl", "day", "170200"),
        ("Supplies may reach 6 bcm a year.", "6 bcm a year", "m3", "year", "6000000000"),
        ("The line will carry 10 million tons per annum.", "10 million tons per annum", "t", "year", "10000000"),
        ("Flights will rise to 1,000 per week.", "1,000 per week", None, "week", "1000"),
        ("Transfers fall to 2 trillion tenge a year.", "2 trillion tenge a year", "KZT", "year", "2000000000000"),
    ],
)
def test_rates_per_time_unit(text, span, unit, per, amount):
    [found] = [f for f in figures(text) if f["span"] == span]
    assert (found.get("unit"), found["per"], found["amount"]) == (unit, per, amount)


def test_a_percentage_takes_no_time_rate_and_a_year_earlier_is_no_rate():
    assert figures("The rate was kept at 14% per annum.")[0]["span"] == "14%"
    [money] = figures("It sold $205 million a year earlier.")
    assert money["span"] == "$205 million" and "per" not in money


@pytest.mark.parametrize(
    ("text", "span", "amount"),
    [
        ("Reserves stood at almost 28 billion in US currency.", "almost 28 billion in US currency", "28000000000"),
        ("Output reached 5.8 billion in US dollar terms in 2023.", "5.8 billion in US dollar terms", "5800000000"),
        ("Sales reached 3 billion in US dollars terms.", "3 billion in US dollars terms", "3000000000"),
    ],
)
def test_currencies_named_in_words(text, span, amount):
    [found] = figures(text)
    assert (found["span"], found["label"], found["unit"], found["amount"]) == (span, "MONEY", "USD", amount)


def test_a_change_written_with_the_level_it_reaches_is_two_figures():
    found = figures("Oil exports may grow $2bn to $12bn in 2025.")
    assert [(f["span"], f["amount"], f["change"]) for f in found] == [
        ("$2bn", "2000000000", "change"), ("$12bn", "12000000000", "level")]
    # A range still is one: "$2bn to $3bn" with no verb of change before it.
    [span] = figures("The project will cost $2bn to $3bn.")
    assert (span["amount"], span["amount_to"]) == ("2000000000", "3000000000")


@pytest.mark.parametrize(
    ("text", "span", "amount", "unit"),
    [
        ("The share fell 1.5 pp to 6.2%.", "1.5 pp", "-1.5", "pp"),
        ("Tax revenues decreased 11.3% in August.", "11.3%", "-11.3", "%"),
        ("Prices have fallen about 20% since January.", "about 20%", "-20", "%"),
        ("The plan trims output by up to 17%.", "up to 17%", "-17", "%"),
        ("Exports amounted to $3.1 billion (+9.8 percent).", "+9.8 percent", "9.8", "%"),
        ("Imports reached $1.2 billion (-3.4 percent).", "-3.4 percent", "-3.4", "%"),
        ("Transfers were $44 million or 3% more than a year ago.", "$44 million", "44000000", "USD"),
    ],
)
def test_falls_points_and_signed_changes(text, span, amount, unit):
    [found] = [f for f in figures(text) if f["span"] == span]
    assert (found["amount"], found["unit"], found["change"]) == (amount, unit, "change")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Its net profit rose 12% in FY2023.", [("FY2023", "2023-01-01/2023-12-31")]),
        ("The 2024FY trade surplus narrowed.", [("2024FY", "2024-01-01/2024-12-31")]),
        ("The FY 2024/25 budget assumed $75 oil.", [("FY 2024/25", "2024-01-01/2025-12-31")]),
        ("Results for FY23 were strong.", [("FY23", "2023-01-01/2023-12-31")]),
    ],
)
def test_fiscal_years_in_running_text(text, expected):
    assert dates(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Roads are rebuilt for the green economy of tomorrow.", []),
        ("Tomorrow's economy needs engineers.", []),
        ("The notice names Kazakhstan Today as its source.", []),
        ("The minister spoke at today's government meeting.", [("today", "2024-09-20")]),
        ("Talks resume tomorrow.", [("tomorrow", "2024-09-21")]),
    ],
)
def test_figurative_time_words_are_not_dates(text, expected):
    assert dates(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The paragraph names a date before it: the year before that date's year.
        ("Exports fell in January-October. They were 6% lower than a year earlier.",
         [("January-October", "2024-01-01/2024-10-31"), ("a year earlier", "2023-01-01/2023-12-31")]),
        # Nothing named before it in the paragraph: no reference, even with an article date.
        ("Inflation was lower a year earlier.", [("a year earlier", "no_reference")]),
        ("Output rose in 2022.\nIt was lower a year earlier.", [("2022", "2022-01-01/2022-12-31"),
                                                               ("a year earlier", "no_reference")]),
    ],
)
def test_a_year_earlier(text, expected):
    assert dates(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "said on Sunday" is reported: the Sunday before, though the sentence speaks of the future.
        ("Kazakhstan will cut output from May, the ministry said on Sunday.",
         [("May", "2025-05-01/2025-05-31"), ("Sunday", "2024-09-15")]),
        ("The fund plans to sell shares, after they rose since the listing in February.",
         [("February", "2024-02-01/2024-02-29")]),
        ("The bank will decide on Thursday.", [("Thursday", "2024-09-26")]),
        ("The August figure was lower compared to August to 6.55 million tons.",
         [("August", "2024-08-01/2024-08-31"), ("August", "2024-08-01/2024-08-31")]),
    ],
)
def test_reported_dates_and_bare_months(text, expected):
    assert dates(text) == expected
