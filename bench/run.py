"""Run every benchmark of bench/ and gather their results into bench/RESULTS.md.

    .venv/bin/python bench/run.py              # run all, then assemble
    .venv/bin/python bench/run.py territories  # run some, then assemble
    .venv/bin/python bench/run.py --assemble   # only rebuild RESULTS.md from bench/results/

Each benchmark `bench/<part>.py` writes `bench/results/<part>.md` with its machine, date
and command; this script never edits those numbers, it only puts them together.
"""

import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def benchmarks() -> list[Path]:
    return sorted(
        p for p in HERE.glob("*.py") if p.name not in {"run.py", "common.py", "searches.py"}
    )


def assemble() -> None:
    parts = sorted(RESULTS.glob("*.md"))
    lines = [
        "# Benchmark results",
        "",
        "Gathered by `bench/run.py` from `bench/results/*.md` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Each section names the machine, date and",
        "command that produced its numbers. Targets come from the issues; ratios are against a",
        "baseline measured side by side in the same run.",
        "",
    ]
    for part in parts:
        lines += [part.read_text().rstrip(), ""]
    (HERE / "RESULTS.md").write_text("\n".join(lines))
    print(f"bench/RESULTS.md: {len(parts)} sections")


def main(argv: list[str]) -> int:
    if "--assemble" not in argv:
        wanted = set(argv)
        failures = 0
        for script in benchmarks():
            if wanted and script.stem not in wanted:
                continue
            print(f"== {script.stem} ({platform.node()})", flush=True)
            failures += subprocess.run([sys.executable, str(script)]).returncode != 0
        if failures:
            print(f"{failures} benchmark(s) failed", file=sys.stderr)
    assemble()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
