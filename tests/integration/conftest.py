"""Real processes for integration tests: a Redis server of the test's own on a free loopback port, Celery worker
and beat processes against it, sharing the test database.

They need Redis (the `redis-server` binary) and a database another process can open (PostgreSQL; the in-memory
SQLite of `make test` is private to the test process): without them they skip on a laptop and fail in CI.

The test database is transactional (other processes must see what the test commits), so a transactional test
before this one may have flushed the rows the data migrations made: `integration_ready` makes policy v1 again, and
`replay_data_migration` the rest a test needs (they are idempotent). Worker and beat processes are stopped before
the database is flushed at the end of the test (`start_celery` depends on `integration_ready`), so no process holds
a lock then. Each xdist worker has its own test database (pytest-django) and each test its own Redis port.
"""

import contextlib
import importlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import connection

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class RedisServer:
    """A throwaway redis-server on 127.0.0.1:<free port>, never the machine's shared one.

    `stop()` and `start()` again keep the port, so clients configured with `url` find it back: while the server is
    down the port stays bound (not listening) by a placeholder socket, so connections are refused and no other
    process (another xdist worker's Redis, say) is given the port meanwhile.
    """

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="fc-redis-")
        self.process = None
        self.placeholder = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self._release_port()
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir, "--logfile", os.path.join(self.dir, "redis.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.ping, 10, interval=0.05, what=f"redis on port {self.port}")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, db=0, socket_timeout=5)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None
        wait_until(lambda: not self.ping(), 5, interval=0.05, what=f"redis on port {self.port} to stop")
        if self.placeholder is None:
            self.placeholder = socket.socket()
            self.placeholder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.placeholder.bind(("127.0.0.1", self.port))

    def _release_port(self):
        if self.placeholder is not None:
            self.placeholder.close()
            self.placeholder = None

    def close(self):
        self.stop()
        self._release_port()
        shutil.rmtree(self.dir, ignore_errors=True)


class CeleryProcess:
    """`celery -A factcheck worker|beat` in its own process group, with the test's database and broker."""

    def __init__(self, kind: str, env: dict, log_path: Path, extra: list[str] = ()):
        args = [sys.executable, "-m", "celery", "-A", "factcheck", kind, "--loglevel=INFO", *extra]
        self.kind = kind
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, text: str, timeout: float = 60) -> str:
        """Wait until the log contains `text`; fail early, with the log, if the process died."""

        def seen():
            if text in self.output():
                return True
            if self.process.poll() is not None:
                raise AssertionError(f"celery {self.kind} exited ({self.process.returncode}):\n{self.output()}")
            return False

        try:
            wait_until(seen, timeout, interval=0.1, what=f"{text!r} in the {self.kind} log")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- {self.log_path.name} ---\n{self.output()}") from None
        return self.output()

    def kill(self):
        """SIGKILL the whole group: the worker's main process and its pool children die mid-task."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def replay_data_migration(app_label: str, migration: str, function: str) -> None:
    """Run a data migration's forward function again, on the current models (claims' data migrations are
    idempotent). Serialized rollback would restore them too, but clashes with the content types that the flush of
    an earlier transactional test re-creates."""
    module = importlib.import_module(f"{app_label}.migrations.{migration}")
    getattr(module, function)(apps, None)


@pytest.fixture
def integration_ready(transactional_db):
    require_service("redis-server", shutil.which("redis-server") is not None, "the binary is not installed")
    require_service(
        "PostgreSQL",
        connection.vendor == "postgresql",
        "worker processes must open the test database; set DATABASE_URL to PostgreSQL",
    )
    replay_data_migration("claims", "0003_policy_v1", "create_policy_v1")  # every check needs the active policy


@pytest.fixture
def redis_server(integration_ready):
    server = RedisServer()
    yield server
    server.close()


def process_env(broker_url: str, **extra) -> dict:
    """The environment of a worker or beat: the test database (by its test name), the test's broker."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "postgres", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    database_url = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings_test",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "PYTHONUNBUFFERED": "1",
        **{key: str(value) for key, value in extra.items()},
    }
    return env


# A worker as production runs it (prefork, acks_late from settings), minus the cluster chatter a lone test
# worker does not need and that only slows its start.
WORKER_ARGS = ["--pool=prefork", "--without-mingle", "--without-gossip", "--without-heartbeat"]


@pytest.fixture
def start_celery(integration_ready, tmp_path):
    """start(kind, broker_url, extra_args=(), **env): a worker or beat process, stopped at the end of the test."""
    started: list[CeleryProcess] = []

    def start(kind: str, broker_url: str, extra_args=(), **env_extra) -> CeleryProcess:
        n = len(started)
        extra = list(extra_args)
        if kind == "worker":
            extra = [*WORKER_ARGS, f"--hostname=worker{n}@%h", *extra]
        elif kind == "beat":
            extra = [
                "--scheduler=django_celery_beat.schedulers:DatabaseScheduler",
                f"--pidfile={tmp_path / f'beat-{n}.pid'}",
                f"--schedule={tmp_path / f'beat-{n}.schedule'}",
                *extra,
            ]
        process = CeleryProcess(kind, process_env(broker_url, **env_extra), tmp_path / f"{kind}-{n}.log", extra)
        started.append(process)
        return process

    yield start
    for process in reversed(started):
        process.stop()


@contextlib.contextmanager
def _app_broker(url: str):
    from factcheck.celery import app

    def drop_connections():
        # The app pools its broker connections (and producers on them); a new URL needs new ones.
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        amqp = app.__dict__.get("amqp")
        if amqp is not None:
            amqp._producer_pool = None

    # Celery reads CELERY_BROKER_URL from the environment before its configuration (settings_test sets it).
    before = app.conf.broker_url, os.environ.get("CELERY_BROKER_URL")
    drop_connections()
    os.environ["CELERY_BROKER_URL"] = app.conf.broker_url = url
    try:
        yield app
    finally:
        drop_connections()
        app.conf.broker_url = before[0]
        if before[1] is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = before[1]


@pytest.fixture
def app_broker(redis_server):
    """The test process's Celery app publishes to the test's Redis (enqueue after commit, webhooks, `.delay()`)."""
    with _app_broker(redis_server.url) as app:
        yield app
