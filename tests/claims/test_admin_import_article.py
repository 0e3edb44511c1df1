"""The import-article flow of the claims admin: an article's URL (or pasted text) → candidates → draft claims."""

import http.server
import threading
from datetime import date
from pathlib import Path

import pytest

from claims.models import Appearance, Claim, ClaimStatus, Speaker
from sources.models import Source

pytestmark = pytest.mark.django_db

URL = "/admin/claims/claim/import-article/"
ARTICLE = (
    "Mayor Jane Doe said the city spent $700 million on roads in 2023. "
    "Police Chief Bob Smith said 38,000 people were arrested last year."
)
HTML = f"<!doctype html><html><head><title>x</title><script>var a = 1;</script></head><body><p>{ARTICLE}</p></body></html>"
NEWS_PAGE = (Path(__file__).resolve().parent.parent / "fixtures" / "news_page.html").read_bytes()


def review(client, **data):
    return client.post(URL, {"step": "review", "published": "2024-03-01", **data})


def test_pasted_text_end_to_end(editor_client):
    jane = Speaker.objects.create(name="Jane Doe", kind=Speaker.Kind.PERSON)
    page = editor_client.get(URL)
    assert page.status_code == 200
    response = review(editor_client, url="https://news.example/roads", text=ARTICLE, title="Roads", outlet="The Daily")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>$700 million</mark>" in html
    source = Source.objects.get(url="https://news.example/roads")
    assert source.text_snapshot == ARTICLE
    assert source.outlet.name == "The Daily"
    candidates = response.context["candidates"]
    assert [c["score"] for c in candidates] == sorted((c["score"] for c in candidates), reverse=True)
    created = editor_client.post(
        URL, {"step": "create", "signed": response.context["signed"], "candidate": [str(c["index"]) for c in candidates[:2]]}
    )
    assert created.status_code == 302
    claims = Claim.objects.order_by("pk")
    assert claims.count() == 2
    assert all(c.status == ClaimStatus.DRAFT for c in claims)
    assert str(claims[0].pk) in created["Location"] and "id__in=" in created["Location"]
    roads = Claim.objects.get(text__contains="$700 million")
    assert roads.speaker == jane
    assert roads.unit == "USD" and roads.value == 700_000_000
    assert roads.attribution_kind == "paraphrase"
    appearance = Appearance.objects.get(claim=roads)
    assert appearance.source == source and appearance.excerpt == roads.text
    assert Speaker.objects.filter(name="Bob Smith", kind=Speaker.Kind.PERSON).count() == 1
    assert Speaker.objects.filter(name="Jane Doe").count() == 1


@pytest.fixture
def article_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/missing":
                self.send_response(404)
                self.end_headers()
                return
            body = NEWS_PAGE if self.path == "/news" else HTML.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_url_is_fetched_and_snapshot_stored(editor_client, article_server, settings):
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_ALLOWED_PORTS = None
    response = review(editor_client, url=f"{article_server}/article")
    assert response.status_code == 200
    assert "<mark>$700 million</mark>" in response.content.decode()
    source = Source.objects.get(url=f"{article_server}/article")
    assert "$700 million" in source.text_snapshot
    assert "var a" not in source.text_snapshot


def test_fetched_page_is_reduced_to_the_story_and_its_metadata_fills_blank_fields(
    editor_client, article_server, settings
):
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_ALLOWED_PORTS = None
    response = editor_client.post(URL, {"step": "review", "url": f"{article_server}/news"})
    assert response.status_code == 200
    surfaces = {c["surface"] for c in response.context["candidates"]}
    assert {"$700 million", "38,500", "34,000", "4,000", "18%"} <= surfaces
    # Menus, promotions, the "most read" box and the footer are not the article: none of their figures is offered.
    assert not surfaces & {"$1", "72 degrees", "50%", "10", "12%", "5", "555-0100"}
    source = Source.objects.get(url=f"{article_server}/news")
    assert source.title == "ICE faces $700 million gap as detention costs climb"
    assert source.published_on == date(2024, 3, 12)
    assert source.outlet.name == "The Valley Herald"
    assert "Most read" not in source.text_snapshot and "$700 million budget shortfall" in source.text_snapshot
    # Dates in the text are read relative to the page's publication date, and the editor is told where it came from.
    beds = next(c for c in response.context["candidates"] if c["surface"] == "38,500")
    assert beds["as_of"] == "2024-02-29"
    html = response.content.decode()
    assert "Read from the page" in html and "The Valley Herald" in html


def test_fields_given_in_the_form_win_over_the_page_metadata(editor_client, article_server, settings):
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_ALLOWED_PORTS = None
    response = review(editor_client, url=f"{article_server}/news", title="Our title", outlet="Wire copy")
    assert response.status_code == 200
    source = Source.objects.get(url=f"{article_server}/news")
    assert (source.title, source.outlet.name, source.published_on) == ("Our title", "Wire copy", date(2024, 3, 1))
    assert response.context["from_page"] == []


def test_non_2xx_is_a_form_error(editor_client, article_server, settings):
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_ALLOWED_PORTS = None
    response = review(editor_client, url=f"{article_server}/missing")
    assert response.status_code == 200
    assert "HTTP 404" in response.content.decode()
    assert not Source.objects.exists()


def test_refused_url_is_a_form_error(editor_client):
    response = review(editor_client, url="http://169.254.169.254/")
    assert response.status_code == 200
    assert "address_not_allowed" in response.content.decode()
    assert response.context["form"].errors["url"]
    assert not Source.objects.exists()


def test_tampered_candidates_create_nothing(editor_client):
    response = review(editor_client, url="https://news.example/roads", text=ARTICLE)
    signed = response.context["signed"]
    tampered = signed.replace("700", "900") if "700" in signed else signed[:-3] + "abc"
    result = editor_client.post(URL, {"step": "create", "signed": tampered, "candidate": ["0"]}, follow=True)
    assert result.status_code == 200
    assert "altered or expired" in result.content.decode()
    assert not Claim.objects.exists()
    forged = editor_client.post(URL, {"step": "create", "signed": "{}", "candidate": ["0"]})
    assert forged.status_code == 302
    assert not Claim.objects.exists()


def test_refused_candidate_is_reported_others_created(editor_client, monkeypatch):
    from claims import services
    from factcheck.exceptions import ApplicationError

    response = review(editor_client, url="https://news.example/roads", text=ARTICLE)
    real = services.claim_create

    def claim_create(**kwargs):
        if "38,000" in kwargs["text"]:
            raise ApplicationError("refused for the test")
        return real(**kwargs)

    monkeypatch.setattr(services, "claim_create", claim_create)
    result = editor_client.post(
        URL, {"step": "create", "signed": response.context["signed"], "candidate": ["0", "1"]}, follow=True
    )
    html = result.content.decode()
    assert "refused for the test" in html
    assert Claim.objects.count() == 1


def test_changelist_links_to_import_article(editor_client):
    assert URL in editor_client.get("/admin/claims/claim/").content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    response = client.post(URL, {"step": "review", "url": "https://news.example/x", "text": ARTICLE})
    assert response.status_code == 302
    assert not Source.objects.exists()


def test_sentence_is_escaped_around_the_mark(editor_client):
    text = "Mayor Jane Doe said <b>the city</b> spent $700 million on roads in 2023."
    response = review(editor_client, url="https://news.example/escape", text=text)
    html = response.content.decode()
    assert "<mark>$700 million</mark>" in html
    assert "&lt;b&gt;the city&lt;/b&gt;" in html
