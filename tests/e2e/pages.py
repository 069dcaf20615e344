"""Every page type the browser checks (axe-core, Nu checker, CSP), in both languages.

One list: a new kind of page is one more line in PAGE_TYPES.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from kb.gpus.parsing import GPU_LIST_MARKER, OWNERS_MARKER, PROCESSES_MARKER, parse_report
from kb.models import DocPage, Event, Project
from kb.models.events import RegistrationMode
from kb.seed.catalogue import seed_catalogue
from kb.seed.cluster_docs import load_cluster_docs
from kb.seed.events import seed_example_events
from kb.services.docs import save_page
from kb.services.gpus import ingest_report, register_node
from survey.models import Edition
from survey.services import (
    close_edition,
    edition_questions,
    import_responses,
    preview_import,
    save_draft,
    store_anonymous_responses,
    submit_response,
)
from tests.factories import (
    CoordinatorFactory,
    EventFactory,
    PendingProjectFactory,
    UserFactory,
    build_edition,
    complete_answers,
    doc_page,
)

NVIDIA_SMI = Path(__file__).resolve().parents[1] / "fixtures" / "nvidia_smi"


@dataclass(frozen=True)
class PageType:
    name: str
    # Called with the site data inside translation.override(language).
    path: Callable[[SimpleNamespace], str]
    role: str = "anonymous"  # anonymous, member, coordinator
    status: int = 200


PAGE_TYPES = [
    # Reading
    PageType("home", lambda d: reverse("home")),
    PageType("docs index", lambda d: reverse("docs:index")),
    PageType("docs page", lambda d: reverse("docs:page", args=["cluster/sessions"])),
    PageType("docs page with tables", lambda d: reverse("docs:page", args=["cluster/donnees"])),
    # Written in French only: the English page shows it with a notice, marked lang="fr".
    PageType("docs page in one language", lambda d: reverse("docs:page", args=["cluster/aide"])),
    PageType("search", lambda d: reverse("search") + "?q=memoire+gpu"),
    PageType("search without results", lambda d: reverse("search") + "?q=zzzzqqq"),
    PageType("project list", lambda d: reverse("catalogue:list")),
    PageType("project list filtered", lambda d: reverse("catalogue:list") + "?task=detection"),
    PageType("project detail", lambda d: d.project.get_absolute_url()),
    PageType("events list", lambda d: reverse("events:list")),
    PageType("past events", lambda d: reverse("events:past")),
    PageType("event detail", lambda d: d.event.get_absolute_url()),
    PageType("past event with materials", lambda d: d.past_event.get_absolute_url()),
    PageType("past events of a year", lambda d: reverse("events:past_year", args=[d.past_year])),
    PageType("GPU board", lambda d: reverse("gpu_board")),
    PageType("GPU board, detailed cards", lambda d: reverse("gpu_board") + "?view=cards"),
    PageType("GPU board, holders", lambda d: reverse("gpu_board"), "member"),
    PageType("GPU board, idle holds", lambda d: reverse("gpu_board"), "coordinator"),
    PageType("GPU week of load", lambda d: reverse("gpu_week"), "member"),
    PageType("cluster login", lambda d: reverse("cluster_login"), "member"),
    PageType("survey index", lambda d: reverse("survey:index")),
    PageType("survey results", lambda d: reverse("survey:results", args=[d.closed_edition.year])),
    PageType(
        "survey results, breakdown and filter",
        lambda d: (
            reverse("survey:results", args=[d.closed_edition.year]) + "?by=theme&f=tools:jupyter"
        ),
    ),
    PageType(
        "survey results, refused combination",
        lambda d: (
            reverse("survey:results", args=[d.closed_edition.year]) + "?f=theme:ocean&f=tools:vim"
        ),
    ),
    PageType(
        "survey free-text answers",
        lambda d: reverse("survey:results_texts", args=[d.closed_edition.year, "remarks"]),
    ),
    PageType(
        "survey results, not yet public",
        lambda d: reverse("survey:results", args=[d.edition.year]),
    ),
    PageType("survey trends", lambda d: reverse("survey:trends")),
    # Accounts
    PageType("log in", lambda d: reverse("account_login")),
    PageType("sign up", lambda d: reverse("account_signup")),
    PageType("password reset", lambda d: reverse("account_reset_password")),
    PageType("email addresses", lambda d: reverse("account_email"), "member"),
    PageType("password change", lambda d: reverse("account_change_password"), "member"),
    PageType("account deletion", lambda d: reverse("account_delete"), "member"),
    PageType("my space", lambda d: reverse("my_space"), "member"),
    # Members
    PageType("survey index, member", lambda d: reverse("survey:index"), "member"),
    PageType("survey step", lambda d: reverse("survey:step", args=[d.edition.year, 1]), "member"),
    PageType("survey review", lambda d: reverse("survey:review", args=[d.edition.year]), "member"),
    PageType("project proposal form", lambda d: reverse("catalogue:propose"), "member"),
    PageType("event detail, member", lambda d: d.event.get_absolute_url(), "member"),
    PageType("my project proposals", lambda d: reverse("catalogue:mine"), "member"),
    PageType(
        "survey answers, closed edition",
        lambda d: reverse("survey:review", args=[d.closed_edition.year]),
        "member",
    ),
    PageType(
        "survey results not yet public, member with a draft",
        lambda d: reverse("survey:results", args=[d.edition.year]),
        "member",
    ),
    # Coordinators: the editor forms
    PageType(
        "docs editor",
        lambda d: reverse("docs:edit", args=["cluster/sessions"]),
        "coordinator",
    ),
    PageType("new docs page", lambda d: reverse("docs:new"), "coordinator"),
    PageType("docs history", lambda d: reverse("docs:history", args=["cluster"]), "coordinator"),
    PageType(
        "docs revisions compared",
        lambda d: reverse("docs:compare", args=["cluster"]) + "?lang=fr&from=1&to=2",
        "coordinator",
    ),
    PageType("stale docs", lambda d: reverse("docs:stale"), "coordinator"),
    PageType("event form", lambda d: reverse("events:create"), "coordinator"),
    PageType(
        "event edit form", lambda d: reverse("events:edit", args=[d.event.slug]), "coordinator"
    ),
    PageType(
        "event participants",
        lambda d: reverse("events:participants", args=[d.event.slug]),
        "coordinator",
    ),
    PageType(
        "event materials",
        lambda d: reverse("events:materials", args=[d.past_event.slug]),
        "coordinator",
    ),
    PageType("project review queue", lambda d: reverse("catalogue:review_queue"), "coordinator"),
    PageType(
        "project review",
        lambda d: d.pending.get_absolute_url(),
        "coordinator",
    ),
    PageType(
        "project edit form",
        lambda d: reverse("catalogue:edit", args=[d.project.slug]),
        "coordinator",
    ),
    PageType("catalogue lists", lambda d: reverse("catalogue:lists"), "coordinator"),
    PageType("GPU nodes", lambda d: reverse("gpu_nodes"), "coordinator"),
    PageType("GPU node form", lambda d: reverse("gpu_node_add"), "coordinator"),
    PageType(
        "GPU token revocation", lambda d: reverse("gpu_node_revoke", args=["hal4"]), "coordinator"
    ),
    PageType(
        "GPU node removal", lambda d: reverse("gpu_node_delete", args=["hal4"]), "coordinator"
    ),
    PageType("GPU thresholds", lambda d: reverse("gpu_settings"), "coordinator"),
    PageType("survey design", lambda d: reverse("survey:design_list"), "coordinator"),
    PageType(
        "survey results, provisional",
        lambda d: reverse("survey:results", args=[d.edition.year]),
        "coordinator",
    ),
    PageType(
        "survey edition design",
        lambda d: reverse("survey:design_detail", args=[d.edition.year]),
        "coordinator",
    ),
    PageType(
        "survey question form, with chosen choices",
        lambda d: reverse(
            "survey:design_question",
            args=[d.closed_edition.year, d.closed_edition.questions.get(key="theme").pk],
        ),
        "coordinator",
    ),
    PageType(
        "survey preview",
        lambda d: reverse("survey:design_preview", args=[d.edition.year, 1]),
        "coordinator",
    ),
    PageType(
        "survey import, with its history",
        lambda d: reverse("survey:design_import", args=[d.closed_edition.year]),
        "coordinator",
    ),
    PageType(
        "survey import preview, with warnings",
        lambda d: reverse(
            "survey:design_import_preview", args=[d.closed_edition.year, d.import_preview.pk]
        ),
        "coordinator",
    ),
    # Errors
    PageType("not found", lambda d: reverse("docs:page", args=["no-such-page"]), status=404),
    PageType("forbidden", lambda d: reverse("gpu_nodes"), "member", status=403),
    PageType("server error", lambda d: reverse("e2e_server_error"), status=500),
    PageType("form refused (CSRF)", lambda d: reverse("e2e_csrf_failure"), status=403),
    PageType("too many attempts", lambda d: reverse("e2e_too_many_attempts"), status=429),
    PageType("bad request (NUL)", lambda d: reverse("catalogue:list") + "?q=%00", status=400),
]


def build_site_data():
    """The seed content and one object of each kind, through the site's services."""
    load_cluster_docs()
    seed_catalogue()
    coordinator = CoordinatorFactory()
    member = UserFactory()
    seed_example_events(created_by=coordinator)
    event = EventFactory(
        title="Formation PyTorch sur HAL",
        registration_mode=RegistrationMode.BUILT_IN,
        capacity=20,
    )
    node, _token = register_node(
        name="hal3", description_fr="2 × RTX 2080 Ti", description_en="2 × RTX 2080 Ti"
    )
    body = "\n".join(
        [
            (NVIDIA_SMI / "hal3_rtx2080ti-x4_418.56.csv").read_text(),
            PROCESSES_MARKER,
            (NVIDIA_SMI / "hal3_rtx2080ti-x4_418.56_compute-apps.csv").read_text(),
            OWNERS_MARKER,
            (NVIDIA_SMI / "hal3_process-owners.txt").read_text(),
        ]
    )
    # Two reports two hours apart: the cards held with no work show as idle holds.
    ingest_report(node=node, report=parse_report(body), now=timezone.now() - timedelta(hours=2))
    ingest_report(node=node, report=parse_report(body))
    mig, _token = register_node(name="gpu-h100", description_en="1 × H100 in MIG mode")
    mig_body = "\n".join(
        [
            (NVIDIA_SMI / "h100-mig_590.48_idle.csv").read_text(),
            GPU_LIST_MARKER,
            (NVIDIA_SMI / "h100-mig_590.48_list.txt").read_text(),
        ]
    )
    ingest_report(node=mig, report=parse_report(mig_body))
    register_node(name="hal4")
    edition = build_edition(2026)
    # Last year's edition: answered by the member and 12 others, then closed.
    closed_edition = build_edition(
        2025, results_visibility=Edition.ResultsVisibility.PUBLIC, show_free_text=True
    )
    submit_response(edition=closed_edition, user=member, answers=complete_answers())
    store_anonymous_responses(
        edition=closed_edition,
        answer_sets=[
            complete_answers(theme={"choices": [theme], "other": ""})
            for theme in ["ocean", "atmosphere"] * 6
        ]
        # Two who chose ocean but not Vim: "ocean and Vim" would single them out.
        + [complete_answers(tools={"choices": ["jupyter"], "other": ""})] * 2,
    )
    close_edition(edition=closed_edition)
    # Answers imported from another tool, then a second file waiting in its preview.
    import_csv = "id,Thème,Années\n,Question theme,Question years\n1,Océan,3\n2,Atmosphère,12\n"
    import_mapping = {"Thème": "theme", "Années": "years"}
    import_responses(
        edition=closed_edition, text=import_csv, mapping=import_mapping, file_name="lime.csv"
    )
    import_preview = preview_import(
        edition=closed_edition, text=import_csv, mapping=import_mapping, file_name="lime2.csv"
    )
    doc_page("cluster/aide", title="Demander de l’aide", body="Écrivez au groupe ESPRI-IA.")
    docs_page = DocPage.objects.get(path="cluster")
    save_page(
        language="fr",
        page=docs_page,
        base_version=docs_page.version_fr,
        title=docs_page.title_fr,
        summary=docs_page.summary_fr,
        body=docs_page.body_fr + "\nUne ligne ajoutée.\n",
        position=docs_page.position,
        author=coordinator,
        message="Une ligne",
    )
    # A draft, so that the step and review pages show stored answers.
    save_draft(
        edition=edition,
        user=member,
        answers=complete_answers(),
        questions=edition_questions(edition),
    )
    past_event = Event.objects.past().filter(materials__isnull=False).first()
    return SimpleNamespace(
        coordinator=coordinator,
        member=member,
        project=Project.objects.published().order_by("title").first(),
        event=event,
        past_event=past_event,
        past_year=past_event.local_start.year,
        pending=PendingProjectFactory(title="Projet en attente"),
        edition=edition,
        closed_edition=closed_edition,
        import_preview=import_preview,
    )
