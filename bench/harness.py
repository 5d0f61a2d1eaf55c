"""A tiny registry of benchmark figures, each timed against a baseline in the same run.

A figure is a user-visible cost ("open a draft with 10,000 chronology entries") with a
baseline that does the same work the simplest way (a plain SQLite file, a bare connection).
Measured and baseline repeats are interleaved, so machine noise lands on both, and the
figure passes when ``measured / baseline <= target`` and, if it has one, the measured
statistic is under an absolute ceiling. Benchmarks are not tests: a MISS is reported,
and only ``--strict`` turns it into a failing exit code.
"""

from __future__ import annotations

import contextlib
import gc
import math
import statistics
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

Statistic = Literal["median", "p95", "max"]

# Resources shared by the figures of one run (temporary directories, open files),
# closed by ``bench.run`` once every figure has run.
resources = contextlib.ExitStack()


@dataclass(frozen=True)
class Figure:
    name: str
    measured: Callable[[], object]
    baseline: Callable[[], object]
    target: float  # measured/baseline must be <= target
    statistic: Statistic = "median"
    ceiling_ms: float | None = None  # the measured statistic must also be under this (in unit)
    repeats: int = 30
    quick_repeats: int = 5
    warmups: int = 3
    setup: Callable[[], None] | None = None  # untimed, before the warm-ups
    teardown: Callable[[], None] | None = None  # untimed, after the last repeat
    # When set, each callable returns its own sample in ``unit`` (a time it measured in a
    # child process, a peak memory in MB) instead of being timed here.
    self_measured: bool = False
    unit: str = "ms"


@dataclass(frozen=True)
class Outcome:
    figure: Figure
    measured_ms: float
    baseline_ms: float
    repeats: int

    @property
    def ratio(self) -> float:
        return self.measured_ms / self.baseline_ms if self.baseline_ms > 0 else math.inf

    @property
    def misses(self) -> list[str]:
        out = []
        if self.ratio > self.figure.target:
            out.append("ratio")
        ceiling = self.figure.ceiling_ms
        if ceiling is not None and self.measured_ms > ceiling:
            out.append("ceiling")
        return out


def summarise(samples: Sequence[float], statistic: Statistic) -> float:
    """The statistic of the samples; p95 is the nearest-rank percentile."""
    if statistic == "median":
        return statistics.median(samples)
    if statistic == "max":
        return max(samples)
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _sample(fn: Callable[[], object], self_measured: bool) -> float:
    """One sample: what ``fn`` returns when it measures itself, else its time in ms."""
    gc.collect()  # start each sample from the same heap; collections *during* fn still count
    if self_measured:
        return float(fn())  # type: ignore[arg-type]
    start = time.perf_counter_ns()
    fn()
    return (time.perf_counter_ns() - start) / 1e6


def measure(figure: Figure, quick: bool = False) -> Outcome:
    repeats = figure.quick_repeats if quick else figure.repeats
    if figure.setup is not None:
        figure.setup()
    try:
        for _ in range(1 if quick else figure.warmups):
            figure.measured()
            figure.baseline()
        measured: list[float] = []
        baseline: list[float] = []
        own = figure.self_measured
        for i in range(repeats):
            # Alternate which goes first, so neither always runs on a cache the other warmed.
            if i % 2:
                baseline.append(_sample(figure.baseline, own))
                measured.append(_sample(figure.measured, own))
            else:
                measured.append(_sample(figure.measured, own))
                baseline.append(_sample(figure.baseline, own))
    finally:
        if figure.teardown is not None:
            figure.teardown()
    return Outcome(
        figure,
        summarise(measured, figure.statistic),
        summarise(baseline, figure.statistic),
        repeats,
    )


_COLUMNS = ("stat", "n", "measured", "baseline", "ratio", "target", "ceiling")
_ROW = "{:<{w}} {:>6} {:>4} {:>10} {:>10} {:>7} {:>7} {:>9}  {}"


def _line(o: Outcome, width: int) -> str:
    f = o.figure
    ceiling = f"{f.ceiling_ms:g} {f.unit}" if f.ceiling_ms is not None else "-"
    verdict = "PASS" if not o.misses else "MISS (" + ", ".join(o.misses) + ")"
    return _ROW.format(
        f.name,
        f.statistic,
        o.repeats,
        f"{o.measured_ms:.2f} {f.unit}",
        f"{o.baseline_ms:.2f} {f.unit}",
        f"{o.ratio:.2f}",
        f"{f.target:g}",
        ceiling,
        verdict,
        w=width,
    )


def run(figures: Sequence[Figure], quick: bool = False) -> tuple[int, int, int]:
    """Measure and print each figure; returns (passed, missed, errors)."""
    width = max([len("figure"), *(len(f.name) for f in figures)])
    print(_ROW.format("figure", *_COLUMNS, "", w=width).rstrip(), flush=True)
    passed = missed = errors = 0
    for figure in figures:
        try:
            outcome = measure(figure, quick)
        except Exception:
            errors += 1
            print(f"{figure.name:<{width}} ERROR", flush=True)
            traceback.print_exc()
            continue
        print(_line(outcome, width), flush=True)
        if outcome.misses:
            missed += 1
        else:
            passed += 1
    total = passed + missed + errors
    noun = "figure" if total == 1 else "figures"
    print(f"\n{total} {noun}: {passed} PASS, {missed} MISS, {errors} ERROR" + (" (quick)" * quick))
    return passed, missed, errors


class MemoryKeyring(KeyringBackend):
    """A keyring backend holding secrets in a dict, so a benchmark never touches the OS keyring.

    Only ever passed explicitly (``KeyStore(MemoryKeyring())``); nothing here calls
    ``keyring.get_keyring()``, which would otherwise consider it by its priority.
    """

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._secrets.pop((service, username), None) is None:
            raise PasswordDeleteError(f"no secret for {username}")
