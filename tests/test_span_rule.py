"""One rule for a span and its text, asked by every reader and writer: a span lies inside
its text, starts before it ends and, where it carries its text, covers exactly that."""

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from curator.domain.text import span_problem

ROOT = Path(__file__).resolve().parent.parent


def test_a_span_inside_its_text_covering_what_it_says_has_no_problem():
    text = "Astana hosted the forum."
    assert span_problem(text, 0, 6) is None
    assert span_problem(text, 0, 6, "Astana") is None
    assert span_problem(text, 0, len(text), text) is None


def test_each_way_a_span_can_be_wrong_is_named():
    text = "Astana hosted the forum."
    for start, end in ((0, 0), (6, 2), (-1, 3), (20, 99)):
        assert span_problem(text, start, end) == f"is outside the text (length {len(text)})"
    assert span_problem(text, 0, 6, "Beijing") == "text 'Beijing' differs from the document text 'Astana'"
    long = "x" * 500
    assert len(span_problem(long, 0, 500, "y" * 500)) < 250  # a long span is shown cut, not whole


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.integers(-5, 40), st.integers(-5, 40), st.none() | st.text(max_size=5))
def test_the_rule_is_what_it_says(text, start, end, written):
    inside = 0 <= start < end <= len(text)
    problem = span_problem(text, start, end, written)
    assert (problem is None) == (inside and (written is None or text[start:end] == written))


def test_no_reader_or_writer_writes_the_rule_out_again():
    """The comparisons that make up the rule appear in its one home alone."""
    written_out = re.compile(r"0 <= \w+(\.\w+)? < \w+(\.\w+)? <= (len\(|length\b)|\.end > len\(\w+(\.text)?\) or")
    homes = {ROOT / "curator" / "domain" / "text.py"}
    found = [str(path.relative_to(ROOT)) for path in (ROOT / "curator").rglob("*.py")
             if path not in homes and written_out.search(path.read_text(encoding="utf-8"))]
    assert found == []
