"""Shared helpers of the benchmarks: timing statistics and the machine description."""

import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.machine()}, Linux {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def header(title: str, command: str) -> list[str]:
    return [
        f"## {title}",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {machine()}",
        f"- command: `{command}`",
        "",
    ]


def measure(func: Callable[[], object], runs: int, warmup: int = 3) -> dict[str, float]:
    """Run `func` and return median, p95 and mean in milliseconds."""
    for _ in range(warmup):
        func()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))],
        "mean": statistics.fmean(timings),
        "runs": runs,
    }


def git_revision() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def setup_django(settings: str = "alliances.settings") -> None:
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    # django.test.Client speaks as "testserver".
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(
    python: str, env: dict[str, str], port: int, workers: int, log: IO[bytes]
) -> subprocess.Popen:
    """gunicorn as deployed (the project's `gunicorn.conf.py`: each worker warms up before it
    answers), `workers` × 2 threads on 127.0.0.1:`port`, its log to `log`."""
    return subprocess.Popen(
        [
            *(str(Path(python).with_name("gunicorn")), "alliances.wsgi"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", "2"),
        ],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def wait_for_warm_workers(log: Path, workers: int, timeout: float = 600) -> float:
    """Seconds until every worker logged its warm-up (gunicorn.conf.py): the first worker
    answers while the others may still be warming, which a measurement would otherwise
    count."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if log.read_text(errors="replace").count("warmed up in") >= workers:
            return time.monotonic() - started
        time.sleep(0.5)
    raise TimeoutError(f"the workers did not all warm up within {timeout:.0f} s")
