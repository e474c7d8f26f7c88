"""Create an account for the office: staff (petugas), admin or head of office (kepala).

    python manage.py create_office_user NAME --role admin --full-name "…" [--email …]

The password is asked for on the terminal (or read from RK_NEW_USER_PASSWORD for scripts).
"""
import getpass
import os

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

    def handle(self, *args, username, role, full_name, email, **options):
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"The username {username!r} is taken.")
        password = os.environ.get("RK_NEW_USER_PASSWORD") or getpass.getpass("Password: ")
        user = User(username=username, name=full_name, email=email)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        services.user_set_role(user=user, role=role)
        self.stdout.write(self.style.SUCCESS(f"Created {username} ({Role(role).label})."))
