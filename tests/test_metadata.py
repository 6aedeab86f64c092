from datetime import date

import pytest

from curator.domain.metadata import detect_metadata, parse_written_date


def test_seed_headers_datelines_and_sign_offs_are_detected(seeds):
    found = {path.name[:3]: detect_metadata(path.read_text(encoding="utf-8")) for path in seeds}
    assert found["000"].published == date(2023, 11, 7)  # " date 2023-11-07" header wins over the sign-off
    assert found["000"].source == "nCa"  # from "///nCa, 6 November 2023"
    assert found["001"].published == date(2024, 3, 27)
    assert found["002"].published == date(2023, 3, 28)  # "Astana, 28 March 2023 (TDI):"
    assert found["002"].source == "TDI"
    # "Baku, Azerbaijan, November 28." and "May 20" state no year: nothing is guessed.
    assert found["003"].published is None
    assert found["004"].published is None


@pytest.mark.parametrize(
    ("text", "published", "source"),
    [
        ("LONDON, 5 May 2021 (Reuters) - Markets fell.", date(2021, 5, 5), "Reuters"),
        ("Paris, March 3, 2022: The summit opened.", date(2022, 3, 3), None),
        ("Body of the story.\n-- AP, 14 Feb 2020", date(2020, 2, 14), "AP"),
        ("date: 2019-01-31\nText", date(2019, 1, 31), None),
        ("Astana, 31 February 2023 (TDI): impossible date", None, "TDI"),
        ("No metadata in this text at all.", None, None),
    ],
)
def test_general_datelines(text, published, source):
    found = detect_metadata(text)
    assert found.published == published
    assert found.source == source


def test_markdown_title_only_for_markdown():
    text = "# Trade hits a record\n\nBody."
    assert detect_metadata(text, markdown=True).title == "Trade hits a record"
    assert detect_metadata(text).title is None


def test_written_dates():
    assert parse_written_date("6 November 2023") == date(2023, 11, 6)
    assert parse_written_date("Sept. 9, 2021") == date(2021, 9, 9)
    assert parse_written_date("9 Smarch 2021") is None
