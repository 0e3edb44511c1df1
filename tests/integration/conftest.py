"""Real processes for integration tests: a Redis server of the test's own on a free loopback port, Celery worker
and beat processes against it, sharing the test database.

They need Redis (the `redis-server` binary) and a database another process can open (PostgreSQL; the in-memory
SQLite of `make test` is private to the test process): without them they skip on a laptop and fail in CI.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
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
    """A throwaway redis-server on 127.0.0.1:<free port>, never the machine's shared one."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="fc-redis-")
        self.process = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.ping, 10, what=f"redis on port {self.port}")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class CeleryProcess:
    """`celery -A factcheck worker|beat` in its own process group, with the test's database and broker."""

    def __init__(self, kind: str, env: dict, log_path: Path, extra: list[str] = ()):
        args = [sys.executable, "-m", "celery", "-A", "factcheck", kind, "--loglevel=INFO", *extra]
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

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


@pytest.fixture
def integration_ready(transactional_db):
    require_service("redis-server", shutil.which("redis-server") is not None, "the binary is not installed")
    require_service(
        "PostgreSQL",
        connection.vendor == "postgresql",
        "worker processes must open the test database; set DATABASE_URL to PostgreSQL",
    )


@pytest.fixture
def redis_server(integration_ready):
    server = RedisServer()
    yield server
    server.close()


def process_env(broker_url: str, **extra) -> dict:
    """The environment of a worker or beat: the test database (by its test name), the test's broker."""
    db = connection.settings_dict
    database_url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings_test",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "PYTHONUNBUFFERED": "1",
        **{key: str(value) for key, value in extra.items()},
    }
    return env


@pytest.fixture
def start_celery(tmp_path):
    started: list[CeleryProcess] = []

    def start(kind: str, broker_url: str, extra_args=(), **env_extra) -> CeleryProcess:
        process = CeleryProcess(kind, process_env(broker_url, **env_extra), tmp_path / f"{kind}-{len(started)}.log", list(extra_args))
        started.append(process)
        return process

    yield start
    for process in reversed(started):
        process.stop()
