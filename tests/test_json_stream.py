"""A JSON file of articles too large to read whole streams a record at a time: it imports
the same records, with the same problems, as the same file read whole, refuses what the
strict reader refuses (before any of its records is imported), and reports progress as
it reads."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.domain.jobs import Cancelled, Job
from curator.formats import json_stream
from curator.formats.article_files import TEXT_COLUMNS, Skipped, read_file
from curator.formats.articles import import_files
from curator.formats.json_stream import _LongNumbers, _Strings, _Surrogates
from curator.formats.json_stream import _Reread as Reread

FUZZ = settings(max_examples=80, deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@contextmanager
def streaming(chunk: int = json_stream.CHUNK):
    """Every JSON file streamed (none read whole), ``chunk`` bytes at a time."""
    with mock.patch.object(json_stream, "WHOLE_JSON_BYTES", -1), mock.patch.object(json_stream, "CHUNK", chunk):
        yield


def outcome(path: Path, stream: bool, chunk: int = json_stream.CHUNK):
    """What ``read_file`` makes of ``path``: each candidate or problem, and the warnings; or
    the reason the whole file is refused."""
    warnings: list = []
    with mock.patch.object(json_stream, "WHOLE_JSON_BYTES", -1 if stream else 1 << 40), \
            mock.patch.object(json_stream, "CHUNK", chunk):
        try:
            items = [(item.uid, item.text, item.fields, item.origin, item.record) if hasattr(item, "uid")
                     else str(item) for item in read_file(path, warnings)]
        except Skipped as exc:
            return "refused", str(exc)
    return items, [str(warning) for warning in warnings]


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_a_streamed_list_gives_the_records_the_whole_file_gives(tmp_path):
    records = [{"id": "a1", "text": "Astana, 28 March 2023 (TDI): trade grew.", "outlet": "TDI", "date": "2023-03-28",
                "topic": {"tags": ["trade", 2.5, None, True], "n": 12345678901234567890123}},
               {"text": "The second article \U0001F600.", "published": "not a date"},
               42, {"title": "no text"}, {"text": "   "},
               {"text": "Duplicate keys: last value wins.", "Title": "first", "title": "second"}]
    for ascii_only in (True, False):
        path = write(tmp_path / "list.json", json.dumps(records, ensure_ascii=ascii_only, indent=1))
        streamed = outcome(path, stream=True)
        assert streamed == outcome(path, stream=False)
        items, warnings = streamed
        assert [item[0] for item in items[:2]] == ["a1", "list-2"]
        assert items[1][1] == "The second article \U0001F600."
        assert any("record 3" in item and "not an object" in item for item in items[2:] if isinstance(item, str))
        assert any("not a date" in warning for warning in warnings)


@pytest.mark.parametrize("content", [
    '{"documents": [{"id": "d1", "text": "From an export."}], "annotations": [{"x": 1}]}',
    # a key twice: the standard reader keeps the last value
    '{"documents": "first", "meta": {"a": [1, 2]}, "documents": [{"text": "The last one counts."}], "text": "no"}',
    '{"id": "solo", "text": "Just one.", "extra": {"deep": [[1], [2]]}, "id": "solo-2"}',
])
def test_every_form_read_whole_is_read_streamed_alike(tmp_path, content):
    path = write(tmp_path / "forms.json", content)
    streamed = outcome(path, stream=True)
    assert streamed == outcome(path, stream=False)
    assert streamed[0] and not isinstance(streamed[0][0], str)


@pytest.mark.parametrize(("content", "reason"), [
    (b'{"documents": {"text": "a"}}', "'documents' is an object, not a list of records"),
    (b'{"documents": 3}', "'documents' is an integer, not a list of records"),
    (b'{"title": "no text"}', "expected a list of records"),
    (b"3.14", "expected a list of records"),
    (b"", "empty file"),
    (b"[{\"text\": \"a\"}]" + b"\x00", "binary file"),
])
def test_the_forms_refused_whole_are_refused_streamed_with_the_same_reason(tmp_path, content, reason):
    path = write(tmp_path / "refused.json", content)
    assert outcome(path, stream=True) == outcome(path, stream=False)
    assert outcome(path, stream=True)[0] == "refused" and reason in outcome(path, stream=True)[1]


@pytest.mark.parametrize(("middle", "reason"), [
    (b'{"text": "b" "title": "x"}', "malformed JSON"),
    (b'{"text": "b", "score": NaN}', "NaN is not a number JSON allows"),
    (b'{"text": "b", "score": -Infinity}', "-Infinity is not a number JSON allows"),
    (b'{"text": "b", "score": 1e400}', "the number inf is not finite"),
    (b'{"text": "b\\u0000c"}', "holds a NUL character"),
    (b'{"text\\u0000": "b"}', "holds a NUL character"),
    (b'{"text": "b \\ud800 c"}', "lone surrogate"),
    (b'{"text": "b \\udc00 c"}', "lone surrogate"),
    (b'{"text": "b \\ud800\\u0041 c"}', "lone surrogate"),  # yajl alone would join the two
    (b'{"text": "b", "deep": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested more than 64 levels deep"),
    (b'{"text": "b",\x0c"x": 1}', "control character 0x0c"),
    (b'{"text": "b", "n": ' + b"7" * 5_000 + b"}", "a number of more than 4,300 digits"),
    (b'{"text": "b", "n": [1, -' + b"7" * 5_000 + b"]}", "a number of more than 4,300 digits"),
])
def test_a_bad_record_in_the_middle_refuses_the_file_naming_the_record(store, tmp_path, middle, reason):
    path = write(tmp_path / "bad.json", b'[{"id": "r1", "text": "a"},\n ' + middle + b',\n {"id": "r3", "text": "c"}]')
    with streaming():
        report = import_files(store, [path])
    assert store.document_count() == 0  # refused before any record of it was imported
    [problem] = report.problems
    assert problem.file == str(path)
    assert problem.reason.startswith("record 2: ") and reason in problem.reason
    assert outcome(path, stream=False)[0] == "refused"  # as when the file is read whole


def test_a_truncated_file_is_refused_whole_naming_where_it_ends(store, tmp_path):
    whole = json.dumps([{"id": f"t{i}", "text": f"Article {i}."} for i in range(50)]).encode()
    cut = whole[:len(whole) // 2]
    path = write(tmp_path / "cut.json", cut)
    with streaming(chunk=64):
        report = import_files(store, [path])
    assert store.document_count() == 0
    [problem] = report.problems
    assert "malformed JSON" in problem.reason and "ends before its JSON does" in problem.reason
    assert problem.reason.startswith(f"record {cut.count(b'{')}: ") and problem.file == str(path)


@pytest.mark.parametrize("text", ["\U0001F600 at the start", "a pair \U0001F600\U0001F4A9 twice", "\\ud800 spelled out",
                                  "backslashes \\\\\\ then \U0001F600"])
def test_escapes_split_across_chunks_read_as_when_whole(tmp_path, text):
    path = write(tmp_path / "escaped.json", json.dumps([{"text": text}] * 3))
    for chunk in (1, 2, 5, 7, 13):
        assert outcome(path, stream=True, chunk=chunk) == outcome(path, stream=False)


def test_surrogate_escapes_are_found_alone_across_any_chunking():
    cases = {rb'"\ud83d\ude00"': None, rb'"\\ud800"': None, rb'"\\\ud800"': 3, rb'"ab\udc00"': 3,
             rb'"\ud83d\ude00\ud83d"': 13, rb'"\\\\\ud83d x"': 5, rb'"\ud83d\\ude00"': 1}
    for data, lone in cases.items():
        for size in range(1, len(data) + 1):
            finder, found = _Surrogates(), None
            for start in range(0, len(data), size):
                found = finder.feed(data[start:start + size], start, final=False)
                if found is not None:
                    break
            else:
                found = finder.feed(b"", len(data), final=True)
            assert found == lone, (data, size)


def test_numbers_of_more_digits_than_python_reads_are_found_across_any_chunking():
    digits = b"7" * 4_301
    cases = {b'[' + digits + b']': 1, b'{"n": -' + digits + b'}': 7, b'{"n":\n  ' + digits + b'}': 8,
             b'["a' + digits + b'"]': None, b'[1.' + digits + b']': None, b'[' + digits[1:] + b']': None,
             digits: 0,
             # in a string, after what may come before a value: not a number
             b'["a, ' + digits + b'"]': None, b'{"a [' + digits + b'": 1}': None,
             b'["\\"", ' + digits + b']': 7, b'["\\\\", ' + digits + b']': 7, b'["\\\\\\", ' + digits + b'"]': None}
    for data, long in cases.items():
        for size in (1, 2, 3, 1000, 4_300, 4_301, len(data)):
            finder, found = _LongNumbers(inside_strings(data).__getitem__), None
            for start in range(0, len(data), size):
                found = finder.feed(data[start:start + size], start)
                if found is not None:
                    break
            assert found == long, (data[:12], size)


@pytest.mark.parametrize("text", ["Code A" + "7" * 5_000, "Code: " + "7" * 5_000, "[\\" + "7" * 5_000,
                                  'a "quoted", ' + "7" * 5_000])
def test_a_string_of_many_digits_streams_as_it_reads_whole(tmp_path, text):
    path = write(tmp_path / "digits.json", json.dumps([{"text": text, "n": 1.5}]))
    for chunk in (7, 4_096, 65_536):
        assert outcome(path, stream=True, chunk=chunk) == outcome(path, stream=False)
    assert outcome(path, stream=True)[0][0][1] == text


def inside_strings(data: bytes) -> list[bool]:
    """Whether each place of ``data`` (before each byte, and at its end) is inside a string,
    read a byte at a time, up to a backslash outside every string (where a parser stops)."""
    inside, escaped, places = False, False, []
    for byte in data:
        if byte == ord("\\") and not inside:
            return places
        places.append(inside)
        if escaped:
            escaped = False
        elif byte == ord("\\"):
            escaped = True
        elif byte == ord('"'):
            inside = not inside
    return [*places, inside]


@FUZZ
@given(data=st.lists(st.sampled_from([b'"', b"\\", b"a", b" ", b"7", b"\\u0041"]), max_size=40).map(b"".join),
       cuts=st.lists(st.integers(1, 6), min_size=1, max_size=8))
def test_fuzz_whether_a_place_is_in_a_string_is_told_across_any_chunking(data, cuts):
    expected, strings, start = inside_strings(data), _Strings(), 0
    for size in cuts * (len(data) + 1):
        if start >= len(expected):
            break
        assert strings.open == expected[start], (data, start)
        strings.feed(data[start:start + size])
        start += size


def test_a_long_run_of_digits_is_told_from_a_number_by_reading_the_file_again(tmp_path):
    """The places asked come from the stream as the parser reads it; reading them again
    leaves the parser's place in the file as it was."""
    digits = b"7" * 4_301
    data = b'[{"text": "a, ' + digits + b'"}, {"text": "b \\" ' + digits + b'"}, ' + digits + b']'
    path = write(tmp_path / "runs.json", data)
    with path.open("rb") as file:
        file.seek(10)
        again = Reread(file, lambda: (file.seek(0), file)[1])
        told = [again.inside(place) for place in (data.index(b"7"), data.index(b"7", 4_400), data.rindex(b" ") + 1)]
        assert told == [True, True, False] and file.tell() == 10
    streamed = outcome(path, stream=True, chunk=4_096)
    assert streamed[0] == "refused" and "more than 4,300 digits" in streamed[1] and \
        f"at byte {data.rindex(b' ') + 1:,}" in streamed[1]


def test_a_record_longer_than_the_cap_is_skipped_unread_and_the_rest_imports(tmp_path, monkeypatch):
    monkeypatch.setattr("curator.formats.article_files.line_cap", lambda: 400)
    records = [{"id": "s1", "text": "Short."}, {"id": "s2", "text": "Long.", "numbers": list(range(300))},
               {"id": "s3", "text": "Short too."}]
    path = write(tmp_path / "long.json", json.dumps(records))
    items, _warnings = outcome(path, stream=True, chunk=16)
    assert [item[0] for item in items if not isinstance(item, str)] == ["s1", "s3"]
    assert any("record 2" in item and "longer than 400 bytes" in item for item in items if isinstance(item, str))


def test_a_single_value_longer_than_the_cap_is_refused_without_holding_it(tmp_path, monkeypatch):
    monkeypatch.setattr("curator.formats.article_files.line_cap", lambda: 400)
    path = write(tmp_path / "huge.json", json.dumps([{"text": "Short."}, {"text": "x" * 5_000}]))
    refused, reason = outcome(path, stream=True, chunk=16)
    assert refused == "refused" and reason.startswith("record 2: a single value longer than 400 bytes")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_a_file_with_a_byte_order_mark_streams_as_it_reads_whole(tmp_path, encoding):
    path = write(tmp_path / "wide.json", json.dumps([{"text": "Ürümqi and Astana \U0001F600."}] * 3,
                                                    ensure_ascii=False).encode(encoding))
    for chunk in (1, 3, 4, 5, 65_536):
        assert outcome(path, stream=True, chunk=chunk) == outcome(path, stream=False)
    assert outcome(path, stream=True)[0][0][1] == "Ürümqi and Astana \U0001F600."


def test_the_fields_a_text_may_be_in_are_the_article_readers():
    assert json_stream.TEXT_KEYS == TEXT_COLUMNS  # (kept twice: the article reader imports this module)


def test_a_problem_after_the_records_names_no_record(tmp_path):
    path = write(tmp_path / "after.json", b'{"documents": [{"text": "a"}, {"text": "b"}], "meta": NaN}')
    assert outcome(path, stream=True) == ("refused", "NaN is not a number JSON allows")


def test_the_import_progress_advances_with_the_bytes_read(store, tmp_path):
    path = write(tmp_path / "big.json", json.dumps([{"id": f"p{i}", "text": f"Article {i}."} for i in range(2_000)]))
    seen = []

    class Watched(Job):
        def set_progress(self, done, total):
            seen.append((done, total))

    with streaming(chunk=4096):
        import_files(store, [path], Watched())
    assert store.document_count() == 2_000
    assert seen[0] == (0, 1000) and seen[-1] == (1000, 1000)
    inside = [done for done, _ in seen[1:-1]]
    assert len(inside) >= 10 and inside == sorted(inside) and 0 < inside[0] < 500 < inside[-2] <= 1000


# -- fuzzing: the streamed reader against the whole one ---------------------------------------

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=12))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                           max_size=3), max_leaves=8)
KEYS = st.sampled_from(["id", "text", "Text", "title", "headline", "source", "date", "published", "url", "topic", "x"])
RECORDS = st.one_of(st.dictionaries(KEYS, st.one_of(st.text(max_size=20), VALUES), max_size=6), VALUES)
FORMS = st.sampled_from(["list", "documents", "single"])
HOSTILE = [b"NaN", b"-Infinity", b"1e400", b'"\\ud800"', b'"\\udc00x"', b'"\\u0000"', b"[" * 70 + b"]" * 70,
           b'"\\ud800\\u0041"', b"\x0c1", b"01", b"[1,]", b"tru", b'"a\nb"', b"7" * 4_301, b"-" + b"7" * 4_301]


@FUZZ
@given(records=st.lists(RECORDS, max_size=6), form=FORMS, ascii_only=st.booleans(), indent=st.sampled_from([None, 0, 2]),
       chunk=st.sampled_from([1, 3, 8, 64, 65536]), mutation=st.one_of(
           st.none(), st.tuples(st.just("cut"), st.floats(0, 1)), st.tuples(st.just("insert"), st.floats(0, 1),
                                                                          st.sampled_from(HOSTILE))))
def test_fuzz_the_streamed_reader_reads_what_the_whole_one_reads(tmp_path_factory, records, form, ascii_only, indent,
                                                                chunk, mutation):
    payload = {"list": records, "documents": {"meta": 1, "documents": records},
               "single": {"text": "One record.", "extra": records}}[form]
    data = json.dumps(payload, ensure_ascii=ascii_only, indent=indent).encode("utf-8", "surrogatepass")
    if mutation and mutation[0] == "cut":
        data = data[:int(len(data) * mutation[1])]
    elif mutation:
        at = int(len(data) * mutation[1])
        data = data[:at] + mutation[2] + data[at:]
    path = write(tmp_path_factory.mktemp("fuzz") / "fuzzed.json", data)
    whole, streamed = outcome(path, stream=False), outcome(path, stream=True, chunk=chunk)
    if whole[0] == "refused":
        assert streamed[0] == "refused", (whole, streamed)
    elif streamed[0] == "refused" and "digits" in streamed[1]:
        # The one known difference: 4,301 digits or more in a string, right after what may
        # come before a number (": 7777..."), are taken for a number and refused.
        assert mutation and mutation[0] == "insert" and mutation[2].endswith(b"7" * 4_301)
    else:
        assert streamed == whole


@pytest.mark.parametrize("chunk", [1, 100, 65_536])
@pytest.mark.parametrize("bad", [b'{"text": "x", "n": NaN}', b'{"text": "x" "n": 1}', b'{"text": "x\\u0000"}',
                                 b'{"text": "\\udc00"}', b'{"text": "x", "n": ' + b"9" * 4_400 + b"}"])
def test_the_record_named_is_the_one_the_problem_is_in_whatever_the_reads(tmp_path, chunk, bad):
    records = [json.dumps({"id": f"n{i}", "text": f"Article {i}."}).encode() for i in range(100)]
    records[49] = bad
    path = write(tmp_path / "many.json", b"[" + b",\n".join(records) + b"]")
    refused, reason = outcome(path, stream=True, chunk=chunk)
    assert refused == "refused" and reason.startswith("record 50: "), reason


JSONISH = st.text(alphabet='[]{},:"\\ \t\n\r\x0b\x0c0123456789.eE+-truefalsnNIiybdcu/\x00\u00e9\U0001F600', max_size=60)


@FUZZ
@given(text=st.one_of(JSONISH, JSONISH.map(lambda tail: '[{"text": "a"}, ' + tail)), chunk=st.sampled_from([1, 5, 64]))
def test_fuzz_json_like_bytes_are_accepted_or_refused_as_when_read_whole(tmp_path_factory, text, chunk):
    path = write(tmp_path_factory.mktemp("fuzz") / "tokens.json", text.encode("utf-8"))
    whole, streamed = outcome(path, stream=False), outcome(path, stream=True, chunk=chunk)
    assert (whole[0] == "refused") == (streamed[0] == "refused"), (whole, streamed)
    if whole[0] != "refused":
        assert streamed == whole


@FUZZ
@given(data=st.binary(max_size=80), chunk=st.sampled_from([1, 7, 65_536]))
def test_fuzz_arbitrary_bytes_are_accepted_or_refused_as_when_read_whole(tmp_path_factory, data, chunk):
    path = write(tmp_path_factory.mktemp("fuzz") / "bytes.json", data)
    whole, streamed = outcome(path, stream=False), outcome(path, stream=True, chunk=chunk)
    assert (whole[0] == "refused") == (streamed[0] == "refused"), (whole, streamed)
    if whole[0] != "refused":
        assert streamed == whole


def test_without_the_c_parser_json_files_are_read_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(json_stream, "_PARSER", None)  # (ijson's Python parser is laxer: "+1" is a number to it)
    path = write(tmp_path / "whole.json", b'[{"text": "a"}, {"text": "b", "n": NaN}]')
    assert outcome(path, stream=True) == ("refused", "NaN is not a number JSON allows")  # (streamed: "record 2: ...")


# -- a preview of a large file: its start, to tell what it holds ---------------------------------


def test_a_preview_keeps_the_first_items_of_each_list_and_reads_no_further_into_a_top_list(tmp_path):
    records = [{"id": f"r{i}", "text": f"Article {i}.", "tags": list(range(100))} for i in range(1_000)]
    path = write(tmp_path / "list.json", b"\xef\xbb\xbf" + json.dumps(records).encode() + b" ]]] broken later")
    with path.open("rb") as file:
        shown = json_stream.preview(file, items=3)
        assert file.tell() <= 3 + json_stream.CHUNK < path.stat().st_size  # one read, of the 440 kB
    assert shown == [{**record, "tags": [0, 1, 2]} for record in records[:3]]


def test_a_preview_of_an_object_reads_it_to_its_end(tmp_path):
    content = {"documents": [{"text": f"Article {i}."} for i in range(500)], "format": "curator-dataset",
               "nested": {"deep": [[1, 2, 3, 4], 5.5]}}
    path = write(tmp_path / "export.json", json.dumps(content))
    with path.open("rb") as file:
        shown = json_stream.preview(file, items=2)
    assert shown == {"documents": content["documents"][:2], "format": "curator-dataset",
                     "nested": {"deep": [[1, 2], 5.5]}}


@pytest.mark.parametrize("content", [b'[{"text": "a"}, {"text": NaN}]', b'[{"text": "\\ud800"}]', b'{"a": 1',
                                     b"[" * 100 + b"]" * 100, b'{"n": ' + b"9" * 5_000 + b"}"])
def test_a_preview_refuses_what_it_reads_that_the_strict_reader_refuses(tmp_path, content):
    path = write(tmp_path / "bad.json", content)
    with path.open("rb") as file, pytest.raises(json_stream.BadJSON):
        json_stream.preview(file)


def test_a_preview_can_keep_the_lists_inside_its_first_items_whole(tmp_path):
    records = [{"id": f"r{i}", "tags": list(range(100))} for i in range(1_000)]
    path = write(tmp_path / "list.json", json.dumps(records))
    with path.open("rb") as file:
        assert json_stream.preview(file, items=3, inner=1 << 30) == records[:3]


# -- telling a large file's format by its first records --------------------------------------------


def test_a_large_list_of_articles_is_told_by_its_first_records_and_imported_a_record_at_a_time(tmp_path,
                                                                                               monkeypatch):
    from curator.formats import annotated, sniffing
    from curator.formats.interop import import_paths
    from curator.store import Store

    records = [{"id": f"a{i}", "title": f"Title {i}", "text": f"Article number {i} says the port reopened. " * 5}
               for i in range(600)]
    path = write(tmp_path / "articles.json", json.dumps(records))
    assert path.stat().st_size > sniffing.HEAD_BYTES
    monkeypatch.setattr(json_stream, "WHOLE_JSON_BYTES", 10_000)  # (a large file, made small)

    def whole(_path):
        raise AssertionError("a large list of articles was parsed whole to tell its format")

    monkeypatch.setattr(annotated, "read_text", whole)
    assert sniffing.sniff(path) is None  # articles: no other tool's file
    store = Store.create(tmp_path / "project")
    report = import_paths(store, [path])
    assert len(report.added) == 600 and store.document_count() == 600
    store.close()


def test_a_large_label_studio_list_is_still_told_and_parsed_whole_for_its_reader(tmp_path, monkeypatch):
    from curator.formats import sniffing

    tasks = [{"data": {"text": f"Task {i} text about a port."}, "annotations": []} for i in range(2_000)]
    path = write(tmp_path / "tasks.json", json.dumps(tasks))
    monkeypatch.setattr(json_stream, "WHOLE_JSON_BYTES", 10_000)
    found = sniffing.sniff(path)
    assert found is not None and found.fmt == "labelstudio" and len(found.parsed) == 2_000


def test_a_large_doccano_list_told_by_a_label_past_the_fiftieth_of_a_record_is_doccano(tmp_path, monkeypatch):
    from curator.formats import sniffing

    text = "Word " * 80
    records = [{"text": text, "label": [[5 * k, 5 * k + 4, "ORG"] for k in range(60)]} for _ in range(500)]
    path = write(tmp_path / "doccano.json", json.dumps(records))
    monkeypatch.setattr(json_stream, "WHOLE_JSON_BYTES", 10_000)
    found = sniffing.sniff(path)
    assert found is not None and found.fmt == "doccano"


def test_a_cancel_during_the_first_pass_stops_it_there_and_adds_nothing(store, tmp_path):
    """The first pass yields no record (it checks the whole file first): a cancel must not
    wait for it to end."""
    path = write(tmp_path / "big.json", json.dumps([{"id": f"c{i}", "text": f"Article {i}."} for i in range(2_000)]))
    seen = []

    class CancelledEarly(Job):
        def set_progress(self, done, total):
            seen.append(done)
            if done > 50:  # (the first pass is the first half of the file's thousand)
                self.cancel()

    with streaming(chunk=4096), pytest.raises(Cancelled):
        import_files(store, [path], CancelledEarly())
    assert store.document_count() == 0
    assert max(seen) < 200  # stopped where it was, in the first pass


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_digits_in_a_string_and_a_long_number_are_told_apart_in_every_encoding(tmp_path, encoding):
    text = "Pi, " + "3" * 4_400
    kept = write(tmp_path / "kept.json", json.dumps([{"text": text}, {"text": "b"}]).encode(encoding))
    assert outcome(kept, stream=True, chunk=1_000) == outcome(kept, stream=False)
    assert outcome(kept, stream=True, chunk=1_000)[0][0][1] == text
    refused = write(tmp_path / "refused.json",
                    ('[{"text": "' + text + '", "n": ' + "3" * 4_400 + "}]").encode(encoding))
    assert outcome(refused, stream=True, chunk=1_000)[0] == "refused" == outcome(refused, stream=False)[0]


def test_a_run_of_digits_in_a_string_far_into_a_large_file_is_told_in_the_memory_of_a_chunk(tmp_path):
    """Telling it from a number reads the file again up to it: that read held every byte
    before the run at once (copied again at each chunk: a run a hundred megabytes in took
    minutes), where a streamed file is held no more than a record at a time."""
    import tracemalloc

    records = [{"text": f"Article {i}. " + "x" * 100_000} for i in range(60)] + [{"text": "a, " + "7" * 4_301}]
    path = write(tmp_path / "far.json", json.dumps(records))
    with path.open("rb") as file:
        tracemalloc.start()
        try:
            read = sum(1 for _ in json_stream.stream_json(file, None, path.stat().st_size, 1 << 27,
                                                          lambda _fraction: None, Skipped))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert read == 61 and peak < 2_500_000, peak  # (the file: 6 MB)
