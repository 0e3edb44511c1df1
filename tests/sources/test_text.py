"""sources.text: a page's readable text (link checks) and an article's main text and metadata (article import)."""

from datetime import date
from pathlib import Path

from sources.text import article_text, document_text

NEWS_PAGE = (Path(__file__).resolve().parent.parent / "fixtures" / "news_page.html").read_bytes()
BOILERPLATE = ("Subscribe", "$1", "72 degrees", "Save 50%", "Most read", "12% in a year", "555-0100", "Main Street")


def test_article_text_keeps_the_story_and_drops_the_page_around_it():
    article = article_text(NEWS_PAGE, "text/html", "utf-8", url="https://herald.example/ice-budget")
    assert article.main_content is True
    assert "$700 million budget shortfall" in article.text
    assert "cut 4,000 beds by the end of the fiscal year" in article.text
    assert "rose 18% from a year earlier" in article.text
    for junk in BOILERPLATE:
        assert junk not in article.text, junk
    assert "window.dataLayer" not in article.text and "color: red" not in article.text


def test_article_text_reads_title_date_and_site_name_from_the_metadata():
    article = article_text(NEWS_PAGE, "text/html", "utf-8")
    assert article.title == "ICE faces $700 million gap as detention costs climb"
    assert article.published == date(2024, 3, 12)
    assert article.site_name == "The Valley Herald"


def test_article_text_keeps_sentences_whole_across_source_line_breaks():
    # The page's HTML wraps a sentence over two lines; the whole-page text keeps that break, the article not.
    article = article_text(NEWS_PAGE, "text/html", "utf-8")
    sentence = "its budget covers 34,000 beds."
    assert "while its budget covers 34,000 beds." in article.text
    assert "while\nits budget" in document_text(NEWS_PAGE, "text/html", "utf-8") and sentence in article.text
    assert "\n\n" in article.text  # paragraphs apart, as in pasted articles


def test_plain_text_is_returned_as_is_without_metadata():
    article = article_text(b"The city spent $5 million.\nIt hired 12 officers.", "text/plain", "utf-8")
    assert article == type(article)(text="The city spent $5 million.\nIt hired 12 officers.", main_content=True)
    assert article.published is None


def test_page_without_a_findable_main_text_falls_back_to_the_whole_page():
    article = article_text(b"<html><body><script>x = 1</script></body></html>", "text/html", "utf-8")
    assert article.main_content is False
    assert article.text == ""


def test_undecodable_bytes_and_a_wrong_charset_do_not_raise():
    body = "<html><body><article><p>Caf\u00e9 owners paid $3,000 in fees, the city said.</p></article></body></html>"
    article = article_text(body.encode("latin-1"), "text/html", "utf-8")
    assert "$3,000 in fees" in article.text


def test_an_unknown_charset_is_read_as_utf8():
    body = "<html><body><article><p>Caf\u00e9 owners paid $3,000 in fees, the city said.</p></article></body></html>"
    article = article_text(body.encode("utf-8"), "text/html", "x-bogus")
    assert "Caf\u00e9 owners paid $3,000" in article.text
    assert "$3,000" in document_text(body.encode("utf-8"), "text/html", "x-bogus")


def test_no_publication_date_is_guessed_from_the_text():
    body = (
        '<html><head><meta property="article:published_time" content="garbage"></head><body><article>'
        "<p>The city spent $1995 million on roads, officials said, and hired 40 workers.</p>"
        "<p>More text about the budget, the roads and the workers.</p></article></body></html>"
    )
    assert article_text(body.encode(), "text/html", "utf-8").published is None


def test_a_failing_parser_falls_back_to_the_whole_page(monkeypatch):
    import trafilatura

    def explode(*args, **kwargs):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(trafilatura, "bare_extraction", explode)
    article = article_text(NEWS_PAGE, "text/html", "utf-8")
    assert article.main_content is False
    assert "$700 million budget shortfall" in article.text
