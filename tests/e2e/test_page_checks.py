"""Every page type, in French and in English: axe-core (WCAG 2.1 AA), the Nu Html
Checker and the browser's Content-Security-Policy reports, with zero findings."""

import re

import pytest
from django.utils import translation

from tests.e2e.browser import axe_violations, vnu_errors
from tests.e2e.pages import PAGE_TYPES, build_site_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["fr", "en"]


def test_every_page_type_passes_axe_vnu_and_csp(web, settings, tmp_path):
    settings.ROOT_URLCONF = "tests.e2e.urls"
    data = build_site_data()
    users = {"anonymous": None, "member": data.member, "coordinator": data.coordinator}
    checked = {role: web.new_page(user=user) for role, user in users.items()}
    for_axe = {role: web.new_page(user=user, for_axe=True) for role, user in users.items()}
    problems = []
    saved = {}
    for language in LANGUAGES:
        for page_type in PAGE_TYPES:
            with translation.override(language):
                path = page_type.path(data)
            label = f"{page_type.name} [{language}] {path}"
            response = checked[page_type.role].goto(web.url(path), wait_until="load")
            if response.status != page_type.status:
                problems.append(f"{label}: status {response.status}, not {page_type.status}")
            file = (
                tmp_path / f"{language}-{re.sub(r'[^a-z0-9]+', '-', page_type.name.lower())}.html"
            )
            file.write_text(response.text(), encoding="utf-8")
            saved[file.name] = label
            problems += [f"{label}: {problem}" for problem in web.take_problems()]

            for_axe[page_type.role].goto(web.url(path), wait_until="load")
            violations = axe_violations(for_axe[page_type.role])
            if violations:
                problems.append(f"{label}: axe-core\n  " + "\n  ".join(violations))
    web.keep_on_failure(tmp_path)

    for name, errors in vnu_errors(sorted(tmp_path.glob("*.html"))).items():
        problems.append(f"{saved[name]}: Nu Html Checker ({name})\n  " + "\n  ".join(errors))
    assert not problems, "\n".join(problems)
