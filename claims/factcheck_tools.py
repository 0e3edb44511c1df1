"""Google Fact Check Tools API v1alpha1, read side, at the site root: a client written for Google's service only
changes its host.

The contract is the discovery document `factchecktools.v1alpha1.json` shipped in google-api-python-client:

- `GET /v1alpha1/claims:search` (claims.search) answers a FactCheckedClaimSearchResponse
  `{"claims": [Claim], "nextPageToken"?}`;
- `GET /v1alpha1/pages` (pages.list) answers a ListClaimReviewMarkupPagesResponse
  `{"claimReviewMarkupPages": [ClaimReviewMarkupPage], "nextPageToken"?}`;
- `GET /v1alpha1/pages/{id}` (pages.get, discovery path `v1alpha1/{+name}` with name `pages/{id}`) answers one
  ClaimReviewMarkupPage.

One page is one published claim (`name` "pages/<claim id>", `pageUrl` its public page) with one ClaimReview markup:
its current public verdict. Everything is mapped from `claimreview.claim_review`, so these endpoints say what the
JSON-LD, the feed and the public page say. Only published claims with a published verdict appear, to anyone.

Following Google's service: the standard query parameters of the discovery document (`key`, `alt`, `prettyPrint`,
`fields`, ...) are accepted (`alt` must be `json`; `prettyPrint` is honoured, the others are ignored); each method's
parameters may also be spelt as their proto names (`page_size`); any other parameter is a 400. Zero is "not set" for
the int32 parameters, as in proto3 (`pageSize=0` is the default 10, `maxAgeDays=0` no limit). Errors have Google's
shape, `{"error": {"code": 400, "message", "status": "INVALID_ARGUMENT", "details"?}}`.

Paging is by offset: `pageToken` is opaque and carries the next offset with a fingerprint of the request's filters,
so a token used with other filters is a 400; `pageSize` may change between pages, and `offset` is ignored when a
token is given (as the discovery document says).
"""

import base64
import binascii
import datetime
import hashlib
import json
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .claimreview import claim_review, site_url
from .models import Claim
from .search import claim_search

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
INT32_MAX = 2**31 - 1
ID_MAX = 2**63 - 1

# The discovery document's top-level parameters, valid on every method.
STANDARD_PARAMETERS = frozenset(
    {
        "$.xgafv",
        "access_token",
        "alt",
        "callback",
        "fields",
        "key",
        "oauth_token",
        "prettyPrint",
        "quotaUser",
        "uploadType",
        "upload_protocol",
    }
)
# The HTTP statuses Google's errors carry, with their google.rpc.Code names.
RPC_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "UNIMPLEMENTED",
    406: "INVALID_ARGUMENT",
    409: "ABORTED",
    415: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
}
NOT_FOUND_MESSAGE = "Requested entity was not found."
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$")
INTEGER = re.compile(r"^[+-]?\d{1,20}$")


# --- errors -----------------------------------------------------------------------------------------------------


class GoogleApiError(Exception):
    """An error answered in Google's shape: `{"error": {"code", "message", "status", "details"?}}`."""

    def __init__(self, http_status: int, message: str, *, field: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.http_status, self.message, self.field, self.headers = http_status, message, field, headers or {}

    def response(self) -> Response:
        error = {
            "code": self.http_status,
            "message": self.message,
            "status": RPC_STATUS.get(self.http_status, "UNKNOWN"),
        }
        if self.field:
            error["details"] = [
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": self.field, "description": self.message}],
                }
            ]
        return Response({"error": error}, status=self.http_status, headers=self.headers)


def _invalid(message: str, field: str | None = None) -> GoogleApiError:
    return GoogleApiError(400, message, field=field)


# --- the mapping from ClaimReview -----------------------------------------------------------------------------


def google_datetime(value: datetime.datetime | datetime.date) -> str:
    """RFC 3339 in UTC ("google-datetime"): "2024-02-14T00:00:00Z"; a date is its midnight."""
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time.min, tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _host(url: str) -> str:
    """Host-level site name, without the protocol, port or "www" prefix (Publisher.site)."""
    value = url.strip().lower()
    if "://" not in value and not value.startswith("//"):
        value = "//" + value
    try:
        host = urlsplit(value).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def publisher_site() -> str:
    """Our Publisher.site: the host of the claim review URLs (the public claim pages)."""
    return _host(site_url("/"))


def fact_checked_claim(claim: Claim) -> dict:
    """GoogleFactcheckingFactchecktoolsV1alpha1Claim: the claim with one ClaimReview, its current public verdict."""
    review = claim_review(claim)
    result = {"text": claim.text, "claimant": review["itemReviewed"]["author"]["name"]}
    if claim.stated_on:
        result["claimDate"] = google_datetime(claim.stated_on)
    result["claimReview"] = [
        {
            "publisher": {"name": review["author"]["name"], "site": _host(review["url"])},
            "url": review["url"],
            "title": f"Fact check: {review['claimReviewed']}",
            "reviewDate": google_datetime(claim.published_verdict.published_at),
            "textualRating": review["reviewRating"]["alternateName"],
            "languageCode": settings.FACTCHECK_LANGUAGE_CODE,
        }
    ]
    return result


def claim_review_markup_page(claim: Claim) -> dict:
    """GoogleFactcheckingFactchecktoolsV1alpha1ClaimReviewMarkupPage of a published claim's page."""
    review = claim_review(claim)
    item, rating = review["itemReviewed"], review["reviewRating"]
    markup = {"claimReviewed": review["claimReviewed"]}
    if "datePublished" in item:
        markup["claimDate"] = item["datePublished"]
    first = item.get("firstAppearance")
    if first:
        markup["claimFirstAppearance"] = first["url"]
    # "A list of links to works in which this claim appears, aside from the one in claim_first_appearance."
    others = [work["url"] for work in item.get("appearance", []) if not first or work["url"] != first["url"]]
    if others:
        markup["claimAppearances"] = others
    markup["claimAuthor"] = {
        key: item["author"][key] for key in ("name", "jobTitle", "sameAs") if key in item["author"]
    }
    markup["rating"] = {
        "textualRating": rating["alternateName"],
        **({"ratingValue": rating["ratingValue"]} if "ratingValue" in rating else {}),  # none when unverifiable
        "bestRating": rating["bestRating"],
        "worstRating": rating["worstRating"],
        "ratingExplanation": rating["ratingExplanation"],
    }
    markup["url"] = review["url"]
    return {
        "name": f"pages/{claim.pk}",
        "pageUrl": review["url"],
        "publishDate": review["datePublished"],
        "claimReviewAuthor": {"name": review["author"]["name"]},
        "claimReviewMarkups": [markup],
        # Changes whenever the public verdict does (a correction, a newer engine verdict published).
        "versionId": str(claim.published_verdict_id),
    }


# --- reads ------------------------------------------------------------------------------------------------------


def public_claims() -> QuerySet[Claim]:
    """Published claims with a published verdict, newest review first, ties by id (a stable order for offsets)."""
    return (
        selectors.claim_queryset(editor=False)
        .filter(published_verdict__published_at__isnull=False)
        .order_by("-published_verdict__published_at", "-id")
    )


def language_matches(code: str) -> bool:
    """BCP-47, region not considered (as Google): "en" and "en-US" match our "en"."""
    ours = settings.FACTCHECK_LANGUAGE_CODE.replace("_", "-").split("-")[0].lower()
    return code.replace("_", "-").split("-")[0].lower() == ours


def site_matches(value: str) -> bool:
    """A review publisher site filter or organization: our site's host or our publisher's, with or without www."""
    return _host(value) in {publisher_site(), _host(settings.FACTCHECK_PUBLISHER_URL)} - {""}


def _explicit_port(parts) -> int | None:
    """The port unless it is the scheme's default, so http and https URLs of the same page compare equal."""
    return None if parts.port in (None, {"http": 80, "https": 443}.get(parts.scheme)) else parts.port


def page_id_from_url(url: str) -> int | None:
    """The claim whose public page `url` is (scheme, "www", a missing trailing slash, query and fragment aside)."""
    value = url.strip()
    if "://" not in value:
        value = "//" + value
    try:
        given = urlsplit(value)
        match = re.search(r"/claims/(\d{1,19})/?$", given.path)
        if not match or not 0 < int(match[1]) <= ID_MAX:
            return None
        pk = int(match[1])
        ours = urlsplit(site_url(f"/claims/{pk}/"))
        same = (
            _host(value) == _host(ours.geturl())
            and _explicit_port(given) == _explicit_port(ours)
            and given.path.rstrip("/") == ours.path.rstrip("/")
        )
    except ValueError:  # an invalid port or IPv6 address
        return None
    return pk if same else None


# --- parameters -------------------------------------------------------------------------------------------------


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _int32(params: dict, name: str, *, default: int = 0) -> int:
    """A non-negative int32 parameter; absent or empty is the default."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    value = int(raw) if INTEGER.match(raw) else None
    if value is None or not -(2**31) <= value <= INT32_MAX:
        raise _invalid(f"Invalid value for {name} (TYPE_INT32): {raw!r}.", name)
    if value < 0:
        raise _invalid(f"{name} must not be negative.", name)
    return value


def _fingerprint(method: str, filters: dict) -> str:
    canonical = json.dumps([method, sorted(filters.items())], separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:24]


def encode_page_token(offset: int, fingerprint: str) -> str:
    payload = json.dumps({"o": offset, "f": fingerprint}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_page_token(token: str, fingerprint: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode("ascii") + b"=" * (-len(token) % 4)))
        offset = data["o"] if isinstance(data, dict) else None
        valid = isinstance(offset, int) and not isinstance(offset, bool) and 0 <= offset <= INT32_MAX
        valid = valid and isinstance(data.get("f"), str)
    except (ValueError, UnicodeError, binascii.Error, KeyError):
        valid = False
    if not valid:
        raise _invalid("Invalid pageToken; pass the nextPageToken of the previous response as given.", "pageToken")
    if data["f"] != fingerprint:
        raise _invalid(
            "The pageToken belongs to a request with other parameters; all parameters but pageToken, pageSize and "
            "offset must have the same values as in the request that returned it.",
            "pageToken",
        )
    return offset


# --- views ------------------------------------------------------------------------------------------------------


class _AlwaysJSON(BaseContentNegotiation):
    """Google answers JSON whatever the Accept header says; `alt` is the only format switch, and only json is served."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class _GoogleApiView(APIView):
    """Parameters, paging and errors as Google's service has them. Throttling and authentication are the API's."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = _AlwaysJSON
    parser_classes = []
    http_method_names = ["get", "head"]
    method_id = ""
    method_parameters: tuple[str, ...] = ()  # camelCase, as in the discovery document
    pretty = True  # prettyPrint defaults to true in the discovery document

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.params = self._parameters(request)

    def _parameters(self, request) -> dict[str, str]:
        names = {name: name for name in self.method_parameters} | {_snake(n): n for n in self.method_parameters}
        params, standard = {}, {}
        for key, values in request.query_params.lists():
            name = names.get(key) or (key if key in STANDARD_PARAMETERS else None)
            if name is None:
                raise _invalid(f'Unknown name "{key}": Cannot bind query parameter.', key)
            target = params if name in names.values() else standard
            if len(values) > 1 or name in target:
                raise _invalid(f"{name} was given more than once.", name)
            target[name] = values[0]
        alt = standard.get("alt", "json")
        if alt != "json":
            raise _invalid(f"alt={alt} is not supported; only alt=json is served.", "alt")
        if standard.get("$.xgafv", "1") not in ("1", "2"):
            raise _invalid("Invalid value for $.xgafv; use 1 or 2.", "$.xgafv")
        pretty = standard.get("prettyPrint", "true").lower()
        if pretty not in ("true", "false", "1", "0"):
            raise _invalid(f"Invalid value for prettyPrint (TYPE_BOOL): {standard['prettyPrint']!r}.", "prettyPrint")
        self.pretty = pretty in ("true", "1")
        return params

    def get_renderer_context(self):
        return super().get_renderer_context() | {"indent": 2 if self.pretty else None}

    def handle_exception(self, exc):
        if isinstance(exc, GoogleApiError):
            return exc.response()
        if isinstance(exc, Http404):
            return GoogleApiError(404, NOT_FOUND_MESSAGE).response()
        if isinstance(exc, exceptions.APIException):
            headers = {}
            if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
                exc.status_code = 401
                if auth_header := self.get_authenticate_header(self.request):
                    headers["WWW-Authenticate"] = auth_header
            if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
                headers["Retry-After"] = str(int(exc.wait) + 1)
            if isinstance(exc, exceptions.MethodNotAllowed):
                headers["Allow"] = "GET, HEAD"
                message = f"{self.request.method} is not offered here: this mirror of the API is read-only."
            else:
                message = str(exc.detail)
            return GoogleApiError(exc.status_code, message, headers=headers).response()
        return super().handle_exception(exc)

    # paging, shared by claims.search and pages.list

    def paginate(self, queryset: QuerySet[Claim], filters: dict) -> tuple[list[Claim], str | None]:
        size = _int32(self.params, "pageSize") or DEFAULT_PAGE_SIZE
        size = min(size, MAX_PAGE_SIZE)
        offset = _int32(self.params, "offset")
        fingerprint = _fingerprint(self.method_id, filters)
        if self.params.get("pageToken"):
            offset = decode_page_token(self.params["pageToken"], fingerprint)
        rows = list(queryset[offset : offset + size + 1])
        if len(rows) <= size:
            return rows, None
        return rows[:size], encode_page_token(offset + size, fingerprint)


class ClaimSearchView(_GoogleApiView):
    """factchecktools.claims.search: published fact checks by full text and/or our publisher site."""

    method_id = "factchecktools.claims.search"
    method_parameters = (
        "languageCode",
        "maxAgeDays",
        "offset",
        "pageSize",
        "pageToken",
        "query",
        "reviewPublisherSiteFilter",
    )

    @extend_schema(exclude=True)  # its contract is Google's discovery document, not our OpenAPI schema
    def get(self, request):
        p = self.params
        query = p.get("query", "")
        site_filter = p.get("reviewPublisherSiteFilter", "")
        if not query.strip() and not site_filter.strip():
            raise _invalid("Either query or reviewPublisherSiteFilter is required.", "query")
        language = p.get("languageCode", "")
        if language and not LANGUAGE_TAG.match(language):
            raise _invalid(f"Invalid languageCode {language!r}; use a BCP-47 tag such as en or en-US.", "languageCode")
        max_age_days = _int32(p, "maxAgeDays")

        claims = public_claims()
        if query.strip():
            claims = claim_search(claims, query)
        if max_age_days:
            claims = claims.filter(_newer_than(max_age_days))
        if (language and not language_matches(language)) or (site_filter.strip() and not site_matches(site_filter)):
            claims = claims.none()

        filters = {"query": query, "languageCode": language, "maxAgeDays": max_age_days, "site": site_filter}
        rows, next_token = self.paginate(claims, filters)
        body = {"claims": [fact_checked_claim(claim) for claim in rows]}
        if next_token:
            body["nextPageToken"] = next_token
        return Response(body)


def _newer_than(days: int) -> Q:
    """Age is the claim date or the review date, whichever is newer: at most `days` days old."""
    now = timezone.now()
    if days >= (now - datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)).days:
        return Q()  # older than the calendar: no limit
    cutoff = now - datetime.timedelta(days=days)
    return Q(published_verdict__published_at__gte=cutoff) | Q(stated_on__gte=cutoff.date())


class PageListView(_GoogleApiView):
    """factchecktools.pages.list: the ClaimReview markup pages of one URL, or of our organization."""

    method_id = "factchecktools.pages.list"
    method_parameters = ("offset", "organization", "pageSize", "pageToken", "url")

    @extend_schema(exclude=True)
    def get(self, request):
        p = self.params
        url, organization = p.get("url", "").strip(), p.get("organization", "").strip()
        if url and organization:
            raise _invalid("url and organization cannot both be given.", "url")
        pages = public_claims()
        if organization and not site_matches(organization):
            pages = pages.none()
        if url:
            pk = page_id_from_url(url)
            pages = pages.filter(pk=pk) if pk else pages.none()
        rows, next_token = self.paginate(pages, {"url": url, "organization": organization})
        body = {"claimReviewMarkupPages": [claim_review_markup_page(claim) for claim in rows]}
        if next_token:
            body["nextPageToken"] = next_token
        return Response(body)


class PageDetailView(_GoogleApiView):
    """factchecktools.pages.get: `pages/{id}`, the markup page of a published claim."""

    method_id = "factchecktools.pages.get"

    @extend_schema(exclude=True)
    def get(self, request, page_id: str):
        if not re.fullmatch(r"\d{1,19}", page_id) or not 0 < int(page_id) <= ID_MAX:
            raise Http404
        claim = public_claims().filter(pk=int(page_id)).first()
        if claim is None:
            raise Http404
        return Response(claim_review_markup_page(claim))
