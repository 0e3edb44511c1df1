"""The readable text of a fetched document, so a link check compares what readers see, not markup churn, and
the main text of an article page, so claim extraction reads the story and not its menus, teasers and footer."""

import codecs
import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

logger = logging.getLogger(__name__)

# Past this, a page is no article: trafilatura would take seconds inside an editor's request for nothing useful.
ARTICLE_MAX_CHARS = 2_000_000

_SKIPPED = {"script", "style", "noscript", "template", "svg", "head"}
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "blockquote"}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self._skip_depth += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED and self._skip_depth:
            self._skip_depth -= 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip_depth:
            self.parts.append(data)


def _is_html(text: str, content_type: str) -> bool:
    return content_type in ("text/html", "application/xhtml+xml") or text[:200].lstrip()[:15].lower().startswith(
        ("<!doctype", "<html")
    )


def _decode(body: bytes, charset: str | None) -> str:
    """The body as text; a charset Python does not know ("x-bogus" from a misconfigured server) is read as UTF-8."""
    try:
        codecs.lookup(charset or "utf-8")
    except LookupError:
        charset = "utf-8"
    return body.decode(charset or "utf-8", errors="replace")


def document_text(body: bytes, content_type: str, charset: str | None = None) -> str:
    """Plain text of an HTML or text document, whitespace-normalised line by line."""
    return _page_text(_decode(body, charset), content_type)


def _page_text(text: str, content_type: str) -> str:
    if _is_html(text, content_type):
        extractor = _TextExtractor()
        extractor.feed(text)
        extractor.close()
        text = "".join(extractor.parts)
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ArticleText:
    """An article page reduced to what claim extraction needs. ``main_content`` is False only for an HTML page whose
    story trafilatura could not find: ``text`` is then the whole page's text, boilerplate included."""

    text: str
    title: str = ""
    published: date | None = None
    site_name: str = ""
    main_content: bool = False


def article_text(body: bytes, content_type: str, charset: str | None = None, url: str | None = None) -> ArticleText:
    """The main text of an article and its title, publication date and site name from the page's metadata.

    trafilatura (a maintained main-content extractor) drops navigation, teasers, ads, comments and footers,
    whose figures ("Subscribe for $1 a week", "10 things to do") would otherwise become candidates. It gets
    bytes already fetched by the safe fetcher and never fetches anything itself. A non-HTML document, or a
    page where it finds no main text, falls back to ``document_text``."""
    decoded = _decode(body, charset)
    if not _is_html(decoded, content_type):
        return ArticleText(text=_page_text(decoded, content_type), main_content=True)
    import trafilatura  # imported here: about half a second, paid only by the import-article page

    try:
        document = trafilatura.bare_extraction(
            decoded[:ARTICLE_MAX_CHARS],
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            # Only a date the page states: its default search guesses ("$1995 million" became 1995-01-01), and
            # a wrong publication date would shift every relative date the extractor reads.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # a parser's failure on a hostile page must not cost the editor the import
        logger.warning("trafilatura failed on %s; using the whole page's text", url, exc_info=True)
        document = None
    if document is None or not (document.text or "").strip():
        return ArticleText(text=_page_text(decoded, content_type))
    lines = (re.sub(r"[ \t\f\v]+", " ", line).strip() for line in document.text.splitlines())
    return ArticleText(
        text="\n\n".join(line for line in lines if line),  # paragraphs apart, as in the pasted articles
        title=(document.title or "").strip(),
        published=_iso_date(document.date),
        site_name=(document.sitename or "").strip(),
        main_content=True,
    )


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
