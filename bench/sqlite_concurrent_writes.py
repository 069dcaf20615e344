"""Many members writing at the same instant on the site's SQLite configuration.

Each writer opens a transaction, reads, then writes (the shape of saving a survey
answer): under SQLite's default DEFERRED transactions that pattern fails with
"database is locked"; with the site's settings (WAL, IMMEDIATE, busy timeout)
every write queues and lands.

    python bench/sqlite_concurrent_writes.py [--writers 200] [--transaction-mode DEFERRED]

Prints the figures; exits 1 when a write was lost or failed.
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=200)
    parser.add_argument(
        "--transaction-mode",
        default=None,
        help="override the site's transaction mode (e.g. DEFERRED, to see what it prevents)",
    )
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="espri-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DJANGO_DEBUG"] = "1"  # a throw-away database: no secret needed
    os.environ["DJANGO_SETTINGS_MODULE"] = "espri_ia.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, connections, transaction

    options = settings.DATABASES["default"]["OPTIONS"]
    if args.transaction_mode:
        options["transaction_mode"] = args.transaction_mode
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE answer (id INTEGER PRIMARY KEY, writer INTEGER, seen INTEGER)")
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
    connection.close()

    start_together = threading.Barrier(args.writers)
    errors = []
    waits = []

    def write(writer):
        try:
            start_together.wait()
            began = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM answer")
                seen = cursor.fetchone()[0]
                cursor.execute("INSERT INTO answer (writer, seen) VALUES (%s, %s)", [writer, seen])
            waits.append(time.perf_counter() - began)
        except Exception as error:  # every failure is a figure to print
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(args.writers)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT writer) FROM answer")
        stored, distinct = cursor.fetchone()

    waits.sort()
    print(f"journal mode          {journal_mode}")
    print(f"transaction mode      {options.get('transaction_mode') or 'DEFERRED'}")
    print(f"busy timeout          {options.get('timeout')} s")
    print(f"writers               {args.writers}")
    print(f"rows stored           {stored} ({distinct} distinct writers)")
    print(f"failed writes         {len(errors)}")
    print(f"wall time             {elapsed:.3f} s ({stored / elapsed:.0f} writes/s)")
    if waits:
        print(
            f"median / slowest wait {waits[len(waits) // 2] * 1000:.1f} / {waits[-1] * 1000:.1f} ms"
        )
    for message in sorted(set(errors))[:5]:
        print(f"error                 {message}")
    return 0 if stored == args.writers and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
