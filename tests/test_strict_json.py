"""The strict JSON reader every file reader uses (``boundary.loads``): orjson's fast path
must accept and refuse exactly what the standard reader with the stored values' checks
does, whether the text comes as bytes or as a string."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from curator.domain.json_values import bad_value
from curator.formats.boundary import BadJSON, loads, loads_bytes, may_hold_nul, plain

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _refused(_name: str) -> None:
    raise ValueError("a constant")


def reference(text: str) -> tuple[str, object]:
    """The standard reader, then the checks of a stored value: what ``loads`` must agree with."""
    try:
        value = json.loads(text, parse_constant=_refused)
    except (ValueError, RecursionError):
        return "refused", None
    return ("refused", None) if bad_value(value) else ("read", value)


def outcome(text: str | bytes) -> tuple[str, object]:
    try:
        return "read", loads(text)
    except BadJSON:
        return "refused", None


PIECES = st.sampled_from(['"\\u0000"', '"a\\u0000"', '{"\\u0000": 1}', '"\\\\u0000"', "9223372036854775807",
                          "9223372036854775808", "-9223372036854775809", "18446744073709551616", "1e19", "-1e19",
                          "1.5e300", "1e400", "NaN", '"\\ud800"', "[" * 65 + "]" * 65, "[" * 63 + "]" * 63, '"\u00e9"',
                          '"x"', "true", "null", "0.5", "{}", "[]"])
TEXTS = st.recursive(PIECES, lambda inner: st.lists(inner, max_size=4).map(lambda items: f"[{', '.join(items)}]")
                     | st.lists(st.tuples(st.sampled_from(['"a"', '"\\u0000k"', '"b\\\\u0000"']), inner), max_size=3)
                     .map(lambda pairs: "{" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}"),
                     max_leaves=10)


@FUZZ
@given(text=TEXTS)
@example(text='{"a": "\\u0000"}')
@example(text='["ok", {"b\\\\u0000": 18446744073709551616}]')
def test_fuzz_the_fast_path_reads_what_the_standard_reader_reads(text):
    expected = reference(text)
    assert outcome(text) == expected
    assert outcome(text.encode("utf-8")) == expected


@pytest.mark.parametrize("text", ['{"text": "a\\u0000b"}', '{"a\\u0000": "b"}', '[[[{"deep": ["x\\u0000"]}]]]'])
def test_a_nul_character_anywhere_is_refused_as_bytes_or_text(text):
    for given_as in (text, text.encode()):
        with pytest.raises(BadJSON, match="NUL"):
            loads(given_as)


def test_the_strings_are_looked_into_only_when_the_text_may_hold_a_nul():
    value = json.loads('{"a\\u0000": ["b\\u0000"]}')
    assert may_hold_nul('{"a\\u0000": ["b\\u0000"]}') and may_hold_nul(b'"\\u0000"')
    assert not may_hold_nul('{"a": ["b"]}') and not may_hold_nul(b'"\\u0001"')
    assert not plain(value) and plain(value, strings=False)  # the text says whether to look
    assert not plain([2.0 ** 63], strings=False) and plain([2.0 ** 63 - 1024], strings=False)
    assert not plain(json.loads("[" * 65 + "]" * 65), strings=False)


@FUZZ
@given(text=TEXTS, bom=st.booleans(), damage=st.sampled_from([b"", b"\xff", b"\xed\xa0\x80", b"\x00"]),
       at=st.floats(0, 1))
@example(text='"\u00e9"', bom=True, damage=b"", at=0.0)
def test_fuzz_a_files_bytes_read_undecoded_as_when_decoded_first(text, bom, damage, at):
    """``loads_bytes`` skips the decoding where orjson reads the bytes itself: what it
    accepts, and how it refuses (the decoder's own error), are those of decoding first."""
    data = text.encode("utf-8")
    cut = int(len(data) * at)
    data = (b"\xef\xbb\xbf" if bom else b"") + data[:cut] + damage + data[cut:]

    def first_decoded():
        try:
            return outcome(data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            return "undecodable", exc.start

    try:
        fast = "read", loads_bytes(data)
    except BadJSON:
        fast = "refused", None
    except UnicodeDecodeError as exc:
        fast = "undecodable", exc.start
    assert fast == first_decoded()


def test_a_wide_file_goes_to_its_decoder():
    data = json.dumps({"text": "Almaty \u00e9"}).encode("utf-16")  # with its BOM
    assert loads_bytes(data, lambda raw: raw.decode("utf-16")) == {"text": "Almaty \u00e9"}
    with pytest.raises(UnicodeDecodeError):
        loads_bytes(data)  # (UTF-8 only, by default, as before)
