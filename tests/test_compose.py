"""Docker cannot run on the build machine, so the compose file is checked as data: services, commands, env."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services():
    services = _compose()["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"


def test_app_services_share_one_image_built_from_the_dockerfile():
    services = _compose()["services"]
    images = {services[name]["image"] for name in ("web", "worker", "beat")}
    assert images == {"factcheck:latest"}
    assert all(services[name]["build"] == "." for name in ("web", "worker", "beat"))
    assert (ROOT / "Dockerfile").read_text().startswith("# One image")


def test_app_commands_run_gunicorn_worker_and_beat():
    services = _compose()["services"]
    assert "gunicorn factcheck.wsgi:application" in services["web"]["command"]
    assert "migrate" in services["web"]["command"]
    worker = " ".join(services["worker"]["command"])
    beat = " ".join(services["beat"]["command"])
    assert worker.startswith("celery -A factcheck worker")
    assert beat.startswith("celery -A factcheck beat") and "DatabaseScheduler" in beat


def test_app_services_are_configured_through_the_environment():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert env["DEBUG"] == "0"
        assert "SECRET_KEY" in env and "?" in env["SECRET_KEY"]  # required, no default
        assert set(services[name]["depends_on"]) == {"db", "redis"}
