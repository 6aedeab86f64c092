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
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curator.formats.reports import ImportProblem

if TYPE_CHECKING:
    from curator.formats.article_files import _Candidate

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_RULE_ROW = re.compile(r"^[\s|:-]*-[\s|:-]*$")  # a table's header rule, "|---|---|", as its text writes it
# A soft hyphen, zero-width spaces, and control characters (which no HTML text holds, and
# lxml refuses): not the story's.
_INVISIBLE = dict.fromkeys([*map(ord, "\u00ad\u200b\u2060\ufeff"), *range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
         (b"\xfe\xff", "utf-16"))
_AS_BROWSERS_READ = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252",
                     "us-ascii": "cp1252"}
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")  # what no XML text may hold (lxml refuses it)
_REFERENCE = re.compile(r"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")
_UTC = re.compile(r"(?:Z|[+-]00:?00)$")  # a time written in UTC
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
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
    html = decode_page(data)
    if "\x00" in html[:65536]:  # (before the control characters are dropped: a page holds none)
        raise Skipped("binary file (contains NUL bytes), not a web page")
    text, fields, in_body = _read(html)
    if not text:
        raise Skipped("no story in the page (only page furniture, scripts or a form)")
    try:
        marked = parse_date(fields["published"]) if fields.get("published") else None
    except ValueError:  # ("Tue, 05/14/2024 - 11:30": the body's <time> says it, below)
        del fields["published"]
        marked = None
    if marked is not None and _UTC.search(fields["published"]):
        # A page's time in UTC may be the day before the date its dateline gives (late in
        # the evening in Astana): the dateline's day is the story's.
        stated = _dateline_day(text, marked)
        if stated is not None and abs(marked - stated) == timedelta(days=1):
            fields["published"] = stated.isoformat()
    candidate = record_to_candidate({**fields, "text": text}, file=path.name, record_name="the page's metadata",
                                    default_uid=path.stem, warnings=warnings)
    candidate.origin, candidate.record = path.name, None
    fill_stated(candidate.fields, candidate.text)
    if "published" not in candidate.fields and in_body is not None:  # neither head nor dateline says: <time>
        candidate.fields["published"] = in_body
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
    """A page's bytes as text: by its byte order mark, else UTF-8, else the charset its
    ``<meta>`` declares (Latin-1 read as Windows-1252, as browsers do), else what its
    bytes look like (charset_normalizer). A stray byte of a page that declares UTF-8 is
    one U+FFFD; a page whose bytes are not the charset it declares is read as they look."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data)
    name = declared.group(1).decode("ascii", "replace").lower().replace("_", "-") if declared else ""
    name = _AS_BROWSERS_READ.get(name, name)
    if name:
        try:
            if name.replace("-", "") != "utf8":
                return data.decode(name)
            read = data.decode("utf-8", errors="replace")
            if read.count("\ufffd") * 100 <= len(read):  # a stray byte or two: the page is UTF-8
                return read
        except (LookupError, UnicodeDecodeError):
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", errors="replace")


def read_page(html: str) -> tuple[str, dict[str, str]]:
    """The story's text (a paragraph a line) and the fields the page's markup states of it:
    ``title``, ``source`` (the outlet), ``url`` and ``published`` (as the page's head
    writes it: its article meta tags, a JSON-LD article's ``datePublished``), each only if
    stated."""
    text, fields, _in_body = _read(html)
    return text, fields


def _read(html: str) -> tuple[str, dict[str, str], date | None]:
    """``read_page``'s text and fields, and the date the body's ``<time>`` marks (taken
    only where neither the head nor the dateline says one: it may be a related story's)."""
    import trafilatura  # (lxml and the extraction's models: only for a page)

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # (it logs what it could not find)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    tree = _tree(_REFERENCE.sub(_xml_reference, _NOT_XML.sub("", html.translate(_INVISIBLE))))
    if tree is None:
        return "", {}, None
    # Precision over recall: advertisements, "Subscribe" calls and share lines left out
    # cost a headline or a standfirst at times, which the title keeps.
    try:
        extracted = trafilatura.extract(tree, output_format="txt", include_comments=False, include_tables=True,
                                        include_images=False, include_links=False, deduplicate=False,
                                        favor_precision=True, with_metadata=False)
    except ValueError:  # (a character lxml will not hold, however it got in: no story read)
        return "", {}, None
    lines = [line.strip() for line in (extracted or "").splitlines()]
    text = "\n".join(line for line in lines if line and not _RULE_ROW.match(line))
    if len(text.split()) < _FEWEST_WORDS:  # a menu item, a cookie notice: no story
        text = ""
    try:
        fields = _fields(trafilatura.extract_metadata(tree, extensive=False))
    except ValueError:  # (as above)
        fields = {}
    fields.pop("published", None)
    if not tree.xpath(_TITLED):  # (else the extraction takes a heading of the page's, "Most read", for it)
        fields.pop("title", None)
    stated = _head_date(tree)
    return text, {**fields, **({"published": stated} if stated else {})}, _body_date(tree)


def _xml_reference(found: re.Match[str]) -> str:
    """A character reference as written, unless it names a character no XML text may
    hold (``&#0;``, ``&#xFFFE;``, a surrogate): then nothing."""
    written = found.group(1)
    try:
        point = int(written[1:], 16) if written[0] in "xX" else int(written)
    except ValueError:
        return found.group(0)
    allowed = point in (0x09, 0x0A, 0x0D) or 0x20 <= point <= 0xD7FF or 0xE000 <= point <= 0xFFFD \
        or 0x10000 <= point <= 0x10FFFF
    return found.group(0) if allowed else ""


def _tree(html: str) -> Any:
    """The page's element tree; None if it holds nothing to read. Text with no markup (a
    page saved as text only) is its own one paragraph."""
    from lxml import etree
    from lxml import html as lxml_html

    if not html.strip():
        return None
    if "<" not in html:  # (no markup at all: the text is the page)
        html = "<html><body>" + "".join(f"<p>{escape(line)}</p>" for line in html.splitlines() if line.strip()) \
            + "</body></html>"
    try:
        return lxml_html.document_fromstring(html, parser=lxml_html.HTMLParser(huge_tree=True, remove_comments=True))
    except (etree.ParserError, ValueError):
        return None


def _body_date(tree: Any) -> date | None:
    """The first whole date a ``<time datetime>`` gives, in the story's ``<article>`` first,
    never one in an aside, the navigation or the footer (a related story's)."""
    aside = "not(ancestor::aside or ancestor::nav or ancestor::footer)"
    for where in (f"//article//time[{aside}]/@datetime", f"//body//time[{aside}]/@datetime"):
        for written in tree.xpath(where):
            found = _ISO_DAY.match(written.strip())
            if found:
                try:
                    return date.fromisoformat(found.group(0))
                except ValueError:
                    continue
    return None


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
        except (ValueError, RecursionError):  # (not JSON, or nested past any page's)
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
