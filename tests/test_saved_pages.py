"""Article files as people save them from the web: headline, outlet and date lines, the
page address, datelines without a year; and an import that names undated documents."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.domain.datelines import find_head_lines
from curator.domain.headline import find_headline, reads_as_headline
from curator.domain.metadata import INFERRED, detect_metadata
from curator.formats.articles import import_files
from curator.store import Store

BODY = "The ministry said exports rose 5% in the first half of the year.\n"


@pytest.mark.parametrize(
    ("head", "published", "source"),
    [
        ("Reuters, 3 October 2024\n", date(2024, 10, 3), "Reuters"),
        ("Qazaq TV, 29.12.2021\n", date(2021, 12, 29), "Qazaq TV"),
        ("19.11.2022 | 08:13 |\n", date(2022, 11, 19), None),
        ("19.11.2022 | 08:13 | Economy\n", date(2022, 11, 19), None),
        ("Sumaira Ali Published December 19, 2022 | 07:53 PM\n", date(2022, 12, 19), None),
        ("Jane Doe Published April 03, 2023\n", date(2023, 4, 3), None),
        ("TASHKENT (UrduPoint News / Sputnik - 19th December, 2022) ", date(2022, 12, 19), "UrduPoint News / Sputnik"),
        ("Astana, April 2 (UrduPoint / Pakistan Point News - 3rd Apr, 2023 ) :", date(2023, 4, 3),
         "UrduPoint / Pakistan Point News"),
        ("Kazinform | 5 March 2024\n", date(2024, 3, 5), "Kazinform"),  # a known outlet, not an author
        ("Mehmet Yilmaz | 05.06.2024\n", date(2024, 6, 5), None),
        ("Source: Xinhua | 2024-03-05 18:32:15\n", date(2024, 3, 5), "Xinhua"),
        ("Published: 05.03.2024 | 14:20\n", date(2024, 3, 5), None),
        ("ECONOMY | 15:22 / 20.09.2024\n4127\n1 min read\n", date(2024, 9, 20), None),
        ("15:39 / 18.04.2022\n", date(2022, 4, 18), None),
        ("14.03.2025, 18:05 12804\n", date(2025, 3, 14), None),
        ("Xinhua) 09:12, June 14, 2025\n", date(2025, 6, 14), "Xinhua"),
        ("Uzbekistan Materials 20 December 2023 02:04 (UTC +04:00)\n", date(2023, 12, 20), None),
        ("Wednesday, 20, September, 2023\n", date(2023, 9, 20), None),
        ("By Ann Lee in Almaty October 25, 2024\n", date(2024, 10, 25), None),
        ("By Ann Lee in Business on 19 December 2022\n", date(2022, 12, 19), None),
        ("https://daryo.uz/en/2024/09/25/a-story-about-trade\n", date(2024, 9, 25), "Daryo"),
        ("https://www.example.kz/news/a-story\n", None, "example.kz"),
    ],
)
def test_outlet_date_and_address_lines_as_pages_carry_them(head, published, source):
    text = "Exports Rise in the First Half\n" + head + ("\n" if not head.endswith("\n") else "") + BODY
    found = detect_metadata(text)
    assert (found.published, found.source) == (published, source)
    assert INFERRED not in found.extra
    # A line that states the date is metadata: nothing in it is suggested.
    lines = find_head_lines(text)
    assert any(line.start <= text.index(head.split("\n")[0][:8]) < line.end for line in lines)


def test_a_page_address_fills_the_url():
    found = detect_metadata("https://daryo.uz/en/2024/09/25/a-story\nExports Rise Again\n\n" + BODY)
    assert found.url == "https://daryo.uz/en/2024/09/25/a-story" and found.title == "Exports Rise Again"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (("Kazakh oil output climbs to a record\nBy A. Writer\nReuters, 14 November 2024\n\nASTANA, Nov 14 "
         "(Reuters) - Output rose."), "Kazakh oil output climbs to a record"),
        (("ECONOMY | 15:22 / 20.09.2024\n4127\n1 min read\n\nUzbekistan produces goods worth $31 billion\n\n"
         "In January-August, output rose."), "Uzbekistan produces goods worth $31 billion"),
        ("14.03.2025, 18:05 12804\nGDP growth reaches 5.6% in January-February\nImages | Akorda\nThe economy grew.",
         "GDP growth reaches 5.6% in January-February"),
        (("Last minute\n\nKazakhstan China Kassym-Jomart Tokayev\n\nKazakhstan to continue the initiative\n\nBaku, "
         "Azerbaijan, November 28. Kazakhstan will continue."), "Kazakhstan to continue the initiative"),
        ("Uzbekistan's car production up 14% in Jan.-Nov.\n\nTASHKENT, Uzbekistan, December 20. Output rose.",
         "Uzbekistan's car production up 14% in Jan.-Nov."),
        ("Qazaq News: exports rise\n\nQazaq News: exports rise\n\nBody text here. More text.", "Qazaq News: exports rise"),
        # No headline: the page opens with its body, a dateline or a Markdown heading in a .txt
        ("TASHKENT (TCA) — Uzbekistan's exports rose to $24.4 billion in 2023.\n5 March 2024", None),
        ("By A. Writer in Business on 5 March 2024\n\nASTANA – Kazakhstan attracted $23 billion last year.\n", None),
        ("The ministry said exports rose by 5% in the first half. It expects more.", None),
        ("# Trade hits a record\n\nBody.", None),
    ],
)
def test_the_first_line_is_the_title_when_it_reads_as_a_headline(text, title):
    assert detect_metadata(text).title == title


def test_what_reads_as_a_headline():
    assert reads_as_headline("Kazakhstan, Uzbekistan eye $10bn in trade by 2030")
    assert reads_as_headline("Uzbekistan's Gold Reserves Rise To $16.3Bln In November - Central Bank")
    assert not reads_as_headline("Exports rose. Imports fell.")
    assert not reads_as_headline("The ministry said exports rose by 5 percent in the first half of the year.")
    assert not reads_as_headline("Two words")
    assert find_headline("") is None and find_headline("\n\n\n") is None


@pytest.mark.parametrize(
    ("text", "published"),
    [
        # A full date in the body gives the year; the dateline is after it.
        ("ASTANA, Nov 14 (Reuters) - The fund said on Thursday its offering closed on 9 February 2024.\n",
         date(2024, 11, 14)),
        ("BAKU, Azerbaijan, December 6. The sides signed a roadmap on November 28, 2023, Trend reports.\n",
         date(2023, 12, 6)),
        # No full day: months with their year do.
        ("TASHKENT, July 22. /TASS/. Trade in January - June 2024 reached $30 bln.\n", date(2024, 7, 22)),
        # A later date told as the future does not pull the year forward.
        (("BAKU, Azerbaijan, December 6. Output for January-November 2023 rose; new tariffs apply from "
         "1 January 2024.\n"), date(2023, 12, 6)),
        # A year's results are told once it has ended: a January dateline is of the year after.
        ("BAKU, Azerbaijan, January 20. Trade turnover in January-December 2023 amounted to $50 billion.\n",
         date(2024, 1, 20)),
    ],
)
def test_a_dateline_without_a_year_takes_it_from_the_articles_own_dates_marked_inferred(text, published):
    found = detect_metadata(text)
    assert found.published == published
    assert found.extra[INFERRED] is True


def test_a_dateline_without_a_year_and_no_dated_body_stays_undated():
    for text in ("BAKU, Azerbaijan, November 28. Kazakhstan will continue, said the president in 2019.",
                 "ASTANA, Nov 14 (Reuters) - Output rose last year."):
        found = detect_metadata(text)
        assert found.published is None and INFERRED not in found.extra


def test_an_import_names_the_documents_it_found_no_date_for(tmp_path):
    (tmp_path / "dated.txt").write_text("Exports Rise Again\nReuters, 3 October 2024\n\n" + BODY, encoding="utf-8")
    (tmp_path / "undated.txt").write_text("Exports Rise Again\n\nBISHKEK (TCA) — " + BODY, encoding="utf-8")
    (tmp_path / "inferred.txt").write_text("ASTANA, Nov 14 (Reuters) - It closed on 9 February 2024.\n",
                                           encoding="utf-8")
    store = Store.create(tmp_path / "p")
    report = import_files(store, [tmp_path])
    assert report.undated == ["undated"]
    assert "1 without a date (undated)" in report.summary()
    inferred = store.document_by_uid("inferred")
    assert inferred.published == date(2024, 11, 14) and inferred.extra[INFERRED] is True
    assert store.document_by_uid("dated").title == "Exports Rise Again"
    store.close()


LINES = ["Kazakh oil output climbs to a record", "Reuters, 3 October 2024", "19.11.2022 | 08:13 | Economy",
         "ECONOMY | 15:22 / 20.09.2024", "4127", "1 min read", "By Ann Lee in Almaty October 25, 2024",
         "https://daryo.uz/en/2024/09/25/a-story", "ASTANA, Nov 14 (Reuters) - Output rose 5% on 9 February 2024.",
         "BAKU, Azerbaijan, December 6. Trade rose.", "Body text. More text.", "", "Kazakhstan China Tokayev"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(LINES), st.text(max_size=40)), max_size=8))
def test_any_page_gives_metadata_without_raising(lines):
    text = "\n".join(lines)
    found = detect_metadata(text)
    assert found.title is None or found.title in text.splitlines() or found.title in [
        line.strip() for line in text.splitlines()]
    assert found.published is None or isinstance(found.published, date)
    assert (INFERRED in found.extra) <= (found.published is not None)


def test_a_page_saved_with_windows_line_ends_gives_the_same_metadata():
    page = "Exports Rise Again Today\nReuters, 3 October 2024\n\nASTANA, Oct 3 (Reuters) - Output rose.\n"
    unix, windows = detect_metadata(page), detect_metadata(page.replace("\n", "\r\n"))
    assert (windows.title, windows.published, windows.source) == (unix.title, unix.published, unix.source) == (
        "Exports Rise Again Today", date(2024, 10, 3), "Reuters")
