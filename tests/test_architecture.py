"""The layers of the apps (.importlinter, docs/architecture.md) and the rules that keep them honest."""
import ast
import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
NOT_APPS = {"tests", "benchmarks", "scripts", "deploy", "docs", "static", "templates", "locale"}


def local_packages() -> set[str]:
    return {p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in NOT_APPS}


def contract_config() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return config


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_every_app_is_named_in_the_contracts():
    """A new app must take its place in the layers: import-linter only looks at the listed packages."""
    config = contract_config()
    roots = set(config["importlinter"]["root_packages"].split())
    layers = config["importlinter:contract:layers"]["layers"]
    assert local_packages() <= roots, f"add {sorted(local_packages() - roots)} to root_packages in .importlinter"
    for package in local_packages():
        assert package in layers, f"give {package} its layer in .importlinter"


def test_the_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    "importer, line, contract",
    [
        ("core/formatting.py", "import accounts.models", "core is a foundation"),
        ("notifications/services.py", "from bookings import workflow", "knows no booking"),
        ("accounts/selectors.py", "from products.models import Product", "Apps import only downwards"),
        ("payments/models.py", "import materials.models", "Apps import only downwards"),  # siblings
    ],
)
def test_a_wrong_import_breaks_the_contracts(tmp_path, importer, line, contract):
    """The same check on a copy of the code with one import pointing up: lint-imports must fail."""
    for package in local_packages():
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    assert lint_imports(tmp_path).returncode == 0  # the copy alone is fine
    target = tmp_path / importer
    target.write_text(target.read_text() + f"\n{line}  # wrong on purpose\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout, result.stdout


# Imports inside functions: only where importing at the top cannot work. Each is commented in place.
ALLOWED_LOCAL_IMPORTS = {
    # AppConfig.ready and post_migrate handlers run before/while models may be imported.
    ("accounts/apps.py", "django.contrib.auth.models"),
    ("bookings/apps.py", "accounts.services"),
    ("bookings/apps.py", "bookings.selectors"),
    ("notifications/apps.py", "notifications"),
    # core/heartbeats.py is imported by rumah_kemasan/celery.py before Django is set up: its model later.
    ("core/heartbeats.py", "core.models"),
    ("payments/apps.py", "bookings"),
    ("payments/apps.py", "payments"),
    ("materials/apps.py", "bookings"),
    ("materials/apps.py", "materials"),
    ("reports/apps.py", "bookings"),
    ("reports/apps.py", "reports"),
}


def test_no_import_hides_inside_a_function():
    found = set()
    for package in local_packages():
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    for inner in ast.walk(node):
                        if isinstance(inner, ast.ImportFrom):
                            found.add((str(path.relative_to(ROOT)), inner.module or "."))
                        elif isinstance(inner, ast.Import):
                            found.update((str(path.relative_to(ROOT)), a.name) for a in inner.names)
    assert found - ALLOWED_LOCAL_IMPORTS == set()


def test_templates_ask_the_model_instead_of_comparing_stored_values():
    """``booking.needs_info``, not ``booking.status == "perlu_dilengkapi"``: a renamed value would
    silently turn such a comparison false."""
    import re

    compare = re.compile(r"""\.(status|decision|validity|fee_mode|kind|channel|action|workflow)(\.value)?\s*[!=]=\s*["']""")
    membership = re.compile(r"""["'][a-z_]+["']\s+(not\s+)?in\s+can\b""")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in [*(ROOT / "templates").rglob("*.html"), *ROOT.glob("*/templates/**/*.html")]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if compare.search(line) or membership.search(line)
    ]
    assert found == []


def layer_rank() -> dict[str, int]:
    """App label -> its floor in the layers contract (0 is the top)."""
    layers = contract_config()["importlinter:contract:layers"]["layers"]
    ranks = {}
    for index, line in enumerate(l for l in layers.splitlines() if l.strip()):
        for app in line.replace("|", " ").replace("(", " ").replace(")", " ").split():
            ranks[app] = index
    return ranks


# Relations that point up on purpose (docs/architecture.md, "Known gaps"):
UPWARD_ALLOWED = {
    # A permit belongs to a business or to one of its products (P-IRT, halal): the documents of both
    # levels are one model so that legality rules (accounts/legality.py) see them together.
    "accounts.LegalityDocument.product -> products",
}


def test_no_model_points_up_the_layers():
    """Relations declared by app label dodge the import contracts, so the models are checked too: a
    foreign key (or many-to-many, or one-to-one) only points to the same app or to a lower one. The
    generic outbox, for one, names what a message is about with a content type, not a booking. The
    user model (settings.AUTH_USER_MODEL, swappable) may be named from anywhere, as Django intends."""
    from django.apps import apps
    from django.conf import settings

    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    ranks = layer_rank()
    upward = []
    for model in apps.get_models():
        source = model._meta.app_label
        if source not in ranks:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model in (None, user_model):
                continue
            target = field.related_model._meta.app_label
            if target in ranks and ranks[target] < ranks[source]:
                upward.append(f"{source}.{model.__name__}.{field.name} -> {target}")
    assert sorted(set(upward) - UPWARD_ALLOWED) == []
    assert UPWARD_ALLOWED <= set(upward), "an allowed exception is gone: remove it from UPWARD_ALLOWED"
