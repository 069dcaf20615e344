"""The journeys that matter, in a real browser against the live server."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from kb.gpus.parsing import parse_report
from kb.models import DocPage, Event, Project, Registration
from kb.models.events import RegistrationStatus
from kb.services.gpus import ingest_report, register_node
from survey.models import Edition
from survey.services import (
    close_edition,
    find_response,
    store_anonymous_responses,
    stored_answers,
)
from tests.e2e.browser import axe_violations, submit, vnu_errors
from tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    UserFactory,
    build_edition,
    complete_answers,
    in_days,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CSV_HEADER = "index, uuid, name, memory.used [MiB], memory.total [MiB], utilization.gpu [%]\n"


def gpu_csv(memory_used_mib, utilization_percent):
    return CSV_HEADER + (
        f"0, GPU-5f3c1a2e-8b4d-4e61-9a7c-2d1e0f9b3a41, GeForce RTX 2080 Ti, "
        f"{memory_used_mib} MiB, 10989 MiB, {utilization_percent} %\n"
    )


def test_newcomer_signs_up_confirms_logs_in_and_switches_language(web, mailoutbox):
    page = web.new_page()
    page.goto(web.url("/en/"))
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("newcomer@lsce.ipsl.example")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    submit(page, page.get_by_role("main").get_by_role("button", name="Sign up").click)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify")

    assert [message.to for message in mailoutbox] == [["newcomer@lsce.ipsl.example"]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mailoutbox[0].body).group()
    page.goto(link)
    page.get_by_role("main").get_by_role("button", name="Confirm").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert page.url.endswith("/en/")

    # Back on the French site (the default), log in, then English and back.
    page.goto(web.url("/"))
    page.get_by_role("link", name="Se connecter").click()
    page.locator("#id_login").fill("newcomer@lsce.ipsl.example")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("main").locator("button[type=submit]").click()
    expect(page.get_by_role("link", name="Mon espace")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="My space")).to_be_visible()
    assert "/en/" in page.url
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("link", name="Mon espace")).to_be_visible()
    assert "/en/" not in page.url


def test_member_answers_resumes_submits_edits_and_reads_after_closing(web):
    edition = build_edition(2026)
    member = UserFactory()
    page = web.new_page(user=member)
    page.goto(web.url("/en/survey/"))
    page.get_by_role("link", name="Answer the survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice")
    page.get_by_label("Ocean").check()
    page.get_by_label("Jupyter").check()
    submit(page, page.get_by_role("button", name="Save and continue later").click)
    expect(page.get_by_text("Started, not submitted")).to_be_visible()

    page.goto(web.url("/en/"))
    page.goto(web.url("/en/survey/"))
    page.get_by_role("link", name="Continue where I left off").click()
    expect(page.get_by_label("Ocean")).to_be_checked()
    expect(page.get_by_label("Jupyter")).to_be_checked()
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You")
    page.get_by_role("group", name=re.compile("Question satisfaction")).get_by_label("4").check()
    page.get_by_label(re.compile("Question years")).fill("3")
    page.get_by_label(re.compile("Question remarks")).fill("More GPUs, please")
    page.get_by_role("button", name="Review my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review your answers")
    expect(page.get_by_role("main")).to_contain_text("More GPUs, please")
    submit(page, page.get_by_role("button", name="Submit my answers").click)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers")

    page.get_by_role("link", name="Change “You”").click()
    page.get_by_label(re.compile("Question remarks")).fill("Even more GPUs")
    submit(page, page.get_by_role("button", name="Save changes").click)
    response = find_response(edition=edition, user=member)
    assert response.submitted
    assert stored_answers(response)["remarks"] == {"text": "Even more GPUs"}

    close_edition(edition=edition)
    page.goto(web.url("/en/survey/2026/review/"))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Even more GPUs")
    expect(main.get_by_role("button")).to_have_count(0)
    expect(main.get_by_role("link", name=re.compile("^Change"))).to_have_count(0)
    page.goto(web.url("/en/survey/2026/step/2/"))
    expect(page).to_have_url(re.compile(r"/en/survey/2026/review/$"))
    expect(page.get_by_role("textbox")).to_have_count(0)


def test_coordinator_writes_a_doc_page_and_a_reader_copies_and_finds_it(web):
    coordinator = CoordinatorFactory()
    editor = web.new_page(user=coordinator)
    editor.goto(web.url("/en/docs/new/"))
    editor.get_by_label("Address").fill("reserver-gpu")
    editor.get_by_label("Title").fill("Réserver un GPU pour l’entraînement")
    editor.get_by_label("Summary").fill("Demander une carte à Slurm.")
    editor.get_by_label("Text").fill(
        "## Demander une carte\n\nLa mémoire du GPU est réservée à votre session.\n\n"
        "```bash\nsrun --gres=gpu:1 --pty bash\n```\n"
    )
    submit(editor, editor.get_by_role("button", name="Preview").click)
    expect(editor.locator(".preview pre")).to_have_text("srun --gres=gpu:1 --pty bash")
    assert not DocPage.objects.filter(path="reserver-gpu").exists()
    submit(editor, editor.get_by_role("button", name="Save").click)
    expect(editor.get_by_role("heading", level=1)).to_have_text(
        "Réserver un GPU pour l’entraînement"
    )

    reader = web.new_page()
    reader.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web.base_url)
    reader.goto(web.url("/en/docs/reserver-gpu/"))
    # The clipboard answers only the focused page, and the editor's page was opened first.
    reader.bring_to_front()
    # Found by its place, not its name: the name changes to "Copied".
    copy = reader.locator(".code-block").get_by_role("button")
    expect(copy).to_have_text("Copy")
    copy.click()
    expect(copy).to_have_text("Copied")
    expect(reader.locator(".copy-status")).to_have_text("Copied")
    assert reader.evaluate("navigator.clipboard.readText()") == "srun --gres=gpu:1 --pty bash"

    reader.get_by_label("Search the site").fill("memoire entrainement")
    reader.get_by_role("search").get_by_role("button", name="Search").click()
    expect(
        reader.get_by_role("main").get_by_role("link", name="Réserver un GPU pour l’entraînement")
    ).to_be_visible()


def test_coordinator_publishes_an_event_members_register_and_wait(web, mailoutbox):
    coordinator = CoordinatorFactory()
    first, second = UserFactory(), UserFactory()
    day = in_days(10).date().isoformat()
    page = web.new_page(user=coordinator)
    page.goto(web.url("/en/events/new/"))
    page.get_by_label("Title (French)").fill("Atelier PyTorch")
    page.get_by_label("Kind").select_option(label="Training")
    page.get_by_label("Summary (French)").fill("Entraîner un U-Net sur HAL.")
    page.get_by_label("Start date").fill(day)
    page.get_by_label("Start time").fill("14:00")
    page.get_by_label("End time").fill("17:00")
    page.get_by_label("Place (French)").fill("LSCE, Saclay")
    page.get_by_label("Registration on this site").check()
    page.get_by_label("Capacity").fill("1")
    submit(page, page.get_by_role("button", name="Save").click)
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier PyTorch")
    submit(page, page.get_by_role("button", name="Publish").click)
    event = Event.objects.get(title_fr="Atelier PyTorch")
    assert event.is_published
    with translation.override("en"):
        event_url = event.get_absolute_url()

    reader = web.new_page()
    reader.goto(web.url("/en/"))
    expect(reader.get_by_role("main").get_by_role("link", name="Atelier PyTorch")).to_be_visible()
    calendar = reader.request.get(web.url("/en/events/calendar.ics"))
    assert calendar.ok
    assert "SUMMARY:Atelier PyTorch" in calendar.text()

    for member, button, after in [
        (first, "Register", "Cancel my registration"),
        (second, "Join the waiting list", "Leave the waiting list"),
    ]:
        member_page = web.new_page(user=member)
        member_page.goto(web.url(event_url))
        submit(member_page, member_page.get_by_role("button", name=button).click)
        expect(member_page.get_by_role("link", name=after)).to_be_visible()
    statuses = dict(Registration.objects.filter(event=event).values_list("user", "status"))
    assert statuses == {
        first.pk: RegistrationStatus.CONFIRMED,
        second.pk: RegistrationStatus.WAITING,
    }

    # The first one cancels: the seat goes to the one waiting, who is told by email.
    mailoutbox.clear()
    first_page = web.new_page(user=first)
    first_page.goto(web.url(event_url))
    first_page.get_by_role("link", name="Cancel my registration").click()
    expect(first_page.get_by_role("main")).to_contain_text("first person on the waiting list")
    submit(first_page, first_page.get_by_role("button", name="Cancel my registration").click)
    expect(first_page.get_by_role("button", name="Join the waiting list")).to_be_visible()
    member_page.reload()
    expect(member_page.get_by_role("link", name="Cancel my registration")).to_be_visible()
    assert [message.to for message in mailoutbox] == [[second.email]]


def test_member_proposes_a_project_a_coordinator_approves_it_facets_count_it(web):
    member, coordinator = UserFactory(), CoordinatorFactory()
    page = web.new_page(user=member)
    page.goto(web.url("/en/projects/propose/"))
    project_fields = page.get_by_role("group", name="The project")
    project_fields.get_by_label("Title").fill("Descente d’échelle des précipitations")
    project_fields.get_by_label("Short summary (French)").fill(
        "Un U-Net affine les précipitations simulées."
    )
    project_fields.get_by_label("Year").fill("2024")
    page.get_by_label("Downscaling").check()
    page.get_by_label("U-Net").check()
    submit(page, page.get_by_role("button", name="Send the proposal").click)
    project = Project.objects.get(title="Descente d’échelle des précipitations")
    assert project.status == Project.Status.PENDING

    reader = web.new_page()
    reader.goto(web.url("/en/projects/"))
    expect(reader.get_by_role("main")).not_to_contain_text("Descente d’échelle")

    review = web.new_page(user=coordinator)
    review.goto(web.url("/en/projects/review/"))
    review.get_by_role("link", name="Descente d’échelle des précipitations").click()
    review.get_by_label("Publish").check()
    review.get_by_label("Message to the proposer").fill("Merci !")
    submit(review, review.get_by_role("button", name="Record the decision").click)
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLISHED

    reader.goto(web.url("/en/projects/"))
    downscaling = reader.locator(".facet-option", has_text="Downscaling")
    expect(downscaling.locator(".facet-count")).to_have_text("1 project")
    downscaling.click()
    expect(reader.locator(".results-count")).to_contain_text("1 project")
    expect(reader.get_by_role("link", name="Descente d’échelle des précipitations")).to_be_visible()


def test_gpu_board_shows_a_card_busy_after_a_report_without_reload(web, settings):
    settings.ESPRI_GPU_BOARD_REFRESH_SECONDS = 1
    node, token = register_node(name="hal3")
    # Earlier than the minimum interval, so that the node may report again at once.
    ingest_report(
        node=node,
        report=parse_report(gpu_csv(247, 0)),
        now=timezone.now() - datetime.timedelta(seconds=15),
    )
    page = web.new_page()
    page.goto(web.url("/en/gpus/"))
    state = page.locator(".gpu-grid tbody .gpu-state")
    expect(state).to_have_text("free")
    page.evaluate("window.sameDocument = true")

    answer = page.request.post(
        web.url("/gpus/report"),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
        data=gpu_csv(9500, 97),
    )
    assert answer.status == 200, answer.text()
    expect(state).to_have_text("busy")
    expect(page.locator("#gpu-board-announce")).to_have_text("0 of 1 GPU free")
    assert page.evaluate("window.sameDocument") is True


def test_reader_opens_results_changes_breakdown_and_filter_charts_redraw(web):
    edition = build_edition(2025, results_visibility=Edition.ResultsVisibility.PUBLIC)
    store_anonymous_responses(
        edition=edition,
        answer_sets=[
            complete_answers(theme={"choices": [theme], "other": ""}, tools=tools)
            for theme, tools in (
                [("ocean", {"choices": ["jupyter"], "other": ""})] * 7
                + [("atmosphere", {"choices": ["jupyter", "vim"], "other": ""})] * 6
            )
        ],
    )
    close_edition(edition=edition)
    page = web.new_page()
    page.goto(web.url("/en/survey/2025/results/"))
    expect(page.get_by_text("13 respondents")).to_be_visible()

    # The plotly chart is drawn (SVG) and its numbers are the data table's.
    chart = page.locator('[data-chart="chart-tools"]')
    chart.scroll_into_view_if_needed()  # charts are drawn as they come into view
    expect(chart.locator("svg.main-svg").first).to_be_attached()
    drawn = chart.evaluate("node => node.data[0].x.map(Number)")
    table = page.locator("#question-tools table.results-table tbody tr")
    # The table sits in a closed <details>: read its text, not what is displayed.
    counts = [int(count) for count in table.locator("td:nth-child(2)").all_text_contents()]
    shares = [
        float(re.search(r"[\d.]+", share).group())
        for share in table.locator("td:nth-child(3)").all_text_contents()
    ]
    assert sorted(count for count in counts if count) == [6, 13]  # the other tools: 0
    assert sorted(round(value) for value in drawn) == sorted(round(share) for share in shares)
    assert max(drawn) == 100

    # Break down by theme: a new chart, and the choice is in the address.
    page.get_by_label("Break the answers down by").select_option("theme")
    submit(page, page.get_by_role("button", name="Show").click)
    assert "by=theme" in page.url
    page.locator('[data-chart^="breakdown-"]').first.scroll_into_view_if_needed()
    expect(page.locator('[data-chart^="breakdown-"] svg.main-svg').first).to_be_attached()

    # Filter on a choice: only those respondents are counted, the charts redraw.
    page.get_by_label("Break the answers down by").select_option("")
    themes = page.locator("details.results-filter", has_text="Question theme (en)")
    themes.locator("summary").click()
    themes.get_by_label("Ocean", exact=True).check()
    submit(page, page.get_by_role("button", name="Show").click)
    assert "f=theme%3Aocean" in page.url or "f=theme:ocean" in page.url
    expect(page.get_by_text("7 respondents")).to_be_visible()
    chart.scroll_into_view_if_needed()
    expect(chart.locator("svg.main-svg").first).to_be_attached()


def test_english_browser_is_offered_english_and_the_choice_sticks(web, tmp_path):
    page = web.new_page(locale="en-GB")
    response = page.goto(web.url("/"))
    offer = page.locator(".language-offer")
    expect(offer).to_contain_text("This site is also in English.")
    (tmp_path / "offer.html").write_text(response.text(), encoding="utf-8")
    assert web.take_problems() == []
    assert vnu_errors([tmp_path / "offer.html"]) == {}
    checked = web.new_page(locale="en-GB", for_axe=True)
    checked.goto(web.url("/"))
    assert axe_violations(checked) == []

    submit(page, offer.get_by_role("link", name="Read it in English").click)
    assert page.url == web.url("/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(web.url("/"))  # back on the French site: the choice is remembered
    expect(page.locator(".language-offer")).to_have_count(0)
