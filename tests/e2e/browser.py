"""The browser side of the e2e tests: pages with a CSP listener, axe-core, the Nu checker."""

import json
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_PATH = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Runs in every document of a checked context before the page's own scripts;
# the exposed function reaches Python even when the policy blocks everything else.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__espriCspViolation({
    page: document.location.href,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
  });
});
"""

AXE_RUN = """
async (tags) => {
  const results = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => node.target.join(" ") + ": " + node.failureSummary),
  }));
}
"""


def session_cookie(user, url):
    """The session cookie of ``user`` logged in, for a browser context."""
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": url}


class Web:
    """Opens pages on the live server and remembers what went wrong in them."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.pages = []
        self.contexts = []
        self.kept = []
        self.csp_violations = []
        self.script_errors = []

    def url(self, path):
        return self.base_url + path

    def new_page(self, *, user=None, for_axe=False, **context_options):
        """A page in a new context, logged in as ``user`` if given.

        ``for_axe`` contexts ignore the CSP so that axe can be injected; the others
        report every violation to ``csp_violations``.
        """
        context = self.browser.new_context(
            base_url=self.base_url, bypass_csp=for_axe, **context_options
        )
        self.contexts.append(context)
        # Locators wait this long for an element: a broken page fails in seconds, not minutes.
        context.set_default_timeout(10_000)
        if user is not None:
            context.add_cookies([session_cookie(user, self.base_url)])
        if not for_axe:
            context.expose_function("__espriCspViolation", self._record_csp_violation)
            context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        page.on("pageerror", lambda error: self.script_errors.append(f"{page.url}: {error}"))
        self.pages.append(page)
        return page

    def _record_csp_violation(self, violation):
        self.csp_violations.append(violation)

    def take_problems(self):
        """CSP violations and script errors seen since the last call, as lines."""
        problems = [
            f"CSP violation on {v['page']}: {v['directive']} blocked {v['blocked'] or '?'} "
            f"({v['source']}) {v['sample']}"
            for v in self.csp_violations
        ]
        problems += [f"script error on {error}" for error in self.script_errors]
        self.csp_violations.clear()
        self.script_errors.clear()
        return problems

    def keep_on_failure(self, folder):
        """Copy ``folder`` into the test's artefacts if the test fails."""
        self.kept.append(folder)

    def close(self):
        for context in self.contexts:
            context.close()


def axe_violations(page):
    """axe-core's WCAG 2.1 A/AA violations on the page, as readable lines."""
    if not AXE_PATH.exists():
        raise RuntimeError(f"{AXE_PATH} is missing: run `npm ci` at the repository root.")
    page.add_script_tag(path=AXE_PATH)
    lines = []
    for violation in page.evaluate(AXE_RUN, WCAG_TAGS):
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines += [f"    {node}" for node in violation["nodes"]]
    return lines


def vnu_errors(files):
    """Errors of the Nu Html Checker, by file, for all files in one Java start."""
    if not VNU_PATH.exists():
        raise RuntimeError(f"{VNU_PATH} is missing: run `npm ci` at the repository root.")
    java = shutil.which("java") or "/usr/bin/java"
    completed = subprocess.run(
        [java, "-jar", str(VNU_PATH), "--format", "json", "--errors-only", "--stdout"]
        + [str(path) for path in files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(completed.stdout)["messages"]
    except (json.JSONDecodeError, KeyError) as error:
        raise RuntimeError(f"vnu gave no report: {completed.stderr or completed.stdout}") from error
    errors = {}
    for message in messages:
        name = Path(message.get("url", "?").removeprefix("file:")).name
        where = f"line {message.get('lastLine', '?')}"
        errors.setdefault(name, []).append(
            f"{where}: {message['message']} [{message.get('extract', '').strip()}]"
        )
    return errors


def submit(page, action):
    """Run ``action`` (a click or a key press that sends a form) and wait for the page it
    leads to, so that what the server stored can be read right after."""
    with page.expect_navigation():
        action()
