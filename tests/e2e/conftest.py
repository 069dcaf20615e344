"""Browser tests: Chromium driven by Playwright against pytest-django's live server.

Each test gets ``web`` (see ``tests.e2e.browser.Web``): pages opened through it
record Content-Security-Policy violations and script errors, and are screenshotted
into ``test-artifacts/<test>/`` when the test fails.
"""

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import sync_playwright

from tests.e2e.browser import CHROMIUM_ARGS, CHROMIUM_PATH, Web

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WEB_KEY = pytest.StashKey[Web]()


@pytest.fixture(scope="session")
def chromium():
    # Playwright's sync API keeps an asyncio loop in this thread; the ORM calls the
    # tests make between two browser steps are still plain synchronous code.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(_static_files_without_collectstatic, live_server):
    return live_server


@pytest.fixture(scope="session")
def _static_files_without_collectstatic():
    # The server starts once for the session, before tests/conftest.py's per-test
    # settings apply: it needs the same static set-up from the start.
    storages = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(
        STORAGES=storages, WHITENOISE_AUTOREFRESH=True, WHITENOISE_USE_FINDERS=True
    ):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits and the docs page cache live in the cache, which no flush empties.
    cache.clear()


@pytest.fixture
def web(request, chromium, live_server, settings):
    # Links in emails are built from the site's configured address: here, the test server.
    settings.ESPRI_SITE_URL = live_server.url
    helper = Web(chromium, live_server.url)
    request.node.stash[WEB_KEY] = helper
    yield helper
    # What a journey met after its last check (a check takes what it reports).
    problems = helper.take_problems()
    if problems:
        save_artefacts(request.node, helper)
    helper.close()
    assert not problems, "\n".join(problems)


def save_artefacts(item, web):
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for number, page in enumerate(web.pages, start=1):
        if page.is_closed():
            continue
        page.screenshot(path=folder / f"page{number}.png", full_page=True)
        (folder / f"page{number}.html").write_text(page.content(), encoding="utf-8")
    for kept in web.kept:
        shutil.copytree(kept, folder / kept.name)
    print(f"\nBrowser artefacts of {item.nodeid}: {folder}")
    return folder


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    web = item.stash.get(WEB_KEY, None)
    if report.failed and web is not None and report.when == "call":
        folder = save_artefacts(item, web)
        report.sections.append(("browser artefacts", f"screenshots and HTML in {folder}"))
    return report
