"""A Markdown file's front matter: its fields are the article's, the text after it is the
article, and a block that cannot be read leaves the file as it was, with a warning."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.formats import front_matter
from curator.formats.articles import import_files

CLIPPED = """---
title: "Rail freight to China doubles"
source: https://news.example.kz/rail-freight-doubles
author:
  - A. Sarsenova
published: 2024-07-04
created: 2024-07-05T09:12:00+05:00
tags: [rail, trade]
---

# Rail freight to China doubles

Freight on the Dostyk crossing reached 12 million tonnes in the first half of 2024.
"""


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_clipped_page_gives_its_title_address_and_date_and_the_text_after_it(store, tmp_path):
    report = import_files(store, [write(tmp_path / "clip.md", CLIPPED)])
    assert report.problems == [] and report.warnings == []
    document = store.document_by_uid("clip")
    assert document.text.startswith("# Rail freight to China doubles\n\nFreight on the Dostyk crossing")
    assert "tags:" not in document.text
    assert (document.title, document.url, document.published) == (
        "Rail freight to China doubles", "https://news.example.kz/rail-freight-doubles", date(2024, 7, 4))
    assert document.extra == {"author": ["A. Sarsenova"], "created": "2024-07-05T09:12:00+05:00",
                              "tags": ["rail", "trade"]}


def test_toml_front_matter_and_what_the_text_states_fill_the_rest(store, tmp_path):
    text = '+++\ntitle = "Wheat exports rise"\nsite_name = "Trend"\n+++\nASTANA, 3 March 2024 - Wheat exports rose 8%.\n'
    report = import_files(store, [write(tmp_path / "wheat.markdown", text)])
    assert report.problems == [] and report.warnings == []
    document = store.document_by_uid("wheat")
    assert document.text == "ASTANA, 3 March 2024 - Wheat exports rose 8%.\n"
    assert (document.title, document.source) == ("Wheat exports rise", "Trend")
    assert document.published == date(2024, 3, 3)  # the dateline's: the front matter gives none


@pytest.mark.parametrize(("block", "reason"), [
    ("---\ntitle: [unclosed\n---\n", "its front matter is not YAML"),
    ("---\nbase: &b [1, 2]\ntitle: *b\n---\n", "it uses an alias"),
    ('+++\ntitle = \n+++\n', "its front matter is not TOML"),
    # Fields, but none an article has: an article's opening lines, or front matter Curator cannot use.
    ("---\nASTANA: Exports rose 8% in March.\nUpdated: 6 March 2024\n---\n", "names none of the fields an "
     "article has (such as title, date, source or url), only astana, updated"),
])
def test_a_block_that_cannot_be_read_is_kept_in_the_text_with_a_warning(store, tmp_path, block, reason):
    report = import_files(store, [write(tmp_path / "odd.md", block + "The article itself.\n")])
    assert report.problems == []
    assert store.document_by_uid("odd").text == block + "The article itself.\n"
    [warning] = report.warnings
    assert warning.file.endswith("odd.md") and warning.record == "front matter" and reason in warning.reason


def test_values_are_read_as_written(store, tmp_path):
    """YAML 1.1 would read ``0123`` as 83, ``1:30`` as 90 and ``Yes`` as true."""
    text = "---\nid: 0123\ntitle: Yes\nsource: NO\nlength: 1:30\ndate: 2024-13-45\n---\nThe article.\n"
    report = import_files(store, [write(tmp_path / "typed.md", text)])
    document = store.document_by_uid("0123")
    assert (document.title, document.source, document.extra) == ("Yes", "NO", {"length": "1:30", "date": "2024-13-45"})
    [warning] = report.warnings
    assert warning.record == "front matter" and "'2024-13-45' is not a date" in warning.reason


def test_a_field_front_matter_cannot_give_refuses_the_file_and_names_it(store, tmp_path):
    report = import_files(store, [write(tmp_path / "bad.md", "---\ntitle: [one, two]\n---\nText.\n"),
                                  write(tmp_path / "good.md", "Text.\n")])
    assert [d.uid for d in store.iter_documents()] == ["good"]
    [problem] = report.problems
    assert problem.file.endswith("bad.md") and "its front matter: 'title' is a list" in problem.reason


def test_a_rule_that_opens_an_article_is_not_front_matter(store, tmp_path):
    for name, text in (("rule.md", "---\nNo closing rule: this is the article.\n"),
                       ("heading.md", "---\n# The headline\n---\nThe article.\n"),
                       ("bullets.md", "---\n- one point\n- another\n---\nThe article.\n"),
                       ("prose.md", "---\nThe minister spoke about trade.\nIt grew.\n\n---\nMore.\n"),
                       ("plain.txt", "---\ntitle: x\n---\nA text file keeps its lines.\n")):
        report = import_files(store, [write(tmp_path / name, text)])
        assert store.document_by_uid(name.split(".")[0]).text == text and report.warnings == []


def test_an_empty_block_and_windows_line_ends_are_front_matter_and_a_file_of_it_alone_is_named(store, tmp_path):
    import_files(store, [write(tmp_path / "empty.md", "---\n---\nThe article.\n")])
    (tmp_path / "crlf.md").write_bytes(b"---\r\ntitle: Line ends\r\n---\r\n\r\nThe article.\r\n")
    import_files(store, [tmp_path / "crlf.md"])
    assert store.document_by_uid("empty").text == "The article.\n"
    assert (store.document_by_uid("crlf").title, store.document_by_uid("crlf").text) == ("Line ends", "The article.\r\n")
    report = import_files(store, [write(tmp_path / "only.md", "---\ntitle: Nothing else\n---\n\n")])
    [problem] = report.problems
    assert problem.file.endswith("only.md") and problem.reason == "no article after its front matter"


KNOWN = {"title", "date", "source", "url"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block=st.text(st.sampled_from("ab:- \n[]{}&*!'\"#=+.0129T\t"), max_size=80)
       | st.sampled_from(["date: 2024-", "x: !!", "n: 0x", "t: 2024-02-30 25:61:00"]).flatmap(
           lambda start: st.text(st.sampled_from("0123456789-:TZ.abfilnotx {}"), max_size=20).map(start.__add__)),
       body=st.text(max_size=40))
def test_any_block_is_read_or_refused_in_words_and_the_body_is_the_texts_end(block, body):
    text = f"---\n{block}\n---\n{body}"
    try:
        found = front_matter.split(text, KNOWN)
    except front_matter.Unreadable as exc:
        assert str(exc).startswith(("its front matter", "the block at its start"))
        return
    if found is not None:
        assert text.endswith(found.body) and isinstance(found.fields, dict)
        assert found.body == "" or found.body[0] not in "\r\n"


_VALUE = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30)


@settings(max_examples=100, deadline=None)
@given(fields=st.dictionaries(st.sampled_from(sorted(KNOWN)) | st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True),
                              _VALUE | st.lists(_VALUE, max_size=3), min_size=1, max_size=6)
       .filter(lambda fields: set(fields) & KNOWN),
       crlf=st.booleans())
def test_fields_a_yaml_writer_writes_are_read_back_as_written(fields, crlf):
    import yaml

    text = "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False) + "---\n\nThe article.\n"
    found = front_matter.split(text.replace("\n", "\r\n") if crlf else text, KNOWN)
    assert found is not None and found.body.rstrip("\r\n") == "The article."
    if not crlf:  # (a line break inside a value is a CRLF then)
        assert found.fields == fields
