"""A news page saved from the web (``.html``, ``.htm``) as an article: its story's text,
and the title, outlet, address and date the page states.

A saved page is mostly not the story: menus, share buttons, advertisements, related
stories, reader comments, the footer. Telling the story from the rest is trafilatura's
work (the library news archives and corpora use for it); the fields come from what the
page's markup states for search engines and link previews (Open Graph and article meta
tags, JSON-LD, the canonical link, ``<time>``), read without guessing a date from the
text: what the markup does not state, the text does (``metadata.fill_stated``: a
dateline, an outlet line).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curator.formats.reports import ImportProblem

if TYPE_CHECKING:
    from curator.formats.article_files import _Candidate

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_RULE_ROW = re.compile(r"^[\s|:-]*-[\s|:-]*$")  # a table's header rule, "|---|---|", as its text writes it
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))  # a soft hyphen, zero-width spaces: not text
_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")
# Where a page names its story: its title, a title meta tag or JSON-LD, a first-level heading.
_TITLED = ("//head/title | //meta[@property='og:title' or @name='twitter:title' or @name='title'] | //h1 | "
           "//script[@type='application/ld+json']")
_FEWEST_WORDS = 4  # fewer, and what a page's extraction found is a menu item or a notice, not a story
_DATE_KEYS = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
              "publish-date", "dc.date.issued", "dc.date", "date", "sailthru.date", "parsely-pub-date")


def page_candidate(path: Path, data: bytes, warnings: list[ImportProblem]) -> "_Candidate":
    """The article of a saved page, with the fields its markup states and, for those it
    does not, what its text states; ``Skipped`` if the page has no story."""
    from curator.domain.metadata import fill_stated
    from curator.formats.article_files import (  # (the article readers')
        Skipped,
        parse_date,
        record_to_candidate,
    )

    if not data.strip():
        raise Skipped("empty file")
    if b"\x00" in data[:65536]:
        raise Skipped("binary file (contains NUL bytes), not a web page")
    html = decode_page(data)
    text, fields = read_page(html)
    if not text:
        raise Skipped("no story in the page (only page furniture, scripts or a form)")
    try:
        marked = parse_date(fields["published"]) if fields.get("published") else None
    except ValueError:  # ("Tue, 05/14/2024 - 11:30": the body's <time> says it, below)
        del fields["published"]
        marked = None
    if marked is not None:
        # A page's time in UTC may be the day before the date its dateline gives (late in
        # the evening in Astana): the dateline's day is the story's.
        stated = _dateline_day(text, marked)
        if stated is not None and abs(marked - stated) == timedelta(days=1):
            fields["published"] = stated.isoformat()
    candidate = record_to_candidate({**fields, "text": text}, file=path.name, record_name="the page's metadata",
                                    default_uid=path.stem, warnings=warnings)
    candidate.origin, candidate.record = path.name, None
    fill_stated(candidate.fields, candidate.text)
    if "published" not in candidate.fields:  # neither the head nor the dateline says: the body's <time>
        marked = found_published(html)
        if marked:
            candidate.fields["published"] = date.fromisoformat(marked)
    return candidate


def _dateline_day(text: str, near: date) -> date | None:
    """The day the text's dateline gives, one without its year in the year that puts it
    nearest ``near`` (the page's own date); None without a dateline."""
    from curator.domain.datelines import find_head_lines

    line = next((line for line in find_head_lines(text) if line.kind == "dateline"), None)
    if line is None or line.published is not None:
        return line.published if line is not None else None
    if line.month_day is None:
        return None
    days = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            days.append(date(year, *line.month_day))
        except ValueError:  # (29 February of another year)
            continue
    return min(days, key=lambda day: abs(day - near), default=None)


def decode_page(data: bytes) -> str:
    """A page's bytes as text: UTF-8, else the charset its ``<meta>`` declares, else what
    its bytes look like (charset_normalizer); a stray byte of a page that declares UTF-8
    becomes U+FFFD, not the whole page mojibake."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data)
    name = declared.group(1).decode("ascii", "replace").lower() if declared else ""
    if name:
        try:
            return data.decode(name, errors="strict" if name.replace("-", "") != "utf8" else "replace")
        except (LookupError, UnicodeDecodeError):
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", errors="replace")


def read_page(html: str) -> tuple[str, dict[str, str]]:
    """The story's text (a paragraph a line) and the fields the page's markup states of it:
    ``title``, ``source`` (the outlet), ``url`` and ``published``, each only if stated.
    The date is the one the page's head states (its meta tags, a JSON-LD article's
    ``datePublished``), else ``found_published`` gives the one its body marks."""
    import trafilatura  # (lxml and the extraction's models: only for a page)

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # (it logs what it could not find)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    tree = trafilatura.load_html(html.translate(_INVISIBLE)) if html.strip() else None
    if tree is None:
        return "", {}
    # Precision over recall: advertisements, "Subscribe" calls and share lines left out
    # cost a headline or a standfirst at times, which the title keeps.
    extracted = trafilatura.extract(tree, output_format="txt", include_comments=False, include_tables=True,
                                    include_images=False, include_links=False, deduplicate=False,
                                    favor_precision=True, with_metadata=False)
    lines = [line.strip() for line in (extracted or "").splitlines()]
    text = "\n".join(line for line in lines if line and not _RULE_ROW.match(line))
    if len(text.split()) < _FEWEST_WORDS:  # a menu item, a cookie notice: no story
        text = ""
    fields = _fields(trafilatura.extract_metadata(tree, extensive=False))
    fields.pop("published", None)
    if not tree.xpath(_TITLED):  # (else the extraction takes a heading of the page's, "Most read", for it)
        fields.pop("title", None)
    stated = _head_date(tree)
    return text, {**fields, **({"published": stated} if stated else {})}


def found_published(html: str) -> str | None:
    """The date a page's body marks (``<time>``), as the extraction finds it: taken only
    where neither the head nor the text's dateline states one (it may be a related
    story's)."""
    import trafilatura

    tree = trafilatura.load_html(html.translate(_INVISIBLE)) if html.strip() else None
    found = trafilatura.extract_metadata(tree, extensive=False) if tree is not None else None
    return found.date if found is not None and found.date else None


def _head_date(tree: Any) -> str | None:
    """The date a page's head states: its article meta tags, else a JSON-LD article's."""
    stated: dict[str, str] = {}
    for meta in tree.xpath("//head//meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in _DATE_KEYS and (meta.get("content") or "").strip():
            stated.setdefault(key, meta.get("content").strip())
    found = next((stated[key] for key in _DATE_KEYS if key in stated), None)
    if found:
        return found
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for item in sorted(_items(data), key=lambda item: not _is_article(item)):
            if _is_article(item) and isinstance(item.get("datePublished"), str) and item["datePublished"].strip():
                return item["datePublished"].strip()
    return None


def _is_article(item: dict) -> bool:
    kinds = item.get("@type")
    return any(str(kind).lower().endswith(("article", "posting")) for kind in (kinds if isinstance(kinds, list)
                                                                               else [kinds]))


def _items(data: Any, depth: int = 0) -> list[dict]:
    """The objects of a JSON-LD document: itself, a list of them, or its ``@graph``."""
    if depth > 3:
        return []
    if isinstance(data, list):
        return [item for part in data[:50] for item in _items(part, depth + 1)]
    if isinstance(data, dict):
        return [data, *_items(data.get("@graph"), depth + 1)]
    return []


def _fields(found: Any) -> dict[str, str]:
    if found is None:
        return {}
    fields = {"title": found.title, "source": found.sitename,
              "url": found.url if found.url and found.url.startswith(("http://", "https://")) else None}
    title, outlet = fields["title"], fields["source"]
    if title and outlet:  # "Miners strike over pay | Mining Chronicle": the outlet is not the headline's
        for separator in _SEPARATORS:
            if title.endswith(f"{separator}{outlet}"):
                fields["title"] = title[: -len(separator) - len(outlet)].strip()
                break
    if outlet and outlet.startswith("@"):  # a twitter:site handle names the outlet only so
        fields["source"] = outlet[1:]
    return {name: value.strip()[:300] for name, value in fields.items() if isinstance(value, str) and value.strip()}
