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


def test_a_cached_readers_page_is_kept_compressed_and_served_to_every_client(
    client, django_assert_num_queries
):
    doc_page("cluster", title="Le cluster")
    fresh = client.get("/docs/cluster/", HTTP_ACCEPT_ENCODING="gzip")
    page = gzip.decompress(fresh.content)
    with django_assert_num_queries(1):  # from the cache, zipped when it was kept
        cached = client.get("/docs/cluster/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert cached["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in cached["Vary"]
    assert int(cached["Content-Length"]) == len(cached.content)
    assert gzip.decompress(cached.content) == page
    # Compressed once when kept: GZipMiddleware's random padding would differ each time.
    assert client.get("/docs/cluster/", HTTP_ACCEPT_ENCODING="gzip").content == cached.content
    plain = client.get("/docs/cluster/", HTTP_ACCEPT_ENCODING="identity")
    assert not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in plain["Vary"]
    assert plain.content == page


def test_a_members_cached_page_is_compressed_afresh_with_their_token(member, client):
    doc_page("cluster", title="Le cluster")
    client.force_login(member)
    pages = []
    for _ in range(2):  # rendered, then from the cache
        response = client.get("/docs/cluster/", HTTP_ACCEPT_ENCODING="gzip")
        assert response["Content-Encoding"] == "gzip"
        pages.append(gzip.decompress(response.content))
    assert b'name="csrfmiddlewaretoken" value="' in pages[1]
    assert b"\x00csrf\x00" not in pages[1]
    assert pages[0] != pages[1]  # the token is masked afresh for each page
