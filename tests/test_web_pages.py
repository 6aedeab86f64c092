"""A news page saved from the web (File → Save page as…, ``.html``) imports as its article:
the story's text without the site around it (menus, advertisements, related stories,
reader comments), and the title, outlet, address and date the page's markup states, else
what the text states."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.formats.articles import import_files
from curator.formats.web_pages import read_page

SITE = """<header><nav><ul class="menu"><li><a href="/">Home</a></li><li><a href="/business">Business</a></li>
</ul></nav></header><script>window.ads = "<p>Subscribe now</p>";</script>"""
STORY = ("<p>Kazakhstan exported 9.1 million tonnes of grain in February, up 12% from a year earlier, the "
         "agriculture ministry said on Monday.</p><p>Officials expect $1.2 billion in revenue this year, with "
         "most of the grain shipped to Central Asian neighbours and China, the ministry said in a statement.</p>"
         "<p>Rail shipments through the eastern border crossings rose by a fifth, while exports across the Caspian "
         "Sea fell for a third month in a row as freight rates climbed.</p>")
RELATED = ('<aside><h2>Most read</h2><ul><li><a href="/a">Wheat prices fall</a> <time datetime="2024-02-20">'
           "20 Feb</time></li><li><a href=\"/b\">Rail freight rises</a></li></ul></aside>")
FOOTER = "<footer><p>© 2024 Steppe Wire. All rights reserved.</p></footer>"


def page(head: str, body: str) -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{SITE}{body}{RELATED}{FOOTER}</body></html>"


def test_a_saved_news_page_is_its_story_with_the_fields_its_markup_states(store, tmp_path):
    head = ('<meta charset="utf-8"><title>Grain exports climb 12% | Steppe Wire</title>'
            '<meta property="og:title" content="Grain exports climb 12% | Steppe Wire">'
            '<meta property="og:site_name" content="Steppe Wire">'
            '<meta property="article:published_time" content="2024-03-04T09:30:00+05:00">'
            '<link rel="canonical" href="https://steppewire.example/grain">')
    comments = ('<section id="comments"><h3>2 comments</h3><ol class="comment-list"><li><article class="comment">'
                "<p>I have been saying for years that the railways cannot cope with this much grain, and nobody in "
                "the ministry listens to farmers like me who wait weeks for wagons every single autumn.</p>"
                "</article></li></ol></section>")
    body = (f'<main><article><h1>Grain exports climb 12%</h1><div class="share"><a href="#">Share</a></div>'
            f'{STORY}<div class="ad">Advertisement</div></article>{comments}</main>')
    (tmp_path / "grain.html").write_text(page(head, body), encoding="utf-8")
    report = import_files(store, [tmp_path / "grain.html"])
    assert not report.problems and not report.warnings
    document = store.document_by_uid("grain")
    assert (document.title, document.source, document.url, document.published) == (
        "Grain exports climb 12%", "Steppe Wire", "https://steppewire.example/grain", date(2024, 3, 4))
    assert "Kazakhstan exported 9.1 million tonnes" in document.text
    assert document.text.rstrip().endswith("as freight rates climbed.")
    for furniture in ("Home", "Subscribe", "Most read", "Wheat prices fall", "©", "railways cannot cope"):
        assert furniture not in document.text
    assert len(document.text.splitlines()) >= 3  # a paragraph a line


def test_json_ld_names_the_article_where_meta_tags_do_not(store, tmp_path):
    ld = ('{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Caspian Daily"}, '
          '{"@type": "NewsArticle", "headline": "Tengiz output rises", "datePublished": "2023-11-07T06:00:00Z", '
          '"publisher": {"@type": "Organization", "name": "Caspian Daily"}}]}')
    (tmp_path / "ld.html").write_text(page(f'<script type="application/ld+json">{ld}</script>',
                                           f"<article>{STORY}</article>"), encoding="utf-8")
    import_files(store, [tmp_path / "ld.html"])
    linked = store.document_by_uid("ld")
    assert (linked.title, linked.source, linked.published) == ("Tengiz output rises", "Caspian Daily",
                                                               date(2023, 11, 7))


def test_a_page_whose_markup_states_no_date_takes_its_datelines(store, tmp_path):
    """No date is guessed from the page (a related story's, a year the text names): the
    dateline says it. A page stamped in UTC the evening before its dateline's day is of
    that day."""
    dateline = "<article><p>ALMATY, March 3, 2025 (Grain Wire) - " + STORY[3:] + "</article>"
    late = "<article><p>ASTANA, March 4 (Reuters) - " + STORY[3:] + "</article>"  # (its year: the page's)
    (tmp_path / "dateline.html").write_text(page("<title>Grain exports climb</title>", dateline), encoding="utf-8")
    (tmp_path / "late.html").write_text(page('<meta property="article:published_time" content="2024-03-03T22:40:00Z">',
                                             late), encoding="utf-8")
    import_files(store, [tmp_path / "dateline.html", tmp_path / "late.html"])
    assert store.document_by_uid("dateline").published == date(2025, 3, 3)
    assert store.document_by_uid("late").published == date(2024, 3, 4)


def test_a_page_in_another_charset_is_read_in_it_and_bad_pages_are_named(store, tmp_path):
    cyrillic = ("Экспорт зерна из Казахстана в феврале вырос на 12% по сравнению с прошлым годом и составил 9,1 млн "
                "тонн, сообщило министерство сельского хозяйства. Большая часть зерна ушла в Узбекистан и Китай.")
    declared = f'<html><head><meta charset="windows-1251"><title>Зерно</title></head><body><article><p>{cyrillic}' \
               "</p></article></body></html>"
    (tmp_path / "declared.html").write_bytes(declared.encode("cp1251"))
    (tmp_path / "undeclared.html").write_bytes(declared.replace('<meta charset="windows-1251">', "").encode("cp1251"))
    stray = page('<meta charset="utf-8">', f"<article>{STORY}</article>").replace("Officials", "Offici\xe4ls")
    (tmp_path / "stray.html").write_bytes(stray.encode("utf-8").replace("\xe4".encode("utf-8"), b"\xe4"))
    (tmp_path / "scripts.html").write_text("<html><body><script>run()</script><nav>Home</nav></body></html>",
                                           encoding="utf-8")
    (tmp_path / "binary.htm").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    report = import_files(store, sorted(tmp_path.iterdir()))
    assert cyrillic in store.document_by_uid("declared").text
    assert cyrillic in store.document_by_uid("undeclared").text
    assert "Offici\ufffdls expect $1.2 billion" in store.document_by_uid("stray").text  # one byte lost, not the page
    problems = {problem.file.rsplit("/", 1)[-1]: problem.reason for problem in report.problems}
    assert set(problems) == {"scripts.html", "binary.htm"}
    assert "no story in the page" in problems["scripts.html"] and "binary" in problems["binary.htm"]


def test_a_folder_of_pages_saved_whole_imports_the_pages_not_their_parts(store, tmp_path):
    from curator.formats.interop import import_paths

    (tmp_path / "story.html").write_text(page("<title>Grain</title>", f"<article>{STORY}</article>"),
                                         encoding="utf-8")
    (tmp_path / "story_files").mkdir()
    (tmp_path / "story_files" / "saved_resource.html").write_text(
        "<html><body><p>Get 50% off flights to Dubai this summer! Book before June 30 and save up to $400 on "
        "every ticket with our partner airlines, only this week.</p></body></html>", encoding="utf-8")
    report = import_paths(store, [tmp_path])
    assert [store.get_document(doc_id).uid for doc_id in report.added] == ["story"]
    assert any("the parts of a saved page" in warning.reason for warning in report.warnings)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(
    st.sampled_from(["<p>", "</p>", "<article>", "</article>", "<main>", "<script>", "</script>", "<nav>",
                     "</nav>", "<header>", "</header>", "<br>", "</div>", "<title>", "</title>", "&amp;", "&#0;",
                     '<meta property="og:title" content="', '<script type="application/ld+json">{"@type":',
                     '"NewsArticle", "datePublished": 5}', "<!--", "-->", "<![CDATA[", "<", ">", '"', "\x00",
                     '<meta property="article:published_time" content="2024-13-45">', "<time datetime='x'>",
                     "&#xFFFE;", "&#55296;", "&#x1F;", "\x0b", "\ufffe", "<?xml version='1.0'?>", "<svg>"]),
    st.text(max_size=20)), max_size=40))
def test_any_markup_reads_as_text_and_fields_or_nothing(parts):
    text, fields = read_page("".join(parts))
    assert isinstance(text, str) and all(isinstance(value, str) and value for value in fields.values())
    assert set(fields) <= {"title", "source", "url", "published"}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_any_bytes_saved_as_a_page_import_or_are_named_as_a_problem(store, tmp_path, data):
    path = tmp_path / "fuzz.html"
    path.write_bytes(data)
    before = store.document_count()
    report = import_files(store, [path])
    assert store.document_count() - before == len(report.added)
    assert report.added or report.already_present or \
        any(problem.file.endswith("fuzz.html") and problem.reason for problem in report.problems)


def test_a_head_date_in_a_form_no_reader_knows_gives_way_to_the_bodys(store, tmp_path):
    head = '<title>Water tariffs to rise</title><meta property="article:published_time" content="Tue, 05/14/2024 - 11:30">'
    body = f'<article><time datetime="2024-05-14T11:30:00+02:00">14 May</time>{STORY}</article>'
    (tmp_path / "drupal.html").write_text(page(head, body).replace(RELATED, ""), encoding="utf-8")
    report = import_files(store, [tmp_path / "drupal.html"])
    assert store.document_by_uid("drupal").published == date(2024, 5, 14) and not report.warnings


def test_a_datelines_day_without_its_year_is_taken_nearest_the_pages_date():
    from curator.formats.web_pages import _dateline_day

    assert _dateline_day("ASTANA, Jan 1 (Reuters) - Output rose.", date(2024, 12, 31)) == date(2025, 1, 1)
    assert _dateline_day("ASTANA, March 4 (Reuters) - Output rose.", date(2024, 3, 3)) == date(2024, 3, 4)
    assert _dateline_day("Output rose, the ministry said.", date(2024, 3, 3)) is None


def test_pages_as_people_end_up_with_them_are_read(store, tmp_path):
    """A page saved in another charset than it declares, in UTF-16, as text only, or as a
    fragment; one whose head's date is only a month (no day is made up for it), and one
    whose JSON-LD is nested past reading: each is its story."""
    cyrillic = ("Экспорт зерна из Казахстана в феврале вырос на 12% по сравнению с прошлым годом, сообщило "
                "министерство сельского хозяйства в понедельник.")
    lying = f'<html><head><meta charset="utf-8"></head><body><article><p>{cyrillic}</p></article></body></html>'
    (tmp_path / "lying.html").write_bytes(lying.encode("cp1251"))
    (tmp_path / "wide.html").write_bytes(page("", f"<article>{STORY}</article>").encode("utf-16"))
    (tmp_path / "plain.html").write_text("Kazakhstan exported 9.1 million tonnes of grain in February.\n"
                                         "Officials expect $1.2 billion in revenue this year.\n", encoding="utf-8")
    (tmp_path / "fragment.html").write_text(STORY, encoding="utf-8")
    (tmp_path / "month.html").write_text(page('<meta property="article:published_time" content="2024-06">',
                                              f"<article>{STORY}</article>"), encoding="utf-8")
    deep = '<script type="application/ld+json">' + "[" * 50_000 + "]" * 50_000 + "</script>"
    (tmp_path / "deep.html").write_text(page(deep, f"<article>{STORY}</article>"), encoding="utf-8")
    report = import_files(store, sorted(tmp_path.iterdir()))
    assert not report.problems, report.problems
    assert cyrillic in store.document_by_uid("lying").text
    for uid in ("wide", "fragment", "month", "deep"):
        assert "Kazakhstan exported 9.1 million tonnes" in store.document_by_uid(uid).text, uid
    assert store.document_by_uid("plain").text.splitlines()[1].startswith("Officials expect $1.2 billion")
    assert store.document_by_uid("month").published is None
