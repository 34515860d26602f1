"""Load test: 50 concurrent clients for 60 s on the search API and pages, served by the
documented production setup (docs/deployment.md: gunicorn, 4 workers × 2 threads,
PostgreSQL, Redis as the shared cache, rate limits on) on this machine.

    python bench/load.py [--clients 50] [--seconds 60] [--alliances 10000]

Reports errors, median and 95th-percentile latencies and requests per second. Traffic goes to
127.0.0.1 only; every loop is bounded in time. The clients run in 2 processes on the same
2-core machine as the server, so the figures are a lower bound of what the server can do.
Each client sends its own `X-Forwarded-For` address, as the reverse proxy would, so the API
rate limit (per address, counted in Redis) applies per client as in production.
"""

import argparse
import http.client
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from common import (  # noqa: E402
    free_port,
    git_revision,
    header,
    start_gunicorn,
    wait_for_warm_workers,
)

DB = "alliances_bench_load"
REDIS = "redis://127.0.0.1:6379/7"  # a database of its own, emptied before the run
PATHS = [
    "/api/v1/alliances?q=emploi&page_size=20",
    "/api/v1/alliances?q=solidarite&type=mecenat",
    "/api/v1/alliances?territory=region:84&domain=education",
    "/api/v1/alliances?q=insertion&sort=date",
    "/alliances/?q=emploi",
    "/alliances/?domain=sante&kind=alliance",
    "/alliances/?q=partenariat+entreprise",
    "/",
]


def _client_process(
    port: int, threads: int, seconds: float, queue: multiprocessing.Queue, group: int
) -> None:
    results: list[tuple[float, int, str, float]] = []
    lock = threading.Lock()
    begun = time.monotonic()
    deadline = begun + seconds

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        headers = {"X-Forwarded-For": f"10.0.{group}.{seed + 1}"}  # one address per client
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local = []
        while time.monotonic() < deadline:
            path = rng.choice(PATHS)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed_ms = (time.perf_counter() - started) * 1000
            local.append((elapsed_ms, status, path, time.monotonic() - begun))
        with lock:
            results.extend(local)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    queue.put(results)


def _windows(results: list[tuple[float, int, str, float]], seconds: float) -> list[str]:
    """Whether the slow requests are spread over the run (queueing) or gathered in a few
    moments (a pause of the server: a cache rebuilt, a checkpoint...)."""
    rows = []
    for start in range(0, int(seconds), 10):
        times = sorted(ms for ms, _, _, at in results if start <= at < start + 10)
        if times:
            rows.append(
                f"| {start}–{start + 10} | {len(times):,} | {statistics.median(times):.0f} | "
                f"{times[int(0.95 * (len(times) - 1))]:.0f} | {times[-1]:.0f} |"
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--alliances", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    url = f"postgres://postgres@127.0.0.1:5432/{DB}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SECRET_KEY": "bench-load",
        "CACHE_BACKEND": "django.core.cache.backends.redis.RedisCache",
        "CACHE_LOCATION": REDIS,
        "ALLIANCES_TRUST_X_FORWARDED_FOR": "1",
        "DJANGO_SETTINGS_MODULE": "alliances.settings",
        "ALLIANCES_DATA_DIR": f"/tmp/{DB}",
    }
    env.pop("ALLIANCES_TESTING", None)
    subprocess.run(["redis-cli", "-n", REDIS.rsplit("/", 1)[1], "FLUSHDB"], check=True)
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    python = sys.executable
    subprocess.run([python, "manage.py", "setup", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "generate_synthetic_alliances", str(args.alliances), "--seed", "3"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    port = free_port()
    server_log = tempfile.NamedTemporaryFile(prefix="bench-load-gunicorn-", suffix=".log")
    server = start_gunicorn(python, env, port, args.workers, server_log)
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        wait_for_warm_workers(Path(server_log.name), args.workers, timeout=180)
        for path in PATHS:  # warm every worker's caches a little
            for _ in range(args.workers):
                urllib.request.urlopen(
                    f"http://127.0.0.1:{port}{urllib.parse.quote(path, safe='/?=&+:')}"
                )
        queue: multiprocessing.Queue = multiprocessing.Queue()
        per_process = [args.clients // 2, args.clients - args.clients // 2]
        started = time.perf_counter()
        procs = [
            multiprocessing.Process(
                target=_client_process, args=(port, n, args.seconds, queue, group)
            )
            for group, n in enumerate(per_process)
        ]
        for p in procs:
            p.start()
        results = [r for _ in procs for r in queue.get()]
        for p in procs:
            p.join()
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        server_log.close()
    latencies = sorted(ms for ms, _, _, _ in results)
    errors = sum(1 for _, status, _, _ in results if status == 0 or status >= 500)
    by_status: dict[int, int] = {}
    for _, status, _, _ in results:
        by_status[status] = by_status.get(status, 0) + 1
    per_path = []
    for path in PATHS:
        times = sorted(ms for ms, _, p, _ in results if p == path)
        if times:
            per_path.append(
                f"| `{path}` | {len(times):,} | {statistics.median(times):.0f} | "
                f"{times[int(0.95 * (len(times) - 1))]:.0f} |"
            )
    lines = header(
        f"Load: {args.clients} concurrent clients for {args.seconds:.0f} s",
        f"python bench/load.py --clients {args.clients} --seconds {args.seconds:.0f}",
    )
    lines += [
        f"Revision {git_revision()}; gunicorn {args.workers} workers × 2 threads on PostgreSQL 15 "
        f"with Redis as the shared cache, {args.alliances:,} synthetic alliances + the shipped "
        "content; clients in 2 processes on the same 2 cores (a lower bound of the server's "
        "capacity); API rate limit on, one X-Forwarded-For address per client (429 answers are "
        "counted under statuses, not as errors).",
        f"URLs (random mix): {', '.join(f'`{p}`' for p in PATHS)}.",
        "",
        "| requests | errors (5xx or failed) | statuses | req/s | median ms | p95 ms | max ms |",
        "|---:|---:|---|---:|---:|---:|---:|",
        f"| {len(results):,} | {errors} | {by_status} | {len(results) / elapsed:.1f} | "
        f"{statistics.median(latencies):.0f} | {latencies[int(0.95 * (len(latencies) - 1))]:.0f} "
        f"| {latencies[-1]:.0f} |",
        "",
        "| URL | requests | median ms | p95 ms |",
        "|---|---:|---:|---:|",
        *per_path,
        "",
        "Over time (requests by the second they ended in, 10 s windows):",
        "",
        "| seconds | requests | median ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|",
        *_windows(results, args.seconds),
        "",
        f"Load average (1 min) at the end: {os.getloadavg()[0]:.1f} on 2 cores.",
        "",
    ]
    (HERE / "results" / "load.md").write_text("\n".join(lines))
    print("\n".join(lines))
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB])


if __name__ == "__main__":
    main()
