"""Shared fixtures. Services a test needs (PostgreSQL, Redis, Chromium) skip on a laptop without them and
fail in CI (CI set), where a skip would hide a part of the system that was never tested."""

import ipaddress
import os
import socket

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from tests import factories


_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "testserver"}


@pytest.fixture(autouse=True)
def _no_name_lookups_off_the_machine(monkeypatch):
    """No test resolves a name that is not this machine's: the tracker fetches editors' URLs (link checks, feeds,
    webhooks), and a test that reached one would send traffic off the loopback. Such a name fails to resolve,
    as it would on a machine without a network; tests that need a name map it themselves."""
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name in _LOCAL_NAMES or name.startswith("127.") or _is_numeric_loopback(name):
            return real_getaddrinfo(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, f"test guard: {name} is not resolved in tests")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _is_numeric_loopback(name: str) -> bool:
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def require_service(name: str, available: bool, why: str = "") -> None:
    if available:
        return
    message = f"{name} is not available{': ' + why if why else ''}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (required in CI)")
    pytest.skip(message)


@pytest.fixture
def require_postgres():
    require_service("PostgreSQL", connection.vendor == "postgresql", f"the test database is {connection.vendor}")


@pytest.fixture
def editor(db):
    user = factories.UserFactory(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


# --- API clients with DRF tokens, as an integration calls the API (Authorization: Token <key>) ---------------


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def _token_client(user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def editor_api_client(editor):
    return _token_client(editor)


@pytest.fixture
def non_editor(db):
    """A logged-in user with a token who is NOT in the Editors group: reads like the public, may not write."""
    return factories.UserFactory(username="reader")


@pytest.fixture
def non_editor_api_client(non_editor):
    return _token_client(non_editor)
