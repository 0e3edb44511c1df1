"""The import-article flow of the claims admin: an article's URL (or pasted text) → candidates → draft claims."""

import http.server
import threading

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
            body = HTML.encode("utf-8")
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
