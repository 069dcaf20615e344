"""Pages go out gzip-compressed to browsers that accept it, for every role."""

import gzip

import pytest

from tests.factories import doc_page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["anonymous", "member", "coordinator"])
def test_pages_are_compressed_when_the_browser_accepts_it(who, client, member, coordinator):
    doc_page("cluster", title="Le cluster")
    if who != "anonymous":
        client.force_login(member if who == "member" else coordinator)
    for path in ("/", "/en/", "/docs/cluster/", "/survey/"):
        response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert response.status_code == 200, path
        assert response["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in response["Vary"], path
        page = gzip.decompress(response.content).decode()
        assert "</html>" in page and len(response.content) < len(page) / 2, path


def test_pages_stay_plain_for_clients_without_gzip(client):
    response = client.get("/")
    assert not response.has_header("Content-Encoding")
    assert "</html>" in response.content.decode()
