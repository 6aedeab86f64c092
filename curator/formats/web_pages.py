"""A news page saved from the web (``.html``, ``.htm``) as an article: its text, and the
title, outlet, address and date the page states in its head.

A saved page is mostly not the article: menus, share buttons, related stories, the
footer. The text is the page's ``<article>`` (the longest, if several), else its
``<main>``, else its body, without scripts, styles, navigation, headers, footers,
asides, forms and figures; block elements end lines. The fields come from what
news sites write for search engines and link previews: Open Graph and article ``meta``
tags, a JSON-LD ``NewsArticle``, the canonical link and ``<time datetime>``, then the
``<title>``. What none of them states is read from the text, as for any article
(``metadata.fill_stated``: a dateline, an outlet line).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curator.formats.reports import ImportProblem

if TYPE_CHECKING:
    from curator.formats.article_files import _Candidate

# Elements whose text is never the article's.
_SKIPPED = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form", "button",
            "select", "iframe", "figure", "object", "canvas", "dialog", "menu"}
# Elements that end a line (a paragraph, a heading, a list item, a cell).
_BLOCKS = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "br",
           "blockquote", "pre", "tr", "table", "dd", "dt", "dl", "hr", "address", "body"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed", "track"}
_TITLE_KEYS = ("og:title", "twitter:title", "headline", "dc.title")
_OUTLET_KEYS = ("og:site_name", "application-name", "publisher", "dc.publisher", "twitter:site")
_DATE_KEYS = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
              "publish-date", "date", "dc.date.issued", "dc.date", "sailthru.date", "parsely-pub-date",
              "article.published", "published_time")
_URL_KEYS = ("og:url", "canonical")
_NEWS_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting", "webpage"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


class _Page(HTMLParser):
    """The page's text blocks (each marked with the ``<article>`` and ``<main>`` it is in)
    and its head's statements, read in one pass."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[int, bool, str]] = []  # (article number or 0, in main, text)
        self.meta: dict[str, str] = {}  # a statement's key (lower case) -> its first value
        self.ld: list[str] = []  # JSON-LD scripts
        self.title = ""
        self.times: list[str] = []  # <time datetime>, in order
        self._open: list[str] = []  # the open elements
        self._skipping = 0  # how many open elements hide their text
        self._articles = 0
        self._article: list[int] = []  # the open <article>s' numbers
        self._main = 0
        self._line: list[str] = []
        self._in_title = False
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key.lower(): value or "" for key, value in attrs}
        if tag == "meta":
            key = (named.get("property") or named.get("name") or named.get("itemprop") or "").strip().lower()
            if key and named.get("content", "").strip():
                self.meta.setdefault(key, named["content"].strip())
            return
        if tag == "link":
            if "canonical" in named.get("rel", "").lower().split() and named.get("href"):
                self.meta.setdefault("canonical", named["href"].strip())
            return
        if tag == "time" and named.get("datetime"):
            self.times.append(named["datetime"].strip())
        if tag in _VOID:
            if tag in _BLOCKS:
                self._end_line()
            return
        if tag in _BLOCKS:
            self._end_line()
        self._open.append(tag)
        if tag in _SKIPPED and not (tag == "header" and self._article):  # (an article's own header: its headline)
            self._skipping += 1
            self._in_ld = tag == "script" and "ld+json" in named.get("type", "").lower()
        elif tag == "title":
            self._in_title = True
        elif tag == "article":
            self._articles += 1
            self._article.append(self._articles)
        elif tag == "main":
            self._main += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._open:  # (a stray end tag: HTML in the wild has them)
            return
        while self._open:  # close what was left open inside it
            closed = self._open.pop()
            if closed in _BLOCKS:
                self._end_line()
            if closed in _SKIPPED and not (closed == "header" and self._article):
                self._skipping -= 1
                self._in_ld = False
            elif closed == "title":
                self._in_title = False
            elif closed == "article" and self._article:
                self._article.pop()
            elif closed == "main":
                self._main -= 1
            if closed == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.ld.append(data)
        elif self._in_title and not self._skipping:
            self.title += data
        elif not self._skipping and not self._in_title:
            self._line.append(data)

    def close(self) -> None:
        super().close()
        self._end_line()

    def _end_line(self) -> None:
        line = _SPACES.sub(" ", "".join(self._line).replace("\n", " ")).strip()
        self._line = []
        if line:
            self.blocks.append((self._article[-1] if self._article else 0, self._main > 0, line))


def page_candidate(path: Path, data: bytes, warnings: list[ImportProblem]) -> "_Candidate":
    """The article of a saved page, with the fields its head states and, for those it does
    not, what its text states; ``Skipped`` if the page has no text."""
    from curator.domain.metadata import fill_stated
    from curator.formats.article_files import (  # (the article readers')
        Skipped,
        _decode,
        record_to_candidate,
    )

    try:
        html = _decode(data)
    except Skipped:
        html = decode_page(data)  # (saved in the charset it declares)
        if html is None:
            raise
    text, fields = read_page(html)
    if not text:
        raise Skipped("no text in the page (only scripts and page furniture)")
    stated = record_to_candidate({**fields, "text": text}, file=path.name, record_name="the page's head",
                                 default_uid=path.stem, warnings=warnings)
    stated.origin, stated.record = path.name, None
    fill_stated(stated.fields, stated.text)
    return stated


def decode_page(data: bytes) -> str | None:
    """A page's bytes in the charset its ``<meta charset>`` declares (a page not saved as
    UTF-8), or None if it declares none Python knows, or they are not in it."""
    declared = _CHARSET.search(data[:4096])
    if declared is None:
        return None
    try:
        return data.decode(declared.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError, ValueError):
        return None


def read_page(html: str) -> tuple[str, dict[str, str]]:
    """The article's text (lines, one a block) and the fields the page states of it:
    ``title``, ``source`` (the outlet), ``url`` and ``published`` (as written), each only
    if stated."""
    page = _Page()
    page.feed(html)
    page.close()
    return _text(page.blocks), _fields(page)


def _text(blocks: list[tuple[int, bool, str]]) -> str:
    by_article: dict[int, list[str]] = {}
    for article, _main, line in blocks:
        if article:
            by_article.setdefault(article, []).append(line)
    chosen = max(by_article.values(), key=lambda lines: sum(map(len, lines)), default=[])
    if sum(map(len, chosen)) < 200:  # (an <article> of a teaser, a card: not the story)
        chosen = [line for _article, main, line in blocks if main] or [line for *_where, line in blocks]
    return "\n\n".join(chosen)


def _fields(page: _Page) -> dict[str, str]:
    meta = {**_linked_data(page.ld), **page.meta}  # the page's meta tags first, then its JSON-LD
    fields: dict[str, str] = {}
    for name, keys in (("title", _TITLE_KEYS), ("source", _OUTLET_KEYS), ("published", _DATE_KEYS),
                       ("url", _URL_KEYS)):
        value = next((meta[key] for key in keys if meta.get(key)), None)
        if value:
            fields[name] = value
    if "published" not in fields and page.times:
        fields["published"] = page.times[0]
    title = _SPACES.sub(" ", page.title).strip()
    if "title" not in fields and title:
        outlet = fields.get("source", "")
        for separator in (" | ", " - ", " – ", " — ", " :: "):  # "Grain exports climb | Steppe Wire"
            head, _sep, tail = title.rpartition(separator)
            if head and (tail.strip() == outlet or not outlet and len(tail) < len(head)):
                title = head.strip()
                break
        fields["title"] = title
    if fields.get("source", "").startswith("@"):  # a twitter:site handle names the outlet only so
        fields["source"] = fields["source"][1:]
    return {name: value[:1000] for name, value in fields.items()}


def _linked_data(scripts: list[str]) -> dict[str, str]:
    """A news article's headline, date and publisher as JSON-LD states them (keys as the
    meta tags name them: ``headline``, ``datepublished``, ``publisher``)."""
    found: dict[str, str] = {}
    for script in scripts:
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for item in _items(data):
            kinds = item.get("@type")
            kinds = {str(kind).lower() for kind in (kinds if isinstance(kinds, list) else [kinds])}
            if not kinds & _NEWS_TYPES:
                continue
            publisher = item.get("publisher")
            for key, value in (("headline", item.get("headline")), ("datepublished", item.get("datePublished")),
                               ("publisher", publisher.get("name") if isinstance(publisher, dict) else None),
                               ("canonical", item.get("url"))):
                if isinstance(value, str) and value.strip():
                    found.setdefault(key, value.strip())
    return found


def _items(data: Any, depth: int = 0) -> list[dict]:
    """The objects of a JSON-LD document: itself, a list of them, or its ``@graph``."""
    if depth > 3:
        return []
    if isinstance(data, list):
        return [item for part in data[:50] for item in _items(part, depth + 1)]
    if isinstance(data, dict):
        return [data, *_items(data.get("@graph"), depth + 1)] if "@graph" in data else [data]
    return []
