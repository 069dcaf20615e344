"""Catalogue pages as readers, members and coordinators see them."""

import pytest

from kb.models import Contact, Laboratory, Link, Project, Task
from tests.factories import PendingProjectFactory, ProjectFactory, ReferenceFactory

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_list_shows_projects_facets_with_counts_and_menu_entry(client):
    ProjectFactory(title="Cyclone finder", year=2017)
    ProjectFactory(title="Radar cleaner", year=2020, tasks=Task.objects.filter(slug="denoising"))
    html = page(client, "/en/projects/")
    assert "Cyclone finder" in html and "Radar cleaner" in html
    assert "2 projects" in html
    assert '<a href="/en/projects/" aria-current="page">Projects</a>' in html
    assert 'href="?task=detection"' in html and 'href="?task=denoising"' in html
    assert 'href="?year=2017"' in html
    assert '<span class="facet-count">1<span class="visually-hidden"> project</span>' in html
    assert '<span class="facet-count">2<span class="visually-hidden"> projects</span>' in html


def test_list_in_french(client):
    ProjectFactory(tasks=Task.objects.filter(slug="denoising"))
    html = page(client, "/projects/")
    assert "Débruitage" in html and "Proposer un projet" in html
    assert '<a href="/projects/" aria-current="page">Projets</a>' in html


def test_filtered_list_marks_selection_and_keeps_it_in_links(client):
    ProjectFactory(title="Cyclone finder")
    ProjectFactory(title="Radar cleaner", tasks=Task.objects.filter(slug="denoising"))
    html = page(client, "/en/projects/?task=denoising&q=radar&sort=title")
    assert "Radar cleaner" in html and "Cyclone finder" not in html
    assert 'aria-current="true"' in html
    # The search form carries the facet choice; the export link carries the whole selection.
    assert '<input type="hidden" name="task" value="denoising">' in html
    assert 'href="/en/projects/references.bib?task=denoising&amp;q=radar&amp;sort=title"' in html
    assert '<option value="title" selected>' in html


@pytest.mark.parametrize("year", ["²", "99999999999999999999", "-1", "٢٠١٧"])
def test_a_year_that_is_no_year_is_ignored(client, year):
    project = ProjectFactory(title="Cyclone finder", year=2017)
    ReferenceFactory(project=project, title="Finding cyclones")
    assert "Cyclone finder" in page(client, f"/en/projects/?year={year}")
    bibtex = client.get("/en/projects/references.bib", {"year": year})
    assert bibtex.status_code == 200 and "Finding cyclones" in bibtex.content.decode()


def test_a_chosen_year_with_no_project_stays_listed_to_be_unticked(client):
    ProjectFactory(title="Cyclone finder", year=2017, tasks=Task.objects.filter(slug="detection"))
    html = page(client, "/en/projects/?task=detection&year=2016")
    assert "0 projects" in html and "Cyclone finder" not in html
    assert 'href="?task=detection" aria-current="true"' in html  # 2016, ticked: unticks it
    assert 'href="?task=detection&amp;year=2016&amp;year=2017"' in html


def test_list_paginates_and_keeps_filters(client):
    for number in range(25):
        ProjectFactory(title=f"Project {number:02}")
    html = page(client, "/en/projects/?sort=title&task=detection")
    assert "Project 00" in html and "Project 20" not in html
    assert 'href="?sort=title&amp;task=detection&amp;page=2"' in html
    html = page(client, "/en/projects/?sort=title&task=detection&page=2")
    assert "Project 24" in html and "Project 00" not in html
    assert "Page 2 of 2" in html


@pytest.mark.parametrize("number", [1, 30])
@pytest.mark.usefixtures("uncached_pages")
def test_list_query_count_is_fixed(client, django_assert_num_queries, number):
    latmos = Laboratory.objects.filter(slug="latmos")
    for _ in range(number):
        project = ProjectFactory(laboratories=latmos)
        ReferenceFactory(project=project)
    # Count, page, four prefetches (tasks, architectures, data, labs), five facets.
    with django_assert_num_queries(11):
        response = client.get("/projects/?task=detection&lab=latmos&q=project")
    assert response.context["page"].paginator.count == number
    with django_assert_num_queries(11):
        response = client.get("/projects/")
    assert response.context["page"].paginator.count == number


def test_detail_shows_everything_with_citations_and_related(client):
    project = ProjectFactory(title="Radar cleaner", description="# Goal\n\nClean *echoes*.")
    ReferenceFactory(
        project=project,
        authors="Pierre Lepetit; et al.",
        title="Using Deep Learning",
        venue="IEEE TGRS",
        year=2020,
        doi="10.1109/TGRS.2020.1",
    )
    Contact.objects.create(project=project, name="Pierre L.", email="pierre.l@latmos.ipsl.fr")
    Link.objects.create(project=project, kind=Link.Kind.CODE, url="https://git.example/radar")
    ProjectFactory(title="Same task elsewhere")
    ProjectFactory(
        title="Unrelated", tasks=Task.objects.filter(slug="prediction"), architectures=[]
    )
    html = page(client, f"/en/projects/{project.slug}/")
    assert "<em>echoes</em>" in html and 'class="prose"' in html
    assert "Pierre Lepetit et al. (2020). <cite>Using Deep Learning</cite>." in html
    assert (
        '<a href="https://doi.org/10.1109/TGRS.2020.1" rel="noopener">doi:10.1109/TGRS.2020.1</a>'
        in html
    )
    assert 'href="https://git.example/radar"' in html and "Code repository" in html
    assert "Same task elsewhere" in html and "Unrelated" not in html
    assert f'href="/en/projects/{project.slug}/references.bib"' in html


def test_contact_email_never_appears_whole_in_the_page(client):
    project = ProjectFactory()
    Contact.objects.create(project=project, name="Cécile", email="cecile.m@latmos.ipsl.fr")
    html = page(client, f"/projects/{project.slug}/")
    assert "cecile.m@latmos.ipsl.fr" not in html
    assert "mailto:cecile" not in html
    assert 'data-name="cecile.m" data-domain="latmos.ipsl.fr"' in html
    assert "cecile.m [at] latmos [dot] ipsl [dot] fr" in html
    assert "js/catalogue-email.js" in html
    assert "<script>" not in html  # no inline script (CSP)


@pytest.mark.usefixtures("uncached_pages")
def test_detail_query_count(client, django_assert_num_queries):
    project = ProjectFactory()
    ReferenceFactory(project=project)
    # Project, seven prefetches, related projects.
    with django_assert_num_queries(9):
        client.get(f"/projects/{project.slug}/")


def test_pending_project_never_reaches_readers(client, member):
    secret = PendingProjectFactory(title="Secret proposal", year=2011)
    ReferenceFactory(project=secret, title="Secret reference")
    ProjectFactory(title="Visible")
    for url in [
        "/projects/",
        "/projects/?q=secret",
        "/projects/feed/",
        "/",
        "/projects/references.bib",
    ]:
        html = page(client, url)
        assert "Secret" not in html, url
        assert "2011" not in html, url
    assert client.get(f"/projects/{secret.slug}/").status_code == 404
    client.force_login(member)  # a member who did not propose it
    assert client.get(f"/projects/{secret.slug}/").status_code == 404
    assert "Secret" not in page(client, "/projects/")


def test_rejected_project_stays_hidden(client):
    rejected = PendingProjectFactory(title="Rejected one", status=Project.Status.REJECTED)
    assert "Rejected one" not in page(client, "/projects/")
    assert client.get(f"/projects/{rejected.slug}/").status_code == 404


def test_proposer_and_coordinators_preview_a_pending_project(client, coordinator_client):
    pending = PendingProjectFactory(title="My idea")
    html = page(coordinator_client, f"/en/projects/{pending.slug}/")
    assert "Pending review" in html and "Record the decision" in html
    assert pending.proposed_by.email in html
    client.force_login(pending.proposed_by)
    html = page(client, f"/en/projects/{pending.slug}/")
    assert "Pending review" in html and "Record the decision" not in html


def test_reader_sees_no_coordinator_tools(client, member_client):
    project = ProjectFactory()
    for viewer in (client, member_client):
        assert "/edit/" not in page(viewer, f"/projects/{project.slug}/")


def test_feed_lists_published_projects(client):
    ProjectFactory(title="Fresh project", summary="Fresh summary")
    response = client.get("/en/projects/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "<title>Fresh project</title>" in body and "Fresh summary" in body


def test_home_shows_recent_published_projects(client):
    ProjectFactory(title="Older")
    ProjectFactory(title="Newest")
    PendingProjectFactory(title="Hidden")
    html = client.get("/en/").content.decode()  # query count: tests/test_pages.py
    assert "Recent deep-learning projects" in html
    assert html.index("Newest") < html.index("Older")
    assert "Hidden" not in html


def test_search_text_holds_what_the_site_search_indexes():
    project = ProjectFactory(title="Radar", summary="Cleaning", description="Uses **U-Net**.")
    ReferenceFactory(project=project, title="Echo paper", authors="Pierre Lepetit")
    text = project.search_text("en")
    for word in ["Uses U-Net.", "Detection", "Echo paper", "Lepetit"]:
        assert word in text
    assert "**" not in text
    # Each language's entry holds that language's labels and description.
    french = project.search_text("fr")
    assert "Détection" in french and "Echo paper" in french
    assert "Uses U-Net" not in french


@pytest.mark.parametrize(
    ("prefix", "folded", "with_two"),
    [("/en/", "Filters", "Filters (2 active)"), ("/", "Filtres", "Filtres (2 actifs)")],
)
def test_facets_fold_behind_a_summary_that_counts_the_active_filters(
    client, prefix, folded, with_two
):
    ProjectFactory(laboratories=Laboratory.objects.filter(slug="latmos"))
    for query, summary in (("", folded), ("?task=detection&lab=latmos&q=project", with_two)):
        html = page(client, f"{prefix}projects/{query}")
        start = html.index('<details class="catalogue-facets" data-open-from="(width > 50rem)">')
        # Closed in the HTML at every width (catalogue.css shows it as a column on a desk),
        # so nothing folds after load; the search box stays outside, above it.
        assert html.index('id="catalogue-q"') < start < html.index('id="facet-task"')
        assert html.index('id="facet-year"') < html.index("</details>", start)
        assert f"<summary>{summary}</summary>" in html
        assert "js/catalogue-filters.js" in html
