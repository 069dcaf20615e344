"""Documentation: reading, editing with revisions, conflicts, history, reviews."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from kb.docs_tree import build_tree
from kb.models import DocPage, DocRevision, SearchEntry
from kb.services.docs import EditConflict, mark_reviewed, save_page
from tests.factories import CoordinatorFactory, doc_page

pytestmark = pytest.mark.django_db

BODY = """Introduction.

## Se connecter

```bash
ssh -X hal.obs.uvsq.fr
```

### Avec une clé

Voir [les sessions](doc:cluster/sessions).
"""


@pytest.fixture
def cluster_docs():
    root = doc_page("cluster", title="Le cluster GPU HAL", position=10)
    access = doc_page("cluster/acces", title="Se connecter", body=BODY, position=10)
    sessions = doc_page("cluster/sessions", title="Sessions interactives", position=20)
    return root, access, sessions


def edit_data(page, **changes):
    data = {
        "title": page.title,
        "summary": page.summary,
        "body": page.body_fr,
        "position": page.position,
        "message": "",
        "base_version": page.version_fr,
        "language": "fr",
        "save": "",
    }
    return {**data, **changes}


@pytest.mark.usefixtures("cluster_docs")
def test_page_shows_tree_breadcrumbs_toc_and_neighbours(client):
    page = client.get("/docs/cluster/acces/").content.decode()
    assert '<h1 id="page-title">Se connecter</h1>' in page
    assert 'aria-current="page">Se connecter</a>' in page  # marked in the sidebar
    assert '<a href="/docs/cluster/">Le cluster GPU HAL</a>' in page  # breadcrumb
    assert '<h2 id="se-connecter">' in page and 'href="#se-connecter"' in page
    assert 'href="#avec-une-cle"' in page
    assert 'rel="prev"' in page and 'href="/docs/cluster/sessions/" rel="next"' in page
    assert 'href="/docs/cluster/sessions/"' in page  # the internal link resolved
    assert '<div class="highlight"><pre tabindex="0">' in page
    assert "js/copy-code.js" in page


def test_page_in_english_keeps_the_french_text(client, cluster_docs):
    page = client.get("/en/docs/cluster/acces/").content.decode()
    assert "Se connecter" in page
    assert 'href="/en/docs/cluster/sessions/" rel="next"' in page


def toc_entries(page):
    """(href, title) of the links in the page's table of contents, in order."""
    toc = re.search(r'<nav class="docs-toc".*?</nav>', page, re.S).group(0)
    return re.findall(r'<a href="(#[^"]+)">([^<]+)</a>', toc)


@pytest.mark.usefixtures("cluster_docs")
def test_headings_carry_ids_and_links_to_themselves(client):
    page = client.get("/docs/cluster/acces/").content.decode()
    assert (
        '<div class="heading"><h2 id="se-connecter">Se connecter</h2>'
        '<a aria-label="Lien vers cette section\u202f: Se connecter" class="headerlink"'
        ' href="#se-connecter"'
    ) in page
    assert (
        '<div class="heading"><h3 id="avec-une-cle">Avec une clé</h3>'
        '<a aria-label="Lien vers cette section\u202f: Avec une clé" class="headerlink"'
        ' href="#avec-une-cle"'
    ) in page
    # The table of contents lists the same headings, in their order; it is folded
    # (no open attribute) until a phone's reader opens it, or docs.css shows it as a column.
    assert toc_entries(page) == [
        ("#se-connecter", "Se connecter"),
        ("#avec-une-cle", "Avec une clé"),
    ]
    assert re.search(
        r'<nav class="docs-toc" aria-labelledby="toc-title">\s*<details class="docs-panel" data-open-from="[^"]+">',
        page,
    )
    assert '<details class="docs-panel" open' not in page


def test_heading_links_are_named_in_the_language_of_the_text(client):
    doc_page(
        "guide", title="Guide", body="## Getting started\n\n## Getting started\n", language="en"
    )
    page = client.get("/en/docs/guide/").content.decode()
    assert 'aria-label="Link to this section: Getting started"' in page
    # Two headings with the same title: two ids, each its own link.
    assert toc_entries(page) == [
        ("#getting-started", "Getting started"),
        ("#getting-started_1", "Getting started"),
    ]
    assert page.count('href="#getting-started_1"') == 2  # the heading's link and the contents'


def test_page_without_headings_has_no_table_of_contents(client):
    doc_page("court", body="Une ligne.")
    assert 'class="docs-toc"' not in client.get("/docs/court/").content.decode()


def test_migration_gives_stored_pages_their_heading_links(cluster_docs):
    _, access, _ = cluster_docs
    DocPage.objects.filter(pk=access.pk).update(
        body_html_fr='<h2 id="se-connecter">Se connecter</h2>'
    )
    migration = importlib.import_module("kb.migrations.0013_docs_heading_permalinks")
    migration.render_pages_again(apps, None)
    access.refresh_from_db()
    assert 'class="headerlink" href="#se-connecter"' in access.body_html_fr
    assert access.body_html_en == "" and access.toc_fr[0]["id"] == "se-connecter"


REVIEW_STATES = {
    # name: (days since the last review or None, days since the last save)
    "new, never reviewed": (None, 0),
    "reviewed lately": (30, 200),
    "reviewed long ago": (400, 400),
    "never reviewed, saved long ago": (None, 400),
    "reviewed long ago, edited lately": (400, 10),
}
READER_BADGE = "Pas relue depuis plus d’un an"


def page_in_state(state):
    reviewed, saved = REVIEW_STATES[state]
    page = doc_page("relecture", title="Relecture", body="Texte.")
    now = timezone.now()
    DocPage.objects.filter(pk=page.pk).update(
        updated_at=now - timedelta(days=saved),
        last_reviewed_at=None if reviewed is None else now - timedelta(days=reviewed),
        last_reviewed_by=None if reviewed is None else CoordinatorFactory(first_name="Ana"),
    )
    return page


@pytest.mark.parametrize(
    ("state", "warned"),
    [
        ("new, never reviewed", False),
        ("reviewed lately", False),
        ("reviewed long ago", True),
        ("never reviewed, saved long ago", True),
        ("reviewed long ago, edited lately", True),
    ],
)
@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_readers_hear_of_the_review_only_once_it_is_overdue(client, member, role, state, warned):
    page_in_state(state)
    if role == "member":
        client.force_login(member)
    html = client.get("/docs/relecture/").content.decode()
    assert (READER_BADGE in html) is warned
    for coordinators_only in (
        "Pas encore relue",
        "Relecture en retard",
        "Relue le",
        "Marquer comme relue",
    ):
        assert coordinators_only not in html
    assert "Mise à jour le" in html


@pytest.mark.parametrize(
    ("state", "shown", "overdue"),
    [
        ("new, never reviewed", "Pas encore relue", False),
        ("reviewed lately", "Relue le", False),
        ("reviewed long ago", "Relue le", True),
        ("never reviewed, saved long ago", "Pas encore relue", False),
        ("reviewed long ago, edited lately", "Relue le", True),
    ],
)
def test_coordinators_always_see_the_review_state(coordinator_client, state, shown, overdue):
    page_in_state(state)
    html = coordinator_client.get("/docs/relecture/").content.decode()
    assert shown in html
    assert ("Relecture en retard" in html) is overdue
    assert READER_BADGE not in html
    assert "Marquer comme relue" in html


def test_english_readers_are_warned_in_english(client):
    page_in_state("reviewed long ago")
    assert "Not reviewed for over a year" in client.get("/en/docs/relecture/").content.decode()


def test_unknown_page_is_404(client, cluster_docs):
    response = client.get("/docs/cluster/nowhere/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_docs_index_lists_sections(client, cluster_docs):
    page = client.get("/docs/").content.decode()
    assert "Le cluster GPU HAL" in page and "Sessions interactives" in page


def test_docs_index_empty_state(client):
    assert "Aucune page de documentation" in client.get("/docs/").content.decode()


def make_tree(size):
    root = doc_page("racine", body="## Titre\n\ntexte")
    for number in range(size - 1):
        doc_page(f"racine/page-{number}", body="texte", position=number)
    return root


@pytest.mark.parametrize("size", [1, 20])
def test_page_query_count_is_fixed_for_a_member(member_client, size, django_assert_num_queries):
    make_tree(size)
    # session, user with their role, the cache (read, generation, page kept), page, tree
    with django_assert_num_queries(16):
        assert member_client.get("/docs/racine/").status_code == 200
    # Then the copy every member shares: session, user with their role, one cache read.
    with django_assert_num_queries(3):
        assert "Titre" in member_client.get("/docs/racine/").content.decode()


@pytest.mark.parametrize("size", [1, 20])
def test_page_served_from_cache_to_readers(client, size, django_assert_num_queries):
    make_tree(size)
    client.get("/docs/racine/")
    # The generation token and the cached page, in one read of the cache: nothing else.
    with django_assert_num_queries(1):
        response = client.get("/docs/racine/")
    assert "Titre" in response.content.decode()


def test_reader_cache_never_serves_a_stale_page(
    cluster_docs, coordinator, django_capture_on_commit_callbacks
):
    _, access, _ = cluster_docs
    reader = Client()
    assert "Introduction." in reader.get("/docs/cluster/acces/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        save_page(
            language="fr",
            page=access,
            base_version=access.version_fr,
            title=access.title,
            summary="",
            body="Texte neuf.",
            position=10,
            author=coordinator,
        )
    page = reader.get("/docs/cluster/acces/").content.decode()
    assert "Texte neuf." in page and "Introduction." not in page


EDITING_URLS = [
    ("get", "/docs/new/"),
    ("get", "/docs/stale/"),
    ("get", "/docs/cluster/acces/edit/"),
    ("get", "/docs/cluster/acces/history/"),
    ("get", "/docs/cluster/acces/compare/?from=1&to=1"),
    ("post", "/docs/cluster/acces/restore/fr/1/"),
    ("post", "/docs/cluster/acces/review/"),
]


@pytest.mark.parametrize(("method", "url"), EDITING_URLS)
def test_only_coordinators_edit(client, member, cluster_docs, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(member)
    assert getattr(client, method)(url).status_code == 403
    assert DocRevision.objects.count() == 3
    assert DocPage.objects.get(path="cluster/acces").last_reviewed_at is None


def test_readers_see_no_editing_tools(member_client, cluster_docs):
    page = member_client.get("/docs/cluster/acces/").content.decode()
    assert "/docs/cluster/acces/edit/" not in page


def test_coordinator_previews_without_saving(coordinator_client, cluster_docs):
    _, access, _ = cluster_docs
    data = edit_data(access, body='!!! danger "Pas de sauvegarde"\n    Rien.', preview="")
    del data["save"]
    response = coordinator_client.post("/docs/cluster/acces/edit/", data)
    assert response.status_code == 200
    assert '<div class="admonition danger">' in response.content.decode()
    access.refresh_from_db()
    assert "Pas de sauvegarde" not in access.body_fr


def test_coordinator_saves_a_revision(coordinator_client, coordinator, cluster_docs):
    _, access, _ = cluster_docs
    data = edit_data(access, body="Nouveau texte.", message="Mise à jour")
    response = coordinator_client.post("/docs/cluster/acces/edit/", data)
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.body_fr == "Nouveau texte."
    assert access.body_html_fr == "<p>Nouveau texte.</p>"
    revision = access.revisions.first()
    assert (revision.number, revision.author, revision.message) == (2, coordinator, "Mise à jour")


def test_text_from_a_browser_is_stored_with_plain_line_ends(coordinator_client, cluster_docs):
    _, access, _ = cluster_docs
    data = edit_data(access, body="Ligne un.\r\n\r\n```bash\r\nnvidia-smi\r\n```\r\n")
    coordinator_client.post("/docs/cluster/acces/edit/", data)
    access.refresh_from_db()
    assert access.body_fr == "Ligne un.\n\n```bash\nnvidia-smi\n```\n"


def test_conflicting_save_is_refused_and_keeps_the_text(coordinator_client, cluster_docs):
    _, access, _ = cluster_docs
    opened_version = access.version_fr
    other = CoordinatorFactory(first_name="Bea", last_name="Autre")
    save_page(
        language="fr",
        page=access,
        base_version=opened_version,
        title=access.title,
        summary="",
        body=BODY + "\nAjout de Bea.\n",
        position=10,
        author=other,
    )
    mine = BODY + "\nMon ajout.\n"
    response = coordinator_client.post(
        "/docs/cluster/acces/edit/", edit_data(access, body=mine, base_version=opened_version)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Quelqu’un d’autre a enregistré cette page" in page
    assert "Bea Autre" in page
    assert "Mon ajout." in page  # still in the form
    assert 'class="diff-added"' in page and 'class="diff-removed"' in page
    access.refresh_from_db()
    assert "Ajout de Bea." in access.body_fr and "Mon ajout." not in access.body_fr

    # The form now carries the new version: saving again on purpose succeeds.
    new_base = re.search(r'name="base_version" value="(\d+)"', page).group(1)
    assert int(new_base) == access.version_fr
    response = coordinator_client.post(
        "/docs/cluster/acces/edit/", edit_data(access, body=mine, base_version=new_base)
    )
    assert response.status_code == 302
    access.refresh_from_db()
    assert "Mon ajout." in access.body_fr


def test_save_page_service_raises_on_stale_version(cluster_docs, coordinator):
    _, access, _ = cluster_docs
    with pytest.raises(EditConflict):
        save_page(
            language="fr",
            page=access,
            base_version=access.version_fr - 1,
            title="x",
            summary="",
            body="x",
            position=1,
            author=coordinator,
        )
    assert access.revisions.count() == 1


def test_history_compare_and_restore(coordinator_client, coordinator, cluster_docs):
    _, access, _ = cluster_docs
    save_page(
        language="fr",
        page=access,
        base_version=access.version_fr,
        title=access.title,
        summary="",
        body="Ligne gardée\nLigne nouvelle\n",
        position=10,
        author=coordinator,
    )
    history = coordinator_client.get("/docs/cluster/acces/history/").content.decode()
    assert "#2" in history and "#1" in history

    diff = coordinator_client.get("/docs/cluster/acces/compare/?from=1&to=2").content.decode()
    # "n° 1" with a no-break space, as French writes it, never "n°1".
    assert "n°\u00a01 → n°\u00a02" in diff or "révision n°\u00a01 à la n°\u00a02" in diff
    assert "n°1" not in diff
    assert re.search(r'class="diff-added">.*?\+ Ligne nouvelle', diff, re.S)
    assert re.search(r'class="diff-removed">.*?− Introduction\.', diff, re.S)

    response = coordinator_client.post("/docs/cluster/acces/restore/fr/1/")
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.body_fr == BODY
    newest = access.revisions.first()
    assert (newest.number, newest.restored_from) == (3, 1)
    assert (
        "Révision n°\u00a01 restaurée"
        in coordinator_client.get("/docs/cluster/acces/history/").content.decode()
    )


def test_compare_with_bad_numbers_is_handled(coordinator_client, cluster_docs):
    response = coordinator_client.get("/docs/cluster/acces/compare/?from=x&to=2")
    assert response.status_code == 302
    assert coordinator_client.get("/docs/cluster/acces/compare/?from=1&to=9").status_code == 404


def test_mark_reviewed_and_stale_list(coordinator_client, coordinator, cluster_docs):
    root, access, _sessions = cluster_docs
    mark_reviewed(page=root, reviewer=coordinator, when=timezone.now() - timedelta(days=400))
    response = coordinator_client.post("/docs/cluster/acces/review/")
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.last_reviewed_by == coordinator
    assert "Relue le" in coordinator_client.get("/docs/cluster/acces/").content.decode()

    stale = coordinator_client.get("/docs/stale/").content.decode()
    assert "Sessions interactives" in stale  # never reviewed
    assert "Le cluster GPU HAL" in stale  # reviewed 400 days ago
    assert "Se connecter" not in stale


def test_new_page_under_a_section(coordinator_client, cluster_docs):
    response = coordinator_client.post(
        "/docs/new/",
        {
            "parent": cluster_docs[0].pk,
            "slug": "donnees",
            "title": "Espaces de données",
            "summary": "",
            "body": "Texte",
            "position": 30,
            "save": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/docs/cluster/donnees/"
    assert DocPage.objects.get(path="cluster/donnees").revisions.count() == 1


@pytest.mark.parametrize(
    ("slug", "error"), [("edit", "réservée"), ("acces", "a déjà cette adresse")]
)
def test_new_page_refuses_bad_addresses(coordinator_client, cluster_docs, slug, error):
    response = coordinator_client.post(
        "/docs/new/",
        {"parent": cluster_docs[0].pk, "slug": slug, "title": "T", "body": "x", "position": 1},
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert DocPage.objects.count() == 3


@pytest.mark.parametrize(
    ("prefix", "slug", "error"),
    [
        (
            "",
            "jean_zay",
            "Utilisez seulement des lettres minuscules, des chiffres et des tirets, par exemple «\u00a0jean-zay\u00a0».",
        ),
        ("", "Mon_Espace", "par exemple «\u00a0mon-espace\u00a0»"),
        ("", "accès", "par exemple «\u00a0acces\u00a0»"),
        ("/en", "jean_zay", "Use only lowercase letters, digits and hyphens, e.g. “jean-zay”."),
        ("/en", "___", "Use only lowercase letters, digits and hyphens."),
    ],
)
def test_new_page_refuses_addresses_the_urls_cannot_serve(
    coordinator_client, cluster_docs, prefix, slug, error
):
    response = coordinator_client.post(
        f"{prefix}/docs/new/",
        {"parent": cluster_docs[0].pk, "slug": slug, "title": "Jean Zay", "body": "Le texte"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert error in page
    assert "Le texte</textarea>" in page and 'value="Jean Zay"' in page  # nothing typed is lost
    assert DocPage.objects.count() == 3
    assert coordinator_client.get("/docs/").status_code == 200


def test_service_refuses_an_address_the_urls_cannot_serve(cluster_docs):
    with pytest.raises(ValidationError):
        doc_page("cluster/jean_zay")
    assert not DocPage.objects.filter(path="cluster/jean_zay").exists()


def test_migration_repairs_addresses_the_urls_cannot_serve(client, cluster_docs):
    """Pages stored with an underscore before the form refused it: the docs and search
    failed for everyone; the migration gives them (and the pages under them) an address."""
    doc_page("cluster/jean-zay", title="Jean Zay (déjà là)")
    bad = doc_page("cluster/jz", title="Jean Zay, le supercalculateur")
    child = doc_page("cluster/jz/quotas", title="Quotas de Jean Zay")
    DocPage.objects.filter(pk=bad.pk).update(slug="jean_zay", path="cluster/jean_zay")
    DocPage.objects.filter(pk=child.pk).update(path="cluster/jean_zay/quotas")
    SearchEntry.objects.filter(object_id__in=[bad.pk, child.pk]).update(url_kwargs={})
    migration = importlib.import_module("kb.migrations.0019_docs_slugs_the_urls_serve")
    migration.repair_addresses(apps, None)

    bad.refresh_from_db()
    child.refresh_from_db()
    assert (bad.slug, bad.path) == ("jean-zay-2", "cluster/jean-zay-2")
    assert child.path == "cluster/jean-zay-2/quotas"
    assert DocPage.objects.get(slug="acces").path == "cluster/acces"  # the others untouched
    index = client.get("/docs/").content.decode()
    assert 'href="/docs/cluster/jean-zay-2/"' in index
    assert "Quotas de Jean Zay" in client.get("/docs/cluster/jean-zay-2/quotas/").content.decode()
    results = client.get("/search/", {"q": "supercalculateur"}).content.decode()
    assert 'href="/docs/cluster/jean-zay-2/"' in results


def test_link_to_a_missing_page_heals_when_it_is_created(cluster_docs):
    linking = doc_page("cluster/faq", body="Voir [les données](doc:cluster/donnees).")
    assert 'class="broken-link"' in linking.body_html_fr
    doc_page("cluster/donnees", title="Données")
    linking.refresh_from_db()
    assert 'href="/docs/cluster/donnees/"' in linking.body_html_fr


def test_tree_order_and_neighbours_on_plain_rows():
    class Row:
        def __init__(self, id, parent_id, path):
            self.id, self.parent_id, self.path = id, parent_id, path
            self.title_fr, self.title_en, self.summary_fr, self.summary_en = path, "", "", ""

    tree = build_tree([Row(1, None, "a"), Row(3, None, "b"), Row(2, 1, "a/x")])
    assert [n.path for n in tree.reading_order] == ["a", "a/x", "b"]
    assert tree.neighbours("a/x")[0].path == "a" and tree.neighbours("a/x")[1].path == "b"
    assert [n.path for n in tree.breadcrumbs("a/x")] == ["a"]
    assert tree.neighbours("b")[1] is None


def test_a_french_page_keeps_its_punctuation_on_the_line(client):
    doc_page("acces", title="Accès", body="Par SSH : `ssh -X hal` ; voir « Clés ».")
    page = client.get("/docs/acces/").content.decode()
    assert "Par SSH\u202f: <code>" in page and "</code>\u202f; voir «&nbsp;Clés&nbsp;»." in page
