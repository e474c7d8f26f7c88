"""Real-browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Playwright's sync API runs an event loop in this thread, so Django's async-safety check must be
relaxed here (and only here). Chromium comes from Debian (`/usr/bin/chromium`; `.ci/run` installs it):
the browsers Playwright would download cannot be fetched on this network.
"""
import io
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("RK_CHROMIUM", "/usr/bin/chromium")
# `make screenshots` refreshes the pictures in docs/screenshots (shown in the README); ordinary test runs
# write them to a temporary folder so that they do not touch the work tree.
SCREENSHOTS = (
    Path(settings.BASE_DIR) / "docs" / "screenshots"
    if os.environ.get("RK_SAVE_SCREENSHOTS") == "1"
    else Path(os.environ.get("TMPDIR", "/tmp")) / "rk-screenshots"
)
AXE = Path(__file__).with_name("axe.min.js")
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing (CI=true: the browser tests must run)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, live_server, reference_data):
    # bypass_csp only so that the axe-core check can be injected; the policy itself is tested in tests/core.
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="id-ID", accept_downloads=True, bypass_csp=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.viewport_name = request.param
    page.base = live_server.url
    yield page
    context.close()


def shot(page, name: str) -> None:
    """Save a full-page screenshot as <name>-<viewport>.png (see SCREENSHOTS)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{page.viewport_name}.png"), full_page=True)


def check_accessibility(page) -> None:
    """axe-core, injected from the npm package's file: no serious or critical violation."""
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{page.url}:\n" + "\n".join(bad)


def sign_in(page, username: str, password: str) -> None:
    page.goto(page.base + "/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#submit-id-submit")
    page.wait_for_load_state()


@pytest.fixture
def photo_file(tmp_path):
    path = tmp_path / "produk.jpg"
    image = Image.new("RGB", (800, 600), "#c9a66b")
    out = io.BytesIO()
    image.save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path
