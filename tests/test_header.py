from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.domain.header import Header, find_header
from curator.domain.metadata import detect_metadata


def test_the_sample_header_runs_on_into_the_body(seeds):
    text = next(path for path in seeds if path.name.startswith("000")).read_text(encoding="utf-8")
    header = find_header(text)
    assert text.startswith(" date 2023-11-07 China")
    assert header == Header(1, 16, {"date": "2023-11-07"})
    assert header.describe() == "date 2023-11-07 \u2014 the article's published date"


@pytest.mark.parametrize(
    ("text", "header"),
    [
        ("date 2024-01-05\nASTANA \u2014 Talks began.", Header(0, 15, {"date": "2024-01-05"})),
        ("\n\n  Date: 2019-01-31\r\nText", Header(4, 20, {"date": "2019-01-31"})),
        ("DATE 2023-02-31 stays a header though no such day exists.", Header(0, 15, {"date": "2023-02-31"})),
        ("date 2024-01-05 date 2024-01-06: a second date is body text.", Header(0, 15, {"date": "2024-01-05"})),
        ("ASTANA \u2014 Talks began on the date 2024-01-05.", None),  # "date" in the body
        ("dates 2024-01-05 were set.", None),
        ("date 2024-01-056 is not an ISO date.", None),
        ("date\n", None),
        ("", None),
    ],
)
def test_headers_of_made_up_texts(text, header):
    assert find_header(text) == header


def test_a_header_overlaps_only_what_touches_it():
    header = Header(1, 16, {"date": "2023-11-07"})
    assert header.overlaps(6, 16) and header.overlaps(0, 2) and header.overlaps(15, 30)
    assert not header.overlaps(0, 1) and not header.overlaps(16, 20)


ISO = st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True)
HEADED = st.builds(lambda space, key, iso, sep, body: space + key + iso + sep + body,
                   st.sampled_from(["", " ", "\n \t"]), st.sampled_from(["date ", "Date: ", "DATE\t"]), ISO,
                   st.sampled_from(["\n", " ", ". ", "\u2014"]), st.text(max_size=80))
FUZZ = settings(max_examples=300, deadline=None)


@FUZZ
@given(st.one_of(st.text(max_size=200), HEADED))
def test_any_text_has_at_most_a_well_formed_header(text):
    header = find_header(text)
    if header is None:
        return
    assert 0 <= header.start < header.end <= len(text)
    assert not text[: header.start].strip()
    assert all(key in header.describe() and value in text[header.start : header.end]
               for key, value in header.fields.items())
    try:
        published = date.fromisoformat(header.fields["date"])
    except ValueError:  # not a day: the header is still metadata, but dates nothing
        return
    assert detect_metadata(text).published == published  # the importer reads the same header


@FUZZ
@given(HEADED)
def test_a_header_is_found_whatever_body_follows(text):
    header = find_header(text)
    assert header is not None and list(header.fields) == ["date"]
    assert text[header.start : header.end].lower().startswith("date")
    assert text[header.end - 10 : header.end] == header.fields["date"]
