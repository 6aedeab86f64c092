import pytest

from curator.domain.text import snap_to_words, word_at

TEXT = "Trade grew by 35% last year to a record US$24.2 billion, according to Smailov (XUAR)."


def sel(fragment: str, trim_left: int = 0, trim_right: int = 0) -> tuple[int, int]:
    start = TEXT.index(fragment)
    return start + trim_left, start + len(fragment) - trim_right


def snapped(start: int, end: int) -> str | None:
    result = snap_to_words(TEXT, start, end)
    return TEXT[result[0] : result[1]] if result else None


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (sel("Trade grew"), "Trade grew"),
        (sel("Trade grew", 2, 1), "Trade grew"),  # partial words widen to whole words
        (sel("24.2 bil", 1), "24.2 billion"),  # a number with a decimal point is one word
        (sel(" according "), "according"),  # surrounding spaces are trimmed
        (sel("billion, "), "billion"),  # trailing punctuation is trimmed
        (sel("(XUAR)."), "XUAR"),  # brackets are trimmed
        (sel("35%"), "35%"),  # a percent sign the curator selected stays
        (sel("US$24"), "US$24.2"),
    ],
)
def test_selection_snaps_to_whole_words(selection, expected):
    assert snapped(*selection) == expected


def test_reversed_and_out_of_range_selections_are_normalised():
    start, end = sel("Smailov")
    assert snapped(end - 2, start + 1) == "Smailov"
    assert snapped(len(TEXT) - 3, len(TEXT) + 50) == "XUAR"


def test_selection_of_only_punctuation_or_space_gives_nothing():
    start = TEXT.index(", according")
    assert snap_to_words(TEXT, start, start + 2) is None
    assert snap_to_words("   ", 0, 3) is None


def test_caret_without_selection_takes_the_word_it_touches():
    position = TEXT.index("record") + 2
    assert word_at(TEXT, position) == (TEXT.index("record"), TEXT.index("record") + len("record"))
    assert snapped(position, position) == "record"
    assert word_at("a  b", 2) is None


def test_non_ascii_words_snap_as_words():
    text = "I was recently in Ürümqi and Astana"
    start = text.index("rümq")
    result = snap_to_words(text, start, start + 3)
    assert text[result[0] : result[1]] == "Ürümqi"


def test_snapping_in_a_long_text_is_local():
    text = ("word " * 200_000) + "target" + (" word" * 10)
    start = text.index("target") + 2
    result = snap_to_words(text, start, start + 1)
    assert text[result[0] : result[1]] == "target"
