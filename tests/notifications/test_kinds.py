"""Every notification kind renders in both languages, and code names kinds (and booking actions) by
their choices: a misspelling fails here, during development, never inside a person's transaction."""
import ast
import datetime
from types import SimpleNamespace
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from bookings.services import booking_submit
from bookings.workflow import Action
from notifications.checks import kinds_have_templates
from notifications.models import Notification
from notifications.services import notify, render

ROOT = Path(__file__).resolve().parent.parent.parent
APPS = [p.parent for p in ROOT.glob("*/__init__.py") if p.parent.name not in {"tests", "benchmarks", "scripts"}]
MISSING = "<<MISSING %s>>"


@pytest.fixture
def strict_templates(settings):
    """Templates that show a variable they could not find, instead of an empty string."""
    templates = [dict(t, OPTIONS={**t["OPTIONS"], "string_if_invalid": MISSING}) for t in settings.TEMPLATES]
    settings.TEMPLATES = templates


@pytest.mark.parametrize("kind", Notification.Kind.values)
def test_every_kind_renders_in_both_languages(kind, strict_templates, owner, product, pouch):
    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    booking.queue_position, booking.estimated_start = 2, datetime.date(2026, 12, 1)
    context = {
        "recipient": owner, "booking": booking, "status": "Verified", "note": "Tolong cek warna", "version": 2,
        "old_date": datetime.date(2026, 12, 3), "day": timezone.localdate(), "new": 1, "due": 2, "overdue": 3,
        "waiting": 4, "person": owner, "reason": "Tidak dipakai lagi",
        "tracking_url": "https://rumahkemasan.example/lacak/abc", "claim_url": "https://rumahkemasan.example/klaim/xyz",
        "channel": "counter", "code": "123456", "minutes": 10,
        "uid": "MQ", "token": "cz4k-0123456789abcdef", "protocol": "https", "domain": "rumahkemasan.example",
        "quotation": SimpleNamespace(version=2, total=1_250_000),
        "entry": SimpleNamespace(amount=500_000, receipt_code="KW-2026-00007"),
        "claim": SimpleNamespace(amount=500_000, reason="Nominal tidak cocok", payer_name="Ina"), "amount": 250_000,
        "material": SimpleNamespace(name="Pouch 12×20", minimum_stock=200, get_unit_display=lambda: "lembar"),
        "available": 150,
    }
    texts = {language: render(kind, context, language) for language in ("id", "en")}
    for language, (subject, body) in texts.items():
        assert subject and body, (language, subject, body)
        assert "MISSING" not in subject + body, (language, subject, body)
    assert texts["id"] != texts["en"], "the Indonesian text is missing from the catalogue"


def test_every_kind_has_a_template_by_system_check():
    assert kinds_have_templates() == []


def test_the_system_check_runs_with_manage_py_check():
    call_command("check")  # raises SystemCheckError if a kind had no template


def _members_named(choices: str, aliases_from) -> list[tuple[str, int, str]]:
    """(file, line, member) for every ``<choices>.<MEMBER>`` in the apps' code that means our class:
    ``Notification.Kind.X`` / ``workflow.Action.X``, or the bare name where the module binds it to ours
    (``Kind = Notification.Kind``, ``from bookings.workflow import Action``). Other apps' classes of the
    same name (``AccountEvent.Action``, ``OutreachRecord.Kind``) are theirs."""
    hits = []
    for app in APPS:
        for path in app.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            bare = aliases_from(tree, path)
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Attribute) and node.attr.isupper()):
                    continue
                value = node.value
                ours = (isinstance(value, ast.Name) and value.id == choices and bare) or (
                    isinstance(value, ast.Attribute) and value.attr == choices
                    and isinstance(value.value, ast.Name) and value.value.id in {"Notification", "workflow"}
                )
                if ours:
                    hits.append((str(path.relative_to(ROOT)), node.lineno, node.attr))
    return hits


def _binds_kind(tree, path) -> bool:
    return any(
        isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "Kind" for t in node.targets)
        and ast.unparse(node.value) == "Notification.Kind"
        for node in ast.walk(tree)
    )


def _binds_action(tree, path) -> bool:
    if path.relative_to(ROOT).as_posix() == "bookings/workflow.py":
        return True
    return any(
        isinstance(node, ast.ImportFrom) and node.module == "bookings.workflow" and any(a.name == "Action" for a in node.names)
        for node in ast.walk(tree)
    )


def test_kinds_named_in_code_exist():
    hits = _members_named("Kind", _binds_kind)
    assert len(hits) >= len(Notification.Kind) - 2  # the scan finds the uses (not an empty pass)
    assert [hit for hit in hits if hit[2] not in Notification.Kind.names] == []


def test_actions_named_in_code_exist():
    hits = _members_named("Action", _binds_action)
    assert len(hits) >= 10
    assert [hit for hit in hits if hit[2] not in Action.names] == []


def test_no_call_passes_a_kind_or_an_action_as_a_bare_string():
    """``notify(kind="…")`` or ``events.record(action="…")`` would bypass the names checked above."""
    bare = []
    for app in APPS:
        for path in app.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                    for keyword in node.keywords:
                        literal = isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str)
                        if literal and (name, keyword.arg) in {("notify", "kind"), ("record", "action")}:
                            bare.append((str(path.relative_to(ROOT)), node.lineno))
    assert bare == []


def test_an_unknown_kind_never_fails_the_caller(owner, caplog):
    assert notify(recipient=owner, kind="proof_snet", context={}) == []
    assert not Notification.objects.filter(recipient=owner).exists()
    assert "Unknown notification kind 'proof_snet'" in caplog.text
