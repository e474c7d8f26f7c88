"""Create an account for the office: staff (petugas), admin or head of office (kepala).

    python manage.py create_office_user NAME --role admin --full-name "…" [--email …]

The password is asked for twice on a terminal. Without one (a script, ssh without -t, a pipe) it
comes from the environment variable RK_NEW_USER_PASSWORD, or from the first line of standard input
with --password-stdin:

    printf '%s\n' "$PASSWORD" | python manage.py create_office_user NAME --role staff --full-name "…" --password-stdin
"""
import getpass
import os
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import User
from accounts.roles import Role


class Command(BaseCommand):
    help = "Create a staff, admin or head-of-office account."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=[Role.STAFF, Role.ADMIN, Role.MANAGER], required=True)
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from the first line of standard input."
        )

    def handle(self, *args, username, role, full_name, email, password_stdin=False, **options):
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"The username {username!r} is taken.")
        password = self.password(password_stdin)
        user = User(username=username, name=full_name, email=email)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        services.user_set_role(user=user, role=role)
        self.stdout.write(self.style.SUCCESS(f"Created {username} ({Role(role).label})."))

    def password(self, from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        elif os.environ.get("RK_NEW_USER_PASSWORD"):
            password = os.environ["RK_NEW_USER_PASSWORD"]
        elif sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("The two passwords differ.")
        else:
            raise CommandError(
                "No terminal to ask for the password: pass it in RK_NEW_USER_PASSWORD or on standard input "
                "with --password-stdin."
            )
        if not password:
            raise CommandError("The password is empty.")
        return password
