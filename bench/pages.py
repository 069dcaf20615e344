"""Throughput of the pages readers read, against a static file, on the same server.

Starts gunicorn (production settings, a throw-away SQLite database with the seed
content), drives it with wrk on loopback, and prints requests per second for a
small static file, the home page and a documentation page, with their ratios.

    python bench/pages.py [--workers 2] [--seconds 10] [--connections 16]

Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {url}")


def requests_per_second(url, *, seconds, connections):
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    )
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{result.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    folder = Path(tempfile.mkdtemp(prefix="espri-bench-pages-"))
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_HTTPS": "0",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    manage = [PYTHON, "manage.py"]
    for command in (["migrate", "-v0"], ["seed"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    manifest = json.loads((folder / "static" / "staticfiles.json").read_text())
    static_path = "/static/" + manifest["paths"]["img/favicon.svg"]

    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "espri_ia.wsgi",
            f"--workers={args.workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz")
        pages = {
            "static file": static_path,
            "home page": "/",
            "doc page": "/docs/cluster/gpu/",
            "docs index": "/docs/",
            "project list": "/projects/",
            "project page": "/projects/extremeweather/",
            "event list": "/events/",
            "search": "/search/?q=memoire",
        }
        for path in pages.values():  # warm the caches
            urllib.request.urlopen(base + path).read()
        figures = {
            name: requests_per_second(
                base + path, seconds=args.seconds, connections=args.connections
            )
            for name, path in pages.items()
        }
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(folder, ignore_errors=True)

    static = figures["static file"]
    print(
        f"gunicorn {args.workers} sync workers, wrk {args.connections} connections, {args.seconds} s each"
    )
    for name, rps in figures.items():
        print(f"{name:<12} {rps:8.0f} req/s   {rps / static:5.2f} × static")
    target = figures["doc page"] / static
    print(f"doc page / static file = {target:.2f} (target ≥ 0.33)")
    return 0 if target >= 1 / 3 else 1


if __name__ == "__main__":
    sys.exit(main())
