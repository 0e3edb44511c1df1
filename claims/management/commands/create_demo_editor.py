"""Create (or reset) the demo editor: `python manage.py create_demo_editor [--password P] [--force]`.

The password is known (a default, --password or DEMO_EDITOR_PASSWORD), so the command refuses to run
with DEBUG off unless --force is given: a known password must never reach production by accident.
"""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

USERNAME = "editor"
DEFAULT_PASSWORD = "editor-demo-pass"
PASSWORD_ENV = "DEMO_EDITOR_PASSWORD"
EDITORS_GROUP = "Editors"


class Command(BaseCommand):
    help = "Create or reset the demo editor (staff, in Editors, not a superuser) with an API token. DEBUG only."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=f"The editor's password (default: ${PASSWORD_ENV}, else {DEFAULT_PASSWORD!r}).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. Only for a throwaway deployment: the password is known.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "create_demo_editor makes an account with a known password and refuses to run with DEBUG off. "
                "Pass --force only on a throwaway deployment."
            )
        password = options["password"] or os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD
        group = Group.objects.filter(name=EDITORS_GROUP).first()
        if group is None:
            raise CommandError(f"The {EDITORS_GROUP!r} group does not exist; run `manage.py migrate` first.")

        with transaction.atomic():
            user, _ = get_user_model().objects.get_or_create(username=USERNAME)
            user.is_staff = True
            user.is_superuser = False
            user.is_active = True
            user.set_password(password)
            user.save()
            user.groups.add(group)
            token, _ = Token.objects.get_or_create(user=user)

        self.stdout.write(
            f"Demo editor: log in at http://127.0.0.1:8000/admin/ as {USERNAME} / {password}; API token: {token.key}"
        )
