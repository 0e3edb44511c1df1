"""The Celery app, wired the standard way: settings under the CELERY_ namespace, tasks found in each app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _ensure_filesystem_broker_folders(**_kwargs):
    # The filesystem transport does not create its folders; a fresh clone has none.
    from pathlib import Path

    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


app.on_after_configure.connect(_ensure_filesystem_broker_folders)


def transient_retry(*, base: int, cap: int, max_retries: int = 5) -> dict:
    """Task options for retrying transient database errors only: exponential backoff with full jitter."""
    from django.db import InterfaceError, OperationalError

    return {
        "autoretry_for": (OperationalError, InterfaceError),
        "retry_backoff": base,
        "retry_backoff_max": cap,
        "retry_jitter": True,
        "max_retries": max_retries,
    }


def backoff_with_jitter(retries: int, *, base: int, cap: int) -> int:
    """Seconds before an explicit retry: base, 2·base, 4·base … up to cap, with full jitter."""
    import random

    return random.randint(0, min(cap, base * 2**retries))
