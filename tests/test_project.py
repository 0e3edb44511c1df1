"""The project as a whole: migrations match the models, system checks pass, the Editors group, the settings
and the Celery app are configured the way the design says."""

import json
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from tests import factories

REPO_ROOT = Path(__file__).resolve().parent.parent

# What settings read from the environment; a subprocess starts from none of them (settings_test sets some
# in this process's os.environ).
SETTINGS_ENV = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "CELERY_DATA_DIR")


# --- Migrations and checks ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    # Raises SystemExit when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    assert "No changes detected" in out.getvalue()


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")


# --- The Editors group --------------------------------------------------------------------------------------


def editors_permissions():
    group = Group.objects.get(name="Editors")
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.django_db
def test_editors_group_exists_with_permissions():
    assert Group.objects.filter(name="Editors").exists()
    assert editors_permissions()


@pytest.mark.django_db
def test_editors_write_claims_and_only_view_append_only_records():
    perms = editors_permissions()
    assert {"claims.add_claim", "claims.change_claim", "claims.view_claim"} <= perms
    for app_label, model in [("claims", "verdict"), ("claims", "checkrun"), ("sources", "sourcecheck")]:
        assert f"{app_label}.view_{model}" in perms
        for action in ("add", "change", "delete"):
            assert f"{app_label}.{action}_{model}" not in perms, f"Editors may {action} {model}"


@pytest.mark.django_db
def test_editors_do_not_edit_history_or_users():
    perms = editors_permissions()
    assert not {p for p in perms if p.startswith("auth.")}
    historical = {p for p in perms if ".historical" in p or "_historical" in p}
    assert historical and all(".view_" in p for p in historical)


@pytest.mark.django_db
def test_editor_permissions_come_from_the_group_not_superuser_status(editor):
    assert not editor.is_superuser
    assert editor.has_perm("claims.add_claim")
    assert editor.has_perm("claims.change_claim")
    assert editor.has_perm("claims.view_verdict")
    assert not editor.has_perm("claims.add_verdict")
    assert not editor.has_perm("claims.change_checkrun")
    assert not editor.has_perm("sources.delete_sourcecheck")

    outsider = factories.UserFactory(username="outsider", is_staff=True)
    assert not outsider.has_perm("claims.add_claim")
    assert not outsider.has_perm("claims.view_claim")
    # Every one of the group's permissions exists as a Permission row (nothing granted by name only).
    assert Permission.objects.filter(group__name="Editors").count() == len(editors_permissions())


# --- Settings, checked in a fresh interpreter with a controlled environment ---------------------------------


def _dotenv_sets(*names):
    dotenv = REPO_ROOT / ".env"
    if not dotenv.exists():
        return False
    text = dotenv.read_text()
    return any(line.strip().startswith((f"{name}=", f"export {name}=")) for name in names for line in text.splitlines())


def run_django(code, **env_overrides):
    """Run `code` after django.setup() with factcheck.settings, in a subprocess, with only the given settings env."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    env.update(env_overrides)
    script = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'factcheck.settings'\n"
        "import django; django.setup()\n" + code
    )
    return subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("secret", [None, ""], ids=["unset", "empty"])
def test_production_settings_refuse_to_start_without_secret_key(secret):
    if secret is None and _dotenv_sets("SECRET_KEY"):
        pytest.skip("a local .env sets SECRET_KEY")
    env = {"DEBUG": "0"} if secret is None else {"DEBUG": "0", "SECRET_KEY": secret}
    result = run_django("print('started')", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "started" not in result.stdout


def test_production_settings_start_with_a_secret_key(tmp_path):
    result = run_django(
        "from django.conf import settings; print(settings.DEBUG)",
        DEBUG="0",
        SECRET_KEY="a-real-secret",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_development_defaults_are_sqlite_in_the_project_folder_and_the_filesystem_broker():
    if _dotenv_sets("DATABASE_URL", "CELERY_BROKER_URL"):
        pytest.skip("a local .env sets DATABASE_URL or CELERY_BROKER_URL")
    code = (
        "import json; from django.conf import settings; db = settings.DATABASES['default']\n"
        "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), 'options': db.get('OPTIONS', {}),"
        " 'broker': settings.CELERY_BROKER_URL, 'base_dir': str(settings.BASE_DIR)}))"
    )
    result = run_django(code, DEBUG="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["engine"] == "django.db.backends.sqlite3"
    assert Path(values["name"]).parent == REPO_ROOT == Path(values["base_dir"])
    assert values["broker"] == "filesystem://"
    assert values["options"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in values["options"]["init_command"]


def test_sqlite_runs_wal_with_a_busy_timeout_and_immediate_transactions(tmp_path):
    db_file = tmp_path / "fc.sqlite3"
    code = (
        "import json, sqlite3\n"
        "from django.db import connection, transaction\n"
        "cursor = connection.cursor()\n"
        "journal = cursor.execute('PRAGMA journal_mode').fetchone()[0]\n"
        "busy = cursor.execute('PRAGMA busy_timeout').fetchone()[0]\n"
        # An IMMEDIATE transaction takes the write lock when it begins, before any write: a second writer
        # that will not wait is refused at once.
        "with transaction.atomic():\n"
        "    other = sqlite3.connect(connection.settings_dict['NAME'], timeout=0, isolation_level=None)\n"
        "    try:\n"
        "        other.execute('BEGIN IMMEDIATE'); locked = False; other.execute('ROLLBACK')\n"
        "    except sqlite3.OperationalError as error:\n"
        "        locked = 'locked' in str(error)\n"
        "    other.close()\n"
        "print(json.dumps({'journal': journal, 'busy': busy, 'locked': locked,"
        " 'mode': connection.settings_dict['OPTIONS'].get('transaction_mode')}))"
    )
    result = run_django(code, DEBUG="1", DATABASE_URL=f"sqlite:///{db_file}")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["journal"] == "wal"
    assert values["busy"] > 0
    assert values["mode"] == "IMMEDIATE"
    assert values["locked"] is True
    # WAL is a property of the file: it persists for any other process opening it.
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# --- Celery -------------------------------------------------------------------------------------------------


def test_celery_app_is_configured_for_at_least_once_json_tasks():
    from factcheck.celery import app

    conf = app.conf
    assert conf.task_serializer == "json"
    assert list(conf.accept_content) == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_ignore_result is True
    assert conf.task_time_limit and conf.task_soft_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert conf.broker_url == settings.CELERY_BROKER_URL
