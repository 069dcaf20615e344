"""The layout and the error pages, as a reader sees them."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from espri_ia.errors import server_error
from tests.factories import ProjectFactory, doc_page

pytestmark = pytest.mark.django_db


def test_home_layout_has_landmarks_skip_link_and_footer(client):
    page = client.get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page
    assert '<nav class="main-nav" aria-label="Menu principal">' in page
    assert "<footer" in page
    assert "mailto:guillaume.levavasseur@ipsl.fr" in page
    assert 'href="https://mesocentre.ipsl.fr/"' in page


def test_home_shows_purpose_and_cluster(client):
    page = client.get("/").content.decode()
    assert "ouvert à toutes et tous" in page
    assert "2 cartes NVIDIA RTX 2080 Ti" in page


def test_home_account_menu_by_role(client, member):
    page = client.get("/").content.decode()
    assert "Se connecter" in page and "Créer un compte" in page
    client.force_login(member)
    page = client.get("/").content.decode()
    assert "Mon espace" in page and "Se déconnecter" in page
    assert "Se connecter" not in page


def test_home_links_into_the_docs(client):
    doc_page("cluster", title="Le cluster")
    doc_page("cluster/acces", title="Se connecter au cluster")
    page = client.get("/").content.decode()
    assert '<a href="/docs/cluster/acces/">Se connecter au cluster</a>' in page


@pytest.mark.parametrize("pages", [1, 10])
@pytest.mark.usefixtures("uncached_pages")
def test_home_query_count_for_a_reader(client, pages, django_assert_num_queries):
    doc_page("cluster")
    for number in range(pages):
        doc_page(f"cluster/page-{number}")
        ProjectFactory()
    # The five blocks: next events, docs links, recent projects, open survey, results.
    with django_assert_num_queries(5):
        assert client.get("/").status_code == 200


@pytest.mark.usefixtures("uncached_pages")
def test_home_query_count_for_a_member(member_client, django_assert_num_queries):
    # The session, the user, then the five blocks of the home page.
    with django_assert_num_queries(7):
        assert member_client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("path", "text"),
    [("/no-such-page/", "Page introuvable"), ("/en/no-such-page/", "Page not found")],
)
def test_404_page_is_styled_and_translated(client, path, text):
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert text in page
    assert 'class="site-header"' in page


def test_403_page_is_styled(client, member):
    client.force_login(member)
    response = client.get("/admin/login/")
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_500_page_renders_without_the_database(settings):
    request = RequestFactory().get("/")
    with translation.override("en"):
        response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "mailto:guillaume.levavasseur@ipsl.fr" in page


def test_csrf_failure_page_explains_and_keeps_the_layout(member):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": member.email, "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Le formulaire n’a pas pu être envoyé" in page
    assert 'class="site-header"' in page
