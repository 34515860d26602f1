"""Benchmark: faceted search of the base of alliances on synthetic data, side by side.

    .venv/bin/python bench/base_search.py                  # 100,000 alliances
    .venv/bin/python bench/base_search.py --size 1000000   # also 1,000,000 (long)
    .venv/bin/python bench/base_search.py --data-dir DIR   # reuse a generated database
    .venv/bin/python bench/base_search.py --database-url postgres://.../name  # on PostgreSQL

1. A fresh SQLite database (throw-away data directory): reference data (`setup
   --reference-only`), N synthetic alliances (`generate_synthetic_alliances N --no-index`,
   labelled synthetic), then the full-text index rebuilt (timed).
2. A set of faceted searches (text + 2 filters, first page of 20 with the counts of every
   facet) through Django: the API (/api/v1/alliances), the HTML page (/alliances/) and the
   executor alone, in-process (django.test.Client: server time without network).
3. The bare SQL the executor sent for the same searches, replayed on a plain sqlite3
   connection: the overhead of Django and of building the answer.
4. Datasette, installed from PyPI into the benchmark's own virtual environment
   (/tmp/bench-datasette-venv), on the same data exported to one SQLite file (one table with
   JSON arrays for multi-valued fields, an FTS5 table on title, summary, description and
   partner names), with the same filters and facets (`_search`, `__arraycontains`,
   `_facet`, `_facet_array`), called in-process through its ASGI client.
Writes bench/results/base_search.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PARSER = argparse.ArgumentParser(description=__doc__.split("\n")[0])
PARSER.add_argument("--size", type=int, default=100_000)
PARSER.add_argument("--data-dir", help="reuse this data directory (keeps the generated data)")
PARSER.add_argument("--runs", type=int, default=60)
PARSER.add_argument("--skip-datasette", action="store_true")
PARSER.add_argument("--venv", default="/tmp/bench-datasette-venv")
PARSER.add_argument(
    "--database-url",
    help="run on this PostgreSQL database (kept: generated once) instead of a SQLite file",
)
PARSER.add_argument(
    "--explain", action="store_true", help="PostgreSQL: EXPLAIN ANALYZE each statement"
)
PARSER.add_argument(
    "--no-semantic", action="store_true", help="leave the semantic part (vectors) out"
)
PARSER.add_argument(
    "--embed-sample",
    type=int,
    default=0,
    help="embed only this many alliances for real (throughput measured and extrapolated); "
    "the others get the vector of their title's pattern (structure and theme, place left "
    "out), said in the results, so that the search runs over every vector",
)
ARGS = PARSER.parse_args()

DATA_DIR = ARGS.data_dir or tempfile.mkdtemp(prefix="alliances-bench-search-")
os.environ["ALLIANCES_DATA_DIR"] = DATA_DIR
os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
os.environ["ALLIANCES_TESTING"] = "1"
if ARGS.database_url:
    os.environ["DATABASE_URL"] = ARGS.database_url
else:
    os.environ.pop("DATABASE_URL", None)  # SQLite file in the data directory

from common import git_revision, header, setup_django  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from searches import BROAD, SEARCHES, datasette_url  # noqa: E402

from alliances.base.models import Alliance  # noqa: E402
from alliances.base.search import index, places, semantic  # noqa: E402
from alliances.base.search.executor import run_search  # noqa: E402
from alliances.base.search.query import parse_query  # noqa: E402
from alliances.common import embeddings, vectors  # noqa: E402
from alliances.territories.models import Territory  # noqa: E402


def timed(label: str, func) -> float:
    started = time.perf_counter()
    func()
    elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed:.1f} s", flush=True)
    return elapsed


def prepare(size: int) -> dict[str, float]:
    times = {}
    # Resuming a generation: the reference data is there, and setup would re-index the
    # partial base (and embed it for real, semantic part on) before going on.
    # A new data directory has an empty database: no table to ask yet.
    fresh = Alliance._meta.db_table not in connection.introspection.table_names()
    if fresh or not Alliance.objects.filter(synthetic=True).exists():
        times["reference data (setup --reference-only)"] = timed(
            "setup", lambda: call_command("setup", "--reference-only", verbosity=0)
        )
    existing = Alliance.objects.filter(synthetic=True).count()
    if existing < size:
        times[f"generate {size - existing:,} synthetic alliances"] = timed(
            "generate",
            lambda: call_command(
                "generate_synthetic_alliances", size - existing, "--no-index", verbosity=0
            ),
        )
    if "generate" in " ".join(times) or index.indexed_count() != Alliance.objects.count():
        with override_settings(ALLIANCES_SEARCH_SEMANTIC=False):
            times["rebuild the full-text index"] = timed(
                "index", lambda: index.rebuild_index(progress=Progress("index"))
            )
    if not ARGS.no_semantic and ARGS.embed_sample:
        times.update(embedding_throughput(ARGS.embed_sample))
    if not ARGS.no_semantic and semantic.missing("default"):
        if ARGS.embed_sample:
            times.update(vectors_from_patterns())
        else:
            label = f"embed {semantic.missing('default'):,} alliances (vectors, 2 processes)"
            times[label] = timed("vectors", embed_with_progress)
    elif not ARGS.no_semantic:
        times[f"vectors already stored ({vectors.count('alliance'):,})"] = 0.0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")
    return times


class Progress:
    """Prints the alliances indexed every 50,000, with the time and the load average."""

    def __init__(self, label: str) -> None:
        self.label, self.done, self.started = label, 0, time.perf_counter()

    def __call__(self, count: int) -> None:
        before, self.done = self.done, self.done + count
        if before // 50_000 != self.done // 50_000:
            print(
                f"{self.label}: {self.done:,} in {time.perf_counter() - self.started:.0f} s "
                f"(load {os.getloadavg()[0]:.1f})",
                flush=True,
            )


def embed_with_progress() -> None:
    from tqdm import tqdm

    with tqdm(total=Alliance.objects.count(), unit=" alliances", desc="vectors") as bar:
        semantic.embed_alliances(None, "default", bar.update)


PLACE_PHRASE = re.compile(r" (?:à |en |dans le département |sur le territoire de ).*$")


def embedding_throughput(sample: int) -> dict[str, float]:
    """Embed the texts of `sample` alliances as the index does (title, summary, start of the
    description; one worker process per core), timed: the indexing throughput."""
    rows = Alliance.objects.order_by("id").values_list("title", "summary", "description")
    texts = [semantic.passage(*row) for row in rows[:sample]]
    started = time.perf_counter()
    embeddings.embed_passages(texts)
    seconds = time.perf_counter() - started
    embeddings.close_workers()
    rate = len(texts) / seconds
    words = sum(len(t.split()) for t in texts) / len(texts)
    label = (
        f"embed {len(texts):,} alliances' texts ({words:.0f} words each, "
        f"{embeddings.processes()} processes): {rate:.1f}/s, so 100,000 in "
        f"{100_000 / rate / 60:.0f} min (extrapolated)"
    )
    print(label, flush=True)
    return {label: seconds}


def vectors_from_patterns() -> dict[str, float]:
    """Give every alliance without a vector the vector of its title's pattern (structure and
    theme, place left out), embedded once per pattern: not a real indexing, said so."""
    started = time.perf_counter()
    stored = set(vectors.digests_of_all("alliance"))
    rows = [r for r in Alliance.objects.values_list("id", "title") if r[0] not in stored]
    patterns = sorted({PLACE_PHRASE.sub("", title) for _id, title in rows})
    made_patterns = embeddings.embed_passages(patterns)
    by_pattern = dict(zip(patterns, made_patterns, strict=True))
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        vectors.write(
            "alliance",
            [(pk, "pattern", by_pattern[PLACE_PHRASE.sub("", title)]) for pk, title in chunk],
        )
    vectors.train("alliance")
    embeddings.close_workers()
    label = (
        f"vectors of {len(rows):,} alliances from their {len(patterns):,} title patterns "
        "(not a real indexing), lists trained"
    )
    print(label, flush=True)
    return {label: time.perf_counter() - started}


def bench_understanding(runs: int) -> dict[str, dict[str, float]]:
    """Query embedding (distinct texts, no cache) and place recognition, in milliseconds."""
    texts = [f"{text} {i}" for i in range(max(3, runs // len(SEARCHES))) for text, _f in SEARCHES]
    out = {}
    if embeddings.enabled():
        embeddings.embed_query("échauffement")
        times = []
        for text in texts:
            started = time.perf_counter()
            embeddings.embed_query(text)
            times.append((time.perf_counter() - started) * 1000)
        out["query embedding (distinct texts)"] = _stats(times)
    samples = [
        "insertion Lille",
        "Gers",
        "59",
        "Occitanie",
        "Alsace",
        "st etienne",
        "75011",
        "aider les seniors à rester chez eux dans le Gers",
        "Saint-Denis",
        "jardins",
    ]
    places.gazetteer()
    times = []
    for _ in range(max(5, runs // 2)):
        for sample in samples:
            started = time.perf_counter()
            places.read_places(sample.split())
            times.append((time.perf_counter() - started) * 1000)
    out["place recognition"] = _stats(times)
    return out


def worker_memory() -> str:
    """Resident memory of a fresh process (bench/worker_memory.py: the searches lexically, then
    with the model and vectors loaded): VmRSS after the searches and VmHWM, its peak. Not
    getrusage's ru_maxrss, which a process started from this one inherits (the benchmark's
    own peak, 1 GB and more, was printed as the worker's before)."""
    done = subprocess.run(
        [sys.executable, str(HERE / "worker_memory.py"), "--json"],
        capture_output=True,
        text=True,
        env=os.environ,
        check=False,
    )
    if done.returncode != 0:
        return f"failed: {done.stderr.strip()[-300:]}"
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return (
        f"{figures['VmRSS']} MB resident after the searches (VmRSS), peak {figures['VmHWM']} MB "
        f"(VmHWM; of which {figures['RssFile']} MB mapped files: the model, the SQLite file)"
    )


def params_of(text: str, filters: dict[str, str]) -> dict[str, str]:
    return {"q": text, **filters, "page_size": "20"}


def bench_django(runs: int, searches: list | None = None) -> tuple:
    searches = SEARCHES if searches is None else searches
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    api_t, page_t, exe_t, conj_t = [], [], [], []
    recorded: list[list[tuple[str, list]]] = []
    counts = []
    for text, filters in searches:
        params = params_of(text, filters)
        url = "/api/v1/alliances?" + urlencode(params)
        page_url = "/alliances/?" + urlencode(params)
        response = client.get(url)
        assert response.status_code == 200, response.content[:500]
        data = response.json()
        counts.append(data["count"])
        statements: list[tuple[str, list]] = []

        def record(execute, sql, params_, many, context, statements=statements):
            statements.append((sql, list(params_ or [])))
            return execute(sql, params_, many, context)

        with connection.execute_wrapper(record):
            query, _ = parse_query(params)
            run_search(query)
        recorded.append(statements)
        per = max(5, runs // len(searches))
        api_t += _times(lambda u=url: client.get(u), per)
        page_t += _times(lambda u=page_url: client.get(u), per)
        exe_t += _times(lambda p=params: run_search(parse_query(p)[0]), per)
        conj_t += _times(lambda p=params: run_search(parse_query(p)[0], disjunctive=False), per)
    print("result counts:", counts, flush=True)
    return _stats(api_t), _stats(page_t), _stats(exe_t), _stats(conj_t), recorded, counts


def _times(func, runs: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        func()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _stats(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {
        "median": statistics.median(values),
        "p95": values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))],
        "runs": len(values),
    }


def bench_bare_sql(db_path: str, recorded: list[list[tuple[str, list]]], runs: int) -> dict:
    """Replay the executor's statements on a plain connection (sqlite3 or psycopg)."""
    if connection.vendor == "postgresql":
        return _bare_postgres(recorded, runs)
    raw = sqlite3.connect(db_path)
    per = max(5, runs // len(recorded))
    values: list[float] = []
    for statements in recorded:
        converted = [(sql.replace("%s", "?"), params) for sql, params in statements]

        def replay(converted=converted):
            for sql, params in converted:
                raw.execute(sql, params).fetchall()

        values += _times(replay, per)
    raw.close()
    return _stats(values)


def _bare_postgres(recorded: list[list[tuple[str, list]]], runs: int) -> dict:
    import psycopg

    raw = psycopg.connect(ARGS.database_url, autocommit=True)
    per = max(5, runs // len(recorded))
    values: list[float] = []
    for statements in recorded:

        def replay(statements=statements):
            for sql, params in statements:
                cursor = raw.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()

        values += _times(replay, per)
    raw.close()
    return _stats(values)


def explain(recorded: list[list[tuple[str, list]]], searches: list) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of each statement the executor sent, PostgreSQL only."""
    out = []
    with connection.cursor() as cursor:
        for (text, filters), statements in zip(searches, recorded, strict=True):
            out.append(f"### q={text!r} {filters}")
            for sql, params in statements:
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                out += ["", "```", sql[:2000], "```", "```"]
                out += [row[0] for row in cursor.fetchall()] + ["```"]
    return "\n".join(out)


# -- Datasette -----------------------------------------------------------------------------
DATASETTE_RUNNER = r"""
import asyncio, json, statistics, sys, time
from datasette.app import Datasette

db, urls, runs = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])

async def main():
    ds = Datasette([db], settings={
        "facet_time_limit_ms": 60000, "sql_time_limit_ms": 60000,
        "suggest_facets": False, "default_facet_size": 100, "max_returned_rows": 1000,
    })
    await ds.invoke_startup()
    times, counts = [], []
    for url in urls:
        for _ in range(2):
            r = await ds.client.get(url)
        data = r.json()
        assert r.status_code == 200, r.text[:500]
        counts.append(data.get("filtered_table_rows_count"))
        timed_out = data.get("facets_timed_out") or []
        if timed_out:
            print("facets timed out:", timed_out, file=sys.stderr)
        for _ in range(runs):
            t = time.perf_counter()
            await ds.client.get(url)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(json.dumps({"median": statistics.median(times),
                      "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
                      "runs": len(times), "counts": counts}))

asyncio.run(main())
"""


def export_for_datasette(target: Path) -> None:
    """One table `alliances` (JSON arrays for multi-valued fields) and its FTS5 index."""
    if target.exists():
        target.unlink()
    out = sqlite3.connect(target)
    out.execute(
        "CREATE TABLE alliances (id INTEGER PRIMARY KEY, title TEXT, summary TEXT, "
        "description TEXT, partners TEXT, kind TEXT, stage TEXT, region TEXT, "
        "start_year INTEGER, profiles TEXT, types TEXT, domains TEXT, sdg TEXT)"
    )
    src = sqlite3.connect(connection.settings_dict["NAME"])
    t = {
        "alliance": Alliance._meta.db_table,
        "territory": Territory._meta.db_table,
    }
    from alliances.base.search.schema import tables

    x = tables()
    rows = src.execute(
        f"""
        SELECT a.id, a.title, a.summary, a.description,
          (SELECT group_concat(o.name, ' ') FROM base_partner p JOIN base_organisation o
             ON o.id = p.organisation_id WHERE p.alliance_id = a.id),
          a.kind, st.key, rg.code, a.start_year,
          (SELECT json_group_array(DISTINCT pt.key) FROM base_partner p
             JOIN base_organisation o ON o.id = p.organisation_id
             JOIN referentials_term pt ON pt.id = o.profile_id WHERE p.alliance_id = a.id),
          (SELECT json_group_array(tt.key) FROM {x.types.table} y
             JOIN referentials_term tt ON tt.id = y.{x.types.other}
             WHERE y.{x.types.alliance} = a.id),
          (SELECT json_group_array(dt.key) FROM {x.domains.table} d
             JOIN referentials_term dt ON dt.id = d.{x.domains.other}
             WHERE d.{x.domains.alliance} = a.id),
          (SELECT json_group_array(g.number) FROM {x.goals.table} gg
             JOIN sdg_sdggoal g ON g.id = gg.{x.goals.other} WHERE gg.{x.goals.alliance} = a.id)
        FROM {t["alliance"]} a
        LEFT JOIN referentials_term st ON st.id = a.stage_id
        LEFT JOIN {t["territory"]} tr ON tr.id = a.territory_id
        LEFT JOIN {t["territory"]} rg ON rg.id = tr.region_id
        WHERE a.status = 'published'
        """
    )
    out.executemany("INSERT INTO alliances VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    for column in ("kind", "stage", "region", "start_year"):
        out.execute(f"CREATE INDEX alliances_{column} ON alliances ({column})")
    out.execute(
        "CREATE VIRTUAL TABLE alliances_fts USING fts5(title, summary, description, partners, "
        'content="alliances", content_rowid="id", tokenize="unicode61 remove_diacritics 2")'
    )
    out.execute("INSERT INTO alliances_fts (alliances_fts) VALUES ('rebuild')")
    out.commit()
    out.execute("ANALYZE")
    out.close()
    src.close()


def datasette_urls(db_name: str) -> list[str]:
    return [datasette_url(db_name, text, filters) or "" for text, filters in SEARCHES]


def bench_datasette(runs: int) -> dict | str:
    venv = Path(ARGS.venv)
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    check = subprocess.run([str(python), "-c", "import datasette"], capture_output=True)
    if check.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "datasette"], check=True)
    version = subprocess.run(
        [str(python), "-c", "import datasette.version as v; print(v.__version__)"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    target = Path(DATA_DIR) / "bench.db"
    timed("export for Datasette", lambda: export_for_datasette(target))
    per = max(5, runs // len(SEARCHES))
    result = subprocess.run(
        [
            str(python),
            "-c",
            DATASETTE_RUNNER,
            str(target),
            json.dumps(datasette_urls("bench")),
            str(per),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return f"failed: {result.stderr[-800:]}"
    data = json.loads(result.stdout.strip().splitlines()[-1])
    data["version"] = version
    data["stderr"] = result.stderr.strip()[-400:]
    return data


def main() -> None:
    size = ARGS.size
    load_start = os.getloadavg()[0]
    prep = prepare(size)
    total = Alliance.objects.filter(status="published").count()
    with override_settings(ALLIANCES_SEARCH_SEMANTIC=False):
        api_lex, _p, _e, _c, _r, counts_lex = bench_django(ARGS.runs)
    api, page, executor, conjunctive, recorded, counts = bench_django(ARGS.runs)
    broad_api, broad_page, broad_exe, _bc, broad_recorded, broad_counts = bench_django(
        ARGS.runs, BROAD
    )
    if ARGS.explain and connection.vendor == "postgresql":
        plans = explain(recorded + broad_recorded, SEARCHES + BROAD)
        # Long (every statement's plan): kept beside the data, summarised by hand in RESULTS.md.
        explained = Path(DATA_DIR) / f"explain_{size}.txt"
        explained.write_text(plans)
        print(f"EXPLAIN ANALYZE of every statement: {explained}", flush=True)
    understanding = bench_understanding(ARGS.runs)
    memory = worker_memory()
    bare = bench_bare_sql(connection.settings_dict["NAME"], recorded, ARGS.runs)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    broad_bare = bench_bare_sql(connection.settings_dict["NAME"], broad_recorded, ARGS.runs)
    skip = ARGS.skip_datasette or connection.vendor != "sqlite"
    datasette = None if skip else bench_datasette(ARGS.runs)
    database = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    lines = header(
        f"Search of the base of alliances ({total:,} synthetic alliances, {database})",
        "python bench/base_search.py"
        + (f" --size {size}" if size != 100_000 else "")
        + (" --database-url postgres://…" if ARGS.database_url else ""),
    )
    lines += [
        f"Revision {git_revision()}. Faceted searches: text + 2 filters, first page of 20, "
        "counts of every facet (kind, profile, type, domain, SDG, stage, région; disjunctive). "
        f"{len(SEARCHES)} different searches, result counts {counts}; in-process "
        "(server time without network), after 2 warm-up calls each.",
        "",
        "| preparation | seconds |",
        "|---|---:|",
    ]
    lines += [f"| {label} | {seconds:.1f} |" for label, seconds in prep.items()]
    lines += [
        "",
        "| measure | median ms | p95 ms | runs | target |",
        "|---|---:|---:|---:|---|",
        f"| API /api/v1/alliances (JSON), semantic part "
        f"{'on' if embeddings.enabled() else 'off'} | {api['median']:.1f} | {api['p95']:.1f} | "
        f"{api['runs']} | median < 30, p95 < 80 |",
        f"| API, semantic part off (lexical alone) | {api_lex['median']:.1f} | "
        f"{api_lex['p95']:.1f} | {api_lex['runs']} | |",
        f"| HTML page /alliances/ (with map) | {page['median']:.1f} | {page['p95']:.1f} | "
        f"{page['runs']} | |",
        f"| executor alone (run_search) | {executor['median']:.1f} | {executor['p95']:.1f} | "
        f"{executor['runs']} | |",
        f"| executor, facets counted on the results only (not disjunctive) | "
        f"{conjunctive['median']:.1f} | {conjunctive['p95']:.1f} | {conjunctive['runs']} | |",
        f"| bare SQL of the executor, plain {connection.vendor} | {bare['median']:.1f} | "
        f"{bare['p95']:.1f} | {bare['runs']} | baseline |",
        f"| broad searches: API | {broad_api['median']:.1f} | {broad_api['p95']:.1f} | "
        f"{broad_api['runs']} | |",
        f"| broad searches: HTML page | {broad_page['median']:.1f} | {broad_page['p95']:.1f} | "
        f"{broad_page['runs']} | |",
        f"| broad searches: executor alone | {broad_exe['median']:.1f} | "
        f"{broad_exe['p95']:.1f} | {broad_exe['runs']} | |",
        f"| broad searches: bare SQL | {broad_bare['median']:.1f} | {broad_bare['p95']:.1f} | "
        f"{broad_bare['runs']} | |",
    ]
    if isinstance(datasette, dict):
        lines.append(
            f"| Datasette {datasette['version']} (same data, FTS5, same filters and facets) | "
            f"{datasette['median']:.1f} | {datasette['p95']:.1f} | {datasette['runs']} | "
            "baseline |"
        )
    for label, stats in understanding.items():
        target = "median < 15" if "embedding" in label else "< 2"
        lines.append(
            f"| {label} | {stats['median']:.2f} | {stats['p95']:.2f} | {stats['runs']} | {target} |"
        )
    lines += [
        "",
        f"- Result counts, semantic part off: {counts_lex}; on: {counts} (neighbours in meaning "
        "join the text's matches).",
        f"- Broad searches {BROAD}: result counts {broad_counts}.",
        f"- Worker memory (a fresh process running the {len(SEARCHES)} searches): {memory}; "
        f"vectors in memory: {vectors.count('alliance'):,}.",
        f"- Overhead of Django over the bare SQL (API median / bare SQL median): "
        f"{api['median'] / bare['median']:.2f}×.",
    ]
    if isinstance(datasette, dict):
        lines.append(
            f"- API median / Datasette median: {api['median'] / datasette['median']:.2f} "
            "(aim: 0.5 or less). Datasette result counts: "
            f"{datasette['counts']} (it matches words without stems, so its counts differ)."
        )
        if datasette.get("stderr"):
            lines.append(f"- Datasette said: `{datasette['stderr']}`")
    elif datasette:
        lines.append(f"- Datasette: {datasette}")
    else:
        lines.append("- Datasette: not run (--skip-datasette).")
    lines += [
        f"- Peak memory of the benchmark process: {peak_mb:.0f} MB.",
        f"- Load average (1 min) on the shared machine: {load_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores.",
        "",
    ]
    suffix = "" if size == 100_000 else f"_{size}"
    suffix += "_postgresql" if connection.vendor == "postgresql" else ""
    out = HERE / "results" / f"base_search{suffix}.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
