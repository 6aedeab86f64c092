import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_tokens_keep_currency_figures_and_hyphenated_words_whole():
    from curator.domain.text import next_token_end, previous_token_start, token_at

    text = "Trade reached US$24.2 billion, said the Kazakh-Chinese (TDI) committee."
    moves, position = [], text.index("US$")
    while position < text.index("committee"):
        position = next_token_end(text, position)
        moves.append(text[text.rfind(" ", 0, position) + 1 : position])
    assert moves[:3] == ["US$24.2", "billion", "said"]  # one press per token, punctuation left out
    assert text[slice(*token_at(text, text.index("$")))] == "US$24.2"
    assert text[slice(*token_at(text, text.index("Chinese")))] == "Kazakh-Chinese"
    assert text[slice(*token_at(text, text.index("TDI")))] == "TDI"
    assert previous_token_start(text, text.index(" billion")) == text.index("US$")
    assert previous_token_start(text, 0) == 0 and next_token_end(text, len(text)) == len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.integers(0, 70))
def test_token_moves_always_make_progress_and_stay_in_the_text(text, position):
    from curator.domain.text import next_token_end, previous_token_start, token_at

    position = min(position, len(text))
    after, before = next_token_end(text, position), previous_token_start(text, position)
    assert position < after <= len(text) or after == position == len(text)
    assert 0 <= before < position or before == position == 0
    found = token_at(text, position)
    assert found is None or 0 <= found[0] < found[1] <= len(text)


# -- clusters (a letter with its combining marks, an emoji sequence) are never cut ----------

NFD_KOELN = "Ko\u0308ln"  # Köln with a combining diaeresis
HINDI = "दिल्ली"  # vowel signs and a virama join the letters before them


@pytest.mark.parametrize("word", [NFD_KOELN, HINDI, "Zu\u0308rich", "Tu\u0308rkiye\u0301"])
def test_the_word_at_the_caret_is_the_whole_word_whatever_its_marks(word):
    text = f"Talks in {word} ended."
    start = text.index(word)
    for caret in range(start, start + len(word) + 1):
        assert word_at(text, caret) == (start, start + len(word)), caret
        assert snapped_in(text, caret, caret) == word
    for first in range(start, start + len(word)):
        assert snapped_in(text, first, first + 1) == word  # one character of it selected


def snapped_in(text: str, start: int, end: int) -> str | None:
    result = snap_to_words(text, start, end)
    return text[result[0] : result[1]] if result else None


def test_tokens_are_made_of_clusters():
    from curator.domain.text import TOKEN, token_at

    text = f"{NFD_KOELN} and {HINDI}: flags \U0001F1F0\U0001F1FF, 👩\u200d💻 and .\u0301!"
    assert TOKEN.findall(text) == [NFD_KOELN, "and", HINDI, ":", "flags", "\U0001F1F0\U0001F1FF", ",",
                                   "👩\u200d💻", "and", ".\u0301", "!"]
    assert text[slice(*token_at(text, 1))] == NFD_KOELN


_CLUSTERED = st.text(alphabet=st.sampled_from(list("ab9 .,-\n") + ["\u0301", "\u0308", "\u200d", "\u093f", "\u094d",
                                                                   "\u0926", "\U0001F1F0", "\U0001F1FF", "👩",
                                                                   "\ufe0f", "\u0600", "\r"]), max_size=40)


def _cluster_starts(text: str) -> set[int]:
    import regex

    return {m.start() for m in regex.finditer(r"\X", text)} | {len(text)}


@settings(max_examples=200, deadline=None)
@given(_CLUSTERED)
def test_no_token_and_no_snapped_selection_cuts_a_cluster(text):
    from curator.domain.text import INVISIBLE, TOKEN, grapheme_bounds, token_at

    bounds = _cluster_starts(text)
    spans = [m.span() for m in TOKEN.finditer(text)]
    assert all(start in bounds and end in bounds for start, end in spans)
    assert all(not text[start].isspace() for start, _end in spans)
    covered = {i for start, end in spans for i in range(start, end)}
    # Everything but the clusters that start with a space, or show nothing (a zero-width
    # joiner alone, a byte order mark), is in a token.
    def blank(start: int, end: int) -> bool:
        return text[start].isspace() or not text[start:end].strip(INVISIBLE)

    ends = {start: min(b for b in bounds if b > start) for start in sorted(bounds)[:-1]}
    assert covered == {i for i in range(len(text))} - {
        i for start, end in ends.items() if blank(start, end) for i in range(start, end)}
    for start in range(len(text) + 1):
        for end in (start, min(len(text), start + 1), len(text)):
            snapped = snap_to_words(text, start, end)
            if snapped is not None:
                assert snapped[0] in bounds and snapped[1] in bounds, (start, end, snapped)
        assert set(grapheme_bounds(text, start, min(len(text), start + 1))) <= bounds
        token = token_at(text, start)
        assert token is None or (token[0] in bounds and token[1] in bounds)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_the_fast_and_the_careful_token_paths_agree(text):
    """Clusters of one character each: the tokens are those of the character pattern."""
    import re

    import regex

    from curator.domain.text import token_spans

    if all(len(m.group()) == 1 for m in regex.finditer(r"\X", text)):
        assert token_spans(text) == [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]
