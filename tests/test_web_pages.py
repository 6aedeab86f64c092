"""A news page saved from the web (File → Save page as…, ``.html``) imports as its article:
the story's text without the site around it, and the title, outlet, address and date the
page's head states (Open Graph and article meta tags, JSON-LD, the canonical link), else
what the text states."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.formats.articles import import_files
from curator.formats.web_pages import read_page

SITE = """<nav><ul><li><a href="/">Home</a></li><li>Business</li></ul></nav>
<script>window.ads = "<p>Subscribe now</p>";</script><style>p {{ color: red }}</style>"""
STORY = ("<p>Kazakhstan exported 9.1 million tonnes of grain in February, up 12% from a year earlier, the "
         "agriculture ministry said on Monday.</p><p>Officials expect $1.2 billion in revenue this year, with "
         "most of the grain shipped to Central Asian neighbours and China.</p>")


def page(head: str, body: str) -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{SITE}{body}<footer>© 2024 Steppe Wire</footer></body></html>"


def test_a_saved_news_page_is_its_story_with_the_fields_its_head_states(store, tmp_path):
    head = ('<meta charset="utf-8"><title>Grain exports climb 12% | Steppe Wire</title>'
            '<meta property="og:title" content="Grain exports climb 12%">'
            '<meta property="og:site_name" content="Steppe Wire">'
            '<meta property="article:published_time" content="2024-03-04T22:30:00-05:00">'
            '<link rel="canonical" href="https://steppewire.example/grain">')
    body = (f'<main><article><header><h1>Grain exports climb 12%</h1></header><div class="share"><button>Share'
            f'</button></div>{STORY}<figure><img src="a.jpg"><figcaption>A grain elevator</figcaption></figure>'
            '</article><aside><article><h2>Most read</h2><p>Another story</p></article></aside></main>')
    (tmp_path / "grain.html").write_text(page(head, body), encoding="utf-8")
    report = import_files(store, [tmp_path / "grain.html"])
    assert not report.problems and not report.warnings
    document = store.document_by_uid("grain")
    assert (document.title, document.source, document.url, document.published) == (
        "Grain exports climb 12%", "Steppe Wire", "https://steppewire.example/grain", date(2024, 3, 4))
    assert document.text.startswith("Grain exports climb 12%\n\nKazakhstan exported 9.1 million tonnes")
    assert document.text.endswith("Central Asian neighbours and China.")
    for furniture in ("Home", "Subscribe", "color", "Share", "elevator", "Most read", "©"):
        assert furniture not in document.text


def test_json_ld_and_the_title_tag_name_the_article_where_meta_tags_do_not(store, tmp_path):
    ld = ('{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Caspian Daily"}, '
          '{"@type": "NewsArticle", "headline": "Tengiz output rises", "datePublished": "2023-11-07T06:00:00Z", '
          '"publisher": {"@type": "Organization", "name": "Caspian Daily"}, "url": "https://caspian.example/t"}]}')
    (tmp_path / "ld.html").write_text(page(f'<script type="application/ld+json">{ld}</script>', STORY),
                                      encoding="utf-8")
    (tmp_path / "bare.htm").write_text(page("<title>Wheat prices fall - Grain Wire</title>", STORY), encoding="utf-8")
    import_files(store, [tmp_path / "ld.html", tmp_path / "bare.htm"])
    linked, bare = store.document_by_uid("ld"), store.document_by_uid("bare")
    assert (linked.title, linked.source, linked.url, linked.published) == (
        "Tengiz output rises", "Caspian Daily", "https://caspian.example/t", date(2023, 11, 7))
    assert bare.title == "Wheat prices fall"  # the outlet after the dash is not the headline


def test_a_page_that_states_no_date_in_its_head_takes_its_datelines(store, tmp_path):
    """And a date its head writes that is not one is kept as written, with a warning."""
    body = "<article><p>ALMATY, March 3, 2025 (Grain Wire) - " + STORY[3:] + "</article>"
    (tmp_path / "dateline.html").write_text(page('<meta name="date" content="last week">', body), encoding="utf-8")
    report = import_files(store, [tmp_path / "dateline.html"])
    document = store.document_by_uid("dateline")
    assert document.published == date(2025, 3, 3) and document.extra == {"published": "last week"}
    assert any("date 'last week' is not a date" in warning.reason for warning in report.warnings)


def test_the_longest_article_is_the_story_and_a_teaser_is_not(store, tmp_path):
    teaser = "<article><p>Read also: wheat</p></article>"
    (tmp_path / "two.html").write_text(page("", f"{teaser}<article>{STORY}</article>{teaser}"), encoding="utf-8")
    (tmp_path / "teaser.html").write_text(page("", f"{teaser}<div>{STORY}</div>"), encoding="utf-8")
    import_files(store, [tmp_path / "two.html", tmp_path / "teaser.html"])
    assert store.document_by_uid("two").text.startswith("Kazakhstan exported") and \
        "Read also" not in store.document_by_uid("two").text
    assert "Kazakhstan exported" in store.document_by_uid("teaser").text  # the body, when no article is the story


def test_a_page_saved_in_another_charset_is_read_in_it_and_bad_pages_are_named(store, tmp_path):
    cyrillic = "Экспорт зерна вырос на 12% в феврале, сообщило министерство сельского хозяйства."
    (tmp_path / "ru.html").write_bytes(f'<html><head><meta charset="windows-1251"></head><body><p>{cyrillic}</p>'
                                       '</body></html>'.encode("cp1251"))
    (tmp_path / "latin.html").write_bytes("<p>Caf\u00e9 prices rose</p>".encode("latin-1"))  # no charset said
    (tmp_path / "scripts.html").write_text("<html><body><script>run()</script><nav>Home</nav></body></html>",
                                           encoding="utf-8")
    (tmp_path / "broken.html").write_text("<p>Unclosed <b>bold <i>italic<p>Second &amp; last &#8212; end",
                                          encoding="utf-8")
    report = import_files(store, sorted(tmp_path.iterdir()))
    assert store.document_by_uid("ru").text == cyrillic
    assert store.document_by_uid("broken").text == "Unclosed bold italic\n\nSecond & last \u2014 end"
    problems = {problem.file.rsplit("/", 1)[-1]: problem.reason for problem in report.problems}
    assert set(problems) == {"latin.html", "scripts.html"}
    assert "UTF-8" in problems["latin.html"] and "no text in the page" in problems["scripts.html"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(
    st.sampled_from(["<p>", "</p>", "<article>", "</article>", "<main>", "<script>", "</script>", "<nav>",
                     "</nav>", "<header>", "</header>", "<br>", "</div>", "<title>", "</title>", "&amp;", "&#0;",
                     '<meta property="og:title" content="', '<script type="application/ld+json">{"@type":',
                     '"NewsArticle", "headline": 5}', "<!--", "-->", "<![CDATA[", "<", ">", '"', "\x00"]),
    st.text(max_size=20)), max_size=40))
def test_any_markup_reads_as_text_and_fields_or_nothing(parts):
    text, fields = read_page("".join(parts))
    assert isinstance(text, str) and all(isinstance(value, str) and value for value in fields.values())
    assert set(fields) <= {"title", "source", "url", "published"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_any_bytes_saved_as_a_page_import_or_are_named_as_a_problem(store, tmp_path, data):
    path = tmp_path / "fuzz.html"
    path.write_bytes(data)
    before = store.document_count()
    report = import_files(store, [path])
    after = store.document_count()
    assert after - before == len(report.added)
    assert report.added or any(problem.file.endswith("fuzz.html") and problem.reason for problem in report.problems) \
        or report.already_present
