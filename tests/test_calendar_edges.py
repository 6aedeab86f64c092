"""A calendar edge is a value with a reason, never an exception: in the rules, in
suggestions and in the tagging behind the window's number keys.

The phrase catalogue holds at least one example of every date rule; the anchors run
from the first day the calendar has to the last."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.analysis.suggest import propose
from curator.domain.dates import _RULES, find_dates, normalize_date
from curator.domain.models import Document
from curator.domain.normalize import value_for
from curator.domain.schema import LabelSchema
from curator.domain.values import DateValue, Unresolved
from curator.session.editing import tag

CATALOGUE = [
    "2024-03-05", "05.03.2024", "25/02/2024", "03/04/2024", "03/04", "31.12", "from May 5 to May 9", "November 11-22",
    "January 24 through January 26", "April 24 to 26", "4 November 2023", "the 5th of May", "Sept. 15, 2024",
    "2024-2025", "from 2013 to 2023", "2024/25", "FY2023", "FY 2024/25", "2024FY", "fiscal 2025",
    "the first half of 2023", "the second quarter of next year", "the first half of the year", "mid-2024",
    "late last year", "the end of the year", "the beginning of next year", "early April", "the end of June",
    "H1 2024", "Q3 2023", "3Q2024", "9M 2024", "8M24", "Q2 '24", "the first 10 months of 2021", "10 months of 2021",
    "8 months of this year", "the first nine months", "in eight months", "over 11 months", "January-September 2024",
    "between January and October", "Jan.-Nov.", "the past 18 years", "the last 12 months", "the past year",
    "two years ago", "three weeks ago", "the next five years", "the coming 3 decades", "last quarter", "next quarter",
    "a year earlier", "the year before", "last year", "this year", "next year", "the previous year", "last month",
    "next month", "last May", "next March", "this May", "last week", "next week", "the 1990s", "March 2024",
    "the second half", "Q3", "5 May", "March 26", "on February 29", "February 30, 2024", "Thursday", "last Tuesday",
    "next Monday", "in May", "since December", "to August", "today", "yesterday", "tomorrow", "the same day", "1997",
    "January last year", "5 March next year", "March 7 of this year", "Q1 of last year", "February 29 last year",
    "early May last year", "Jan-Mar next year", "from March to May this year", "earlier this year",
    "later this month",
]
CONTEXTS = ["The ministry said on {} that exports rose.", "Talks will be held {}.", "{}, output fell 5%.",
            "Trade reached $5 billion in 2023 and {} it grew.", "{}"]


def test_the_catalogue_has_an_example_of_every_rule():
    matched = set()
    for phrase in CATALOGUE:
        for index, (pattern, _rule, _needs) in enumerate(_RULES):
            if pattern.search(phrase):
                matched.add(index)
    assert matched == set(range(len(_RULES)))


@settings(max_examples=300, deadline=None)
@given(anchor=st.one_of(st.none(), st.dates(min_value=date.min, max_value=date.max)),
       phrase=st.sampled_from(CATALOGUE), context=st.sampled_from(CONTEXTS))
def test_no_phrase_at_any_anchor_raises(anchor, phrase, context):
    text = context.format(phrase)
    for found in find_dates(text, anchor):
        assert isinstance(found.value, DateValue) and 0 <= found.start < found.end <= len(text)
        if not found.value.resolved:
            assert found.value.reason in set(Unresolved)
    start = text.index(phrase)
    value = normalize_date(text, start, start + len(phrase), anchor)
    assert isinstance(value, DateValue)
    assert value_for(LabelSchema(), "DATE", text, start, start + len(phrase), anchor)["type"] == "date"
    propose(Document(id=1, uid="d", text=text, published=anchor), LabelSchema())


@settings(max_examples=150, deadline=None)
@given(anchor=st.dates(min_value=date.min, max_value=date.max), text=st.text(max_size=80),
       bounds=st.tuples(st.integers(0, 80), st.integers(0, 80)))
def test_any_selection_of_any_text_gets_a_value_without_raising(anchor, text, bounds):
    start, end = sorted(bounds)
    end = min(end, len(text))
    start = min(start, end)
    if start < end:
        assert isinstance(normalize_date(text, start, end, anchor), DateValue)


@pytest.mark.parametrize(
    ("text", "phrase", "anchor"),
    [
        ("The talks were held on February 29.", "February 29", date(2023, 5, 1)),
        ("Exports will double next year.", "next year", date.max),
        ("Exports fell last year.", "last year", date.min),
        ("The plan runs for the next five years.", "the next five years", date(9999, 12, 31)),
        ("Prices rose over the past 18 years.", "the past 18 years", date(1, 1, 1)),
        ("The board met next Monday.", "next Monday", date.max),
        ("It opened yesterday.", "yesterday", date.min),
    ],
)
def test_a_calendar_edge_is_an_unresolved_value_with_a_reason(text, phrase, anchor):
    [found] = find_dates(text, anchor)
    assert text[found.start:found.end] == phrase
    assert not found.value.resolved and found.value.reason is Unresolved.INVALID
    # The same through a suggestion and through tagging with a number key.
    [suggested] = [s for s in propose(Document(id=1, uid="d", text=text, published=anchor), LabelSchema())
                   if s.label == "DATE"]
    assert suggested.value["reason"] == "invalid"
    start = text.index(phrase)
    command = tag(LabelSchema(), Document(id=1, uid="d", text=text, published=anchor), start, start + len(phrase),
                  "DATE", "ann", [])
    assert command.annotation.value["reason"] == "invalid"


@pytest.mark.parametrize("text", ["Tickets for Euro2024 sold out.", "The Astana1800 code was used.",
                                  "Account KZ2024 was opened.", "The Uzbekistan-2030 strategy."])
def test_no_date_inside_a_word(text):
    assert find_dates(text, date(2024, 6, 1)) == []
    assert [s for s in propose(Document(id=1, uid="d", text=text, published=date(2024, 6, 1)), LabelSchema())
            if s.label == "DATE"] == []
