"""Benchmark: the search of the base over real HTTP, SQLite and PostgreSQL side by side with
Datasette (issue 20, item 6).

    .venv/bin/python bench/base_search.py --size 100000 --data-dir D            # makes the data
    .venv/bin/python bench/base_search.py --size 100000 --data-dir P --database-url URL
    .venv/bin/python bench/base_search_http.py --data-dir D [--database-url URL --pg-data-dir P]

What it does, on data that `bench/base_search.py` generated and kept (synthetic alliances,
labelled so; its Datasette export `bench.db` beside the SQLite file):
1. starts gunicorn (`--workers 2`, the project's `gunicorn.conf.py`: each worker warms up before
   it answers) on the SQLite data, another on the PostgreSQL data when given, and Datasette
   (`datasette serve`, from the benchmark's own virtual environment) on the same data;
2. sends every search of `bench/searches.py` (ten text + 2 filters, seven broad ones) to each
   system, interleaved (each round sends each search to each system in a shuffled order, so
   that the machine's noise hits them alike), `--requests` timed rounds after one untimed;
3. then `--clients` concurrent clients for `--seconds` on each system in turn (the API, the
   same mix of searches), counting requests per second, errors and the 95th percentile.
The clients run on the same 2 cores as the servers: the figures are upper bounds of latency
and lower bounds of capacity. Writes bench/results/base_search_http.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import git_revision, header  # noqa: E402
from searches import BROAD, SEARCHES, datasette_url, query_of  # noqa: E402

PARSER = argparse.ArgumentParser(description=__doc__.split("\n")[0])
PARSER.add_argument("--data-dir", help="SQLite data made by bench/base_search.py --data-dir")
PARSER.add_argument("--database-url", help="PostgreSQL database made by bench/base_search.py")
PARSER.add_argument("--pg-data-dir", help="the data directory of that PostgreSQL run")
PARSER.add_argument("--requests", type=int, default=20, help="timed rounds per search")
PARSER.add_argument("--clients", type=int, default=8)
PARSER.add_argument("--seconds", type=float, default=30)
PARSER.add_argument("--workers", type=int, default=2)
PARSER.add_argument("--venv", default="/tmp/bench-datasette-venv")
PARSER.add_argument("--no-datasette", action="store_true")
PARSER.add_argument(
    "--pages", action="store_true", help="also the HTML search page of the SQLite server"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class System:
    name: str
    port: int
    process: subprocess.Popen
    urls: list[str | None]  # one per search of ALL, None when the system has no equivalent
    times: dict[int, list[float]] = field(default_factory=dict)

    def get(self, url: str) -> float:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        started = time.perf_counter()
        connection.request("GET", url)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        connection.close()
        if response.status != 200:
            raise RuntimeError(f"{self.name}: {url} answered {response.status}")
        return elapsed

    def stop(self) -> None:
        if self.process.poll() is not None:  # a second view of a server already stopped
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


ALL = SEARCHES + BROAD


def _wait(port: int, path: str, process: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on {port} stopped ({process.returncode})")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the server on {port} did not answer in {seconds:.0f} s")


def start_platform(name: str, data_dir: str, database_url: str | None, workers: int) -> System:
    env = {
        **os.environ,
        "ALLIANCES_DATA_DIR": data_dir,
        "DJANGO_SECRET_KEY": "bench",
        "ALLIANCES_TESTING": "1",  # static files from the apps, no collectstatic needed
        "ALLIANCES_API_RATE_PER_MINUTE": "0",  # the clients share one address
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    port = free_port()
    python = Path(sys.executable)
    process = subprocess.Popen(
        [str(python.with_name("gunicorn")), "alliances.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "--timeout", "120"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(data_dir) / f"gunicorn-{name}.log", "wb"),  # noqa: SIM115
    )
    _wait(port, "/healthz", process)
    urls = ["/api/v1/alliances?" + urlencode({**query_of(t, f), "page_size": "20"}) for t, f in ALL]
    return System(name, port, process, list(urls))


def start_datasette(data_dir: str, venv: str) -> System:
    python = Path(venv) / "bin" / "python"
    database = Path(data_dir) / "bench.db"
    if not python.exists() or not database.exists():
        raise RuntimeError(f"run bench/base_search.py first ({python} and {database} needed)")
    port = free_port()
    process = subprocess.Popen(
        [str(python), "-m", "datasette", "serve", str(database), "-p", str(port)]
        + ["--setting", "sql_time_limit_ms", "60000", "--setting", "facet_time_limit_ms", "60000"]
        + ["--setting", "suggest_facets", "off", "--setting", "default_facet_size", "100"],
        stdout=subprocess.DEVNULL,
        stderr=open(Path(data_dir) / "datasette.log", "wb"),  # noqa: SIM115
    )
    _wait(port, "/-/versions.json", process)
    return System("Datasette", port, process, [datasette_url("bench", t, f) for t, f in ALL])


def interleaved(systems: list[System], rounds: int) -> None:
    """Round 0 is untimed (each worker's first sight of each search)."""
    order = list(range(len(ALL)))
    for round_ in range(rounds + 1):
        random.shuffle(order)
        for i in order:
            shuffled = systems[:]
            random.shuffle(shuffled)
            for system in shuffled:
                url = system.urls[i]
                if url is None:
                    continue
                elapsed = system.get(url)
                if round_:
                    system.times.setdefault(i, []).append(elapsed)


def concurrent(system: System, clients: int, seconds: float) -> dict[str, float]:
    urls = [u for u in system.urls if u is not None]
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            try:
                elapsed = system.get(rng.choice(urls))
            except Exception:  # noqa: BLE001 - an error is counted, the client goes on
                with lock:
                    errors[0] += 1
                continue
            with lock:
                latencies.append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "per_second": len(latencies) / wall,
        "median": statistics.median(latencies) if latencies else 0.0,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0,
        "errors": errors[0],
    }


def _stats(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def _label(i: int) -> str:
    text, filters = ALL[i]
    shown = f"« {text} »" if text else "(no text)"
    return shown + (" " + ", ".join(f"{k}={v}" for k, v in filters.items()) if filters else "")


def report(systems: list[System], loads: tuple[float, float], load: dict, args) -> str:
    lines = header(
        "Search of the base over HTTP: SQLite, PostgreSQL and Datasette side by side",
        "python bench/base_search_http.py " + " ".join(sys.argv[1:]),
    )
    lines += [
        f"Revision {git_revision()}. Synthetic alliances made by `bench/base_search.py`; the "
        f"platform through gunicorn ({args.workers} workers, warmed up by `gunicorn.conf.py`), "
        "Datasette through `datasette serve` on its export of the same data. Each search sent "
        f"to each system in shuffled order, {args.requests} timed rounds after one untimed. "
        "Clients on the same 2 cores as the servers. Load average (1 min): "
        f"{loads[0]:.1f} at the start, {loads[1]:.1f} at the end.",
        "",
        "| search | " + " | ".join(f"{s.name} median / p95 ms" for s in systems) + " |",
        "|---|" + "---:|" * len(systems),
    ]
    for i in range(len(ALL)):
        cells = []
        for s in systems:
            if i in s.times:
                median, p95 = _stats(s.times[i])
                cells.append(f"{median:.1f} / {p95:.1f}")
            else:
                cells.append("—")
        lines.append(f"| {_label(i)} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| system | all searches median ms | p95 ms | narrow set median | broad set median |",
    ]
    lines.append("|---|---:|---:|---:|---:|")
    for s in systems:
        every = [t for i in s.times for t in s.times[i]]
        narrow = [t for i in s.times if i < len(SEARCHES) for t in s.times[i]]
        broad = [t for i in s.times if i >= len(SEARCHES) for t in s.times[i]]
        median, p95 = _stats(every)
        lines.append(
            f"| {s.name} | {median:.1f} | {p95:.1f} | {_stats(narrow)[0]:.1f} | "
            + (f"{_stats(broad)[0]:.1f} |" if broad else "— |")
        )
    lines += [""]
    base = systems[0]
    for other in systems[1:]:
        ratios = [
            _stats(base.times[i])[0] / _stats(other.times[i])[0]
            for i in base.times
            if i in other.times
        ]
        if ratios:
            lines.append(
                f"- {base.name} / {other.name}, median of per-search ratios of medians: "
                f"{statistics.median(ratios):.2f} over {len(ratios)} searches."
            )
    pg = next((s for s in systems if s.name == "PostgreSQL"), None)
    if pg is not None:
        ratios = [_stats(pg.times[i])[0] / _stats(base.times[i])[0] for i in pg.times]
        lines.append(
            f"- {pg.name} / {base.name}, median of per-search ratios: "
            f"{statistics.median(ratios):.2f}."
        )
    lines += [
        "",
        f"Concurrency: {args.clients} clients for {args.seconds:.0f} s on each system in turn "
        "(threads of one process, random searches of the set).",
        "",
        "| system | requests | req/s | median ms | p95 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in load.items():
        lines.append(
            f"| {name} | {r['requests']:,} | {r['per_second']:.1f} | {r['median']:.0f} | "
            f"{r['p95']:.0f} | {r['errors']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    args = PARSER.parse_args()
    if not args.data_dir:
        print("skipped: give --data-dir, the data kept by bench/base_search.py --data-dir")
        return
    loads = [os.getloadavg()[0]]
    systems: list[System] = []
    try:
        systems.append(start_platform("SQLite", args.data_dir, None, args.workers))
        if args.pages:
            api = systems[0]
            pages = [u.replace("/api/v1/alliances?", "/alliances/?", 1) for u in api.urls]
            systems.append(System("SQLite page", api.port, api.process, list(pages)))
        if args.database_url:
            pg_dir = args.pg_data_dir or args.data_dir
            systems.append(start_platform("PostgreSQL", pg_dir, args.database_url, args.workers))
        if not args.no_datasette:
            systems.append(start_datasette(args.data_dir, args.venv))
        print("servers up:", ", ".join(f"{s.name} :{s.port}" for s in systems), flush=True)
        interleaved(systems, args.requests)
        print("interleaved rounds done", flush=True)
        load = {
            s.name: concurrent(s, args.clients, args.seconds)
            for s in systems
            if s.name != "SQLite page"
        }
        loads.append(os.getloadavg()[0])
    finally:
        for s in systems:
            s.stop()
    text = report(systems, (loads[0], loads[-1]), load, args)
    out = HERE / "results" / "base_search_http.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
