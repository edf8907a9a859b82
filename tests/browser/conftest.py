"""Browser fixtures: the app served on loopback, driven by Debian's Chromium through Playwright.

Plain sync fixtures (pytest-playwright's plugin warns under -W error). The live app has CSRF on,
a SQLite file of its own, and an emptied database after each test. Screenshots go to
artifacts/screenshots/ (CI keeps them).
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from mediation import create_app
from mediation.extensions import db as _db
from tests.conftest import build_tree

CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if Path(p).exists()), None)
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("live")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir / 'live.db'}",
                      "DATA_DIR": data_dir, "SECRET_KEY": "browser-secret",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "ENCRYPTION_KEY": "browser-key",
                      "MEDIATION": {"limits": {"ratelimit_enabled": False}}})
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()


@pytest.fixture
def live(live_app):
    """The live app in an app context with the demo tree; `live.url`, `live.tree`; wiped afterwards."""
    with live_app.app_context():
        tree = build_tree()
        live_app.tree = tree
        live_app.url = live_app.config["LIVE_URL"]
        yield live_app
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.fail("Chromium is not installed: run scripts/install.sh --with-browser (Debian package chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()


def _page(browser, options, lang):
    context = browser.new_context(**options, locale="zh-CN" if lang == "zh" else "en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def phone_page(browser):
    context, page = _page(browser, PHONE, "zh")
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser):
    context, page = _page(browser, DESKTOP, "zh")
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, "name") saves artifacts/screenshots/name.png (full page)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return take


