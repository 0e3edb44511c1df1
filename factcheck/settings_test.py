"""Settings for the test suite: the real settings, with the environment a test run needs filled in.

Only what a developer's shell may lack is defaulted here; DATABASE_URL and the rest still come from the
environment, so CI runs this same suite on PostgreSQL.
"""

import os

# Tests never need a real secret; production refuses to start without one (see settings.py).
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# A unit test that enqueues must not need a broker process; integration tests start a real worker and Redis.
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
# WhiteNoise would scan STATIC_ROOT, which only `collectstatic` creates; in tests it serves from the finders.
WHITENOISE_AUTOREFRESH = True
# The suite makes thousands of anonymous requests; the throttling test sets its own low rate.
FACTCHECK_API_ANON_RATE = "100000/min"
# Integration tests' worker processes fetch from local test servers on high ports; never set in production.
if os.environ.get("FACTCHECK_TEST_FETCH_LOOPBACK"):
    FETCH_ALLOW_LOOPBACK = True
    FETCH_ALLOWED_PORTS = None
