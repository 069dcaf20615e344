"""The checkers themselves: each one reports a planted fault, so a clean run means something."""

import time

import pytest

from tests.e2e.browser import axe_violations, vnu_errors

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_csp_listener_reports_an_injected_inline_script(web):
    page = web.new_page()
    page.goto(web.url("/en/"))
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.append(s); }"
    )
    deadline = time.monotonic() + 5
    while not web.csp_violations and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    problems = web.take_problems()
    assert len(problems) == 1
    assert "script-src" in problems[0]
    assert page.evaluate("window.injected") is None


def test_axe_reports_an_image_without_a_text_alternative(web):
    page = web.new_page(for_axe=True)
    page.goto(web.url("/en/"))
    page.evaluate(
        "() => { const img = document.createElement('img');"
        " img.src = '/static/img/favicon.svg'; document.querySelector('main').append(img); }"
    )
    violations = axe_violations(page)
    assert violations[0].startswith("image-alt (critical)")


def test_nu_checker_reports_a_duplicate_id(tmp_path):
    good, bad = tmp_path / "good.html", tmp_path / "bad.html"
    head = '<!DOCTYPE html><html lang="fr"><head><title>t</title></head><body>'
    good.write_text(head + '<p id="a">un</p></body></html>')
    bad.write_text(head + '<p id="a">un</p><p id="a">deux</p></body></html>')
    errors = vnu_errors([good, bad])
    assert list(errors) == ["bad.html"]
    assert "Duplicate ID" in errors["bad.html"][0]
