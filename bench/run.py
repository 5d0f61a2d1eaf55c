"""Run the benchmark figures: ``python -m bench.run [--only SUBSTRING] [--quick] [--strict]``.

Exit code 0 whatever the figures say (benchmarks are not tests) unless ``--strict``,
which exits 1 when any figure misses its target or ceiling, or fails to run.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys

from bench import harness

# Each module exposes ``figures() -> list[harness.Figure]``; add new bench modules here.
MODULES = (
    "bench.bench_storage",
    "bench.bench_gui",
    "bench.bench_chronology",
    "bench.bench_chronology_view",
    "bench.bench_export",
    "bench.bench_leak_scan",
    "bench.bench_revisions",
)


def collect(only: str | None) -> list[harness.Figure]:
    figures: list[harness.Figure] = []
    for name in MODULES:
        figures += importlib.import_module(name).figures()
    if only:
        figures = [f for f in figures if only.lower() in f.name.lower()]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--only", metavar="SUBSTRING", help="run figures whose name contains this")
    parser.add_argument("--quick", action="store_true", help="fewer repeats: a smoke run")
    parser.add_argument("--strict", action="store_true", help="exit 1 on any MISS or ERROR")
    args = parser.parse_args(argv)

    figures = collect(args.only)
    if not figures:
        print(f"no figure matches {args.only!r}", file=sys.stderr)
        return 1 if args.strict else 0
    print(f"Python {platform.python_version()} on {platform.platform()}\n", flush=True)
    with harness.resources:
        _, missed, errors = harness.run(figures, quick=args.quick)
    return 1 if args.strict and (missed or errors) else 0


if __name__ == "__main__":
    sys.exit(main())
