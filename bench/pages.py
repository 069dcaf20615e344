"""Throughput of the pages readers read, against a static file, on the same server.

Starts gunicorn (bench/served_site.py: production settings, a throw-away SQLite
database with the seed content and the 2026 survey edition closed with
--responses answers), drives it with wrk on loopback, and prints requests per
second for a small static file and the pages readers read, anonymous and signed
in as a member, asked for as a browser asks (compressed), with their ratios to the
static file.

    python bench/pages.py [--workers 2] [--seconds 10] [--connections 16] [--responses 10000]

Targets (issue 17 and the product design): an anonymous reader's docs, catalogue and
events pages ≥ 0.33 times static; a reader's
cached results page ≥ 0.25 times; a signed-in member's doc page, home and project
list ≥ 0.15 times. Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import http.client
import re
import shutil
import subprocess
import sys
import urllib.parse

from served_site import first_link, served_site

# What Chromium sends: pages come gzipped (GZipMiddleware), static files brotli (WhiteNoise).
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"
# What readers read (docs, catalogue, events), without a session: the product asks a
# third of a static file's throughput for each.
READER_PAGES = {
    "doc page": "/docs/cluster/gpu/",
    "docs index": "/docs/",
    "project list": "/projects/",
    "event list": "/events/",
}


def requests_per_second(url, *, seconds, connections, cookie=None):
    headers = ["-H", f"Accept-Encoding: {BROWSER_ENCODINGS}"]
    if cookie:
        headers += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", *headers, url],
        capture_output=True,
        text=True,
        check=True,
    )
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{result.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def status_of(url, cookie=None):
    """The status of one GET, redirects not followed (wrk counts a 302 as a success)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                       headers={"Cookie": cookie} if cookie else {})  # fmt: skip
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--responses", type=int, default=10000)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    with served_site(responses=args.responses, workers=args.workers) as site:
        member, results = site.member_cookie, site.results
        # The first project and event listed: the seed dates its events from the day it runs.
        reader_pages = {
            **READER_PAGES,
            "project page": first_link(site, "/projects/"),
            "event page": first_link(site, "/events/"),
        }
        # (name, path, cookie): what a reader without a session reads, then a member.
        pages = [
            ("static file", site.static_file, None),
            ("home page", "/", None),
            *((name, path, None) for name, path in reader_pages.items()),
            ("search", "/search/?q=memoire", None),
            (f"results ({args.responses:,})", results, None),
            ("member: home", "/", member),
            ("member: doc page", "/docs/cluster/gpu/", member),
            ("member: projects", "/projects/", member),
            ("member: results", results, member),
            # Again at the end: the machine drifts, so the reference is the mean of both.
            ("static file, again", site.static_file, None),
        ]
        for _name, path, cookie in pages:  # warm the caches, and check each page is served
            status = status_of(site.base + path, cookie)
            if status != 200:
                raise SystemExit(f"{path}: HTTP {status}")
        figures = {
            name: requests_per_second(
                site.base + path, seconds=args.seconds, connections=args.connections, cookie=cookie
            )
            for name, path, cookie in pages
        }

    static = (figures["static file"] + figures["static file, again"]) / 2
    print(
        f"gunicorn {args.workers} sync workers, wrk {args.connections} connections, {args.seconds} s each"
    )
    for name, rps in figures.items():
        print(f"{name:<20} {rps:8.0f} req/s   {rps / static:5.2f} × static (mean of both)")
    # Pages that readers read (docs, catalogue, events): a third of a static file.
    targets = [
        *((name, 1 / 3) for name in reader_pages),
        (f"results ({args.responses:,})", 0.25),
        ("member: home", 0.15),
        ("member: doc page", 0.15),
        ("member: projects", 0.15),
    ]
    missed = 0
    for name, target in targets:
        ratio = figures[name] / static
        missed += ratio < target
        print(f"{name} / static file = {ratio:.2f} (target ≥ {target:.2f})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
