"""Medians of rounds, ratios to the reference, and the performance targets judged against them.
Pure functions: the harness reports what it measured; nothing here asserts."""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bench.wrk import WrkRun


def median(values: Sequence[float]) -> float:
    if not values:
        raise ValueError("median of no values")
    return float(statistics.median(values))


@dataclass(frozen=True)
class Ratio:
    """Scenario throughput over the reference's: the ratio of the medians of the rounds, with
    the lowest and highest ratio of a single round to the reference round just before it, so
    that noise is visible next to the figure."""

    value: float
    low: float
    high: float


def ratio(scenario: Sequence[WrkRun], reference: Sequence[WrkRun]) -> Ratio:
    """Rounds are paired in order (reference round i ran just before scenario round i)."""
    if len(scenario) != len(reference) or not scenario:
        raise ValueError("ratio needs as many reference rounds as scenario rounds, at least one")
    if any(r.rps <= 0 for r in reference):
        raise ValueError("a reference round served nothing")
    per_round = [s.rps / r.rps for s, r in zip(scenario, reference, strict=True)]
    value = median([s.rps for s in scenario]) / median([r.rps for r in reference])
    return Ratio(value=value, low=min(per_round), high=max(per_round))


@dataclass(frozen=True)
class Summary:
    """Medians over rounds: throughput, p50 and p99 (each the median of the rounds' values)."""

    rps: float
    p50_ms: float | None
    p99_ms: float | None
    requests: int
    rounds: int


def summarize(runs: Sequence[WrkRun]) -> Summary:
    if not runs:
        raise ValueError("no rounds to summarize")
    p50 = [r.p50_ms for r in runs if r.p50_ms is not None]
    p99 = [r.p99_ms for r in runs if r.p99_ms is not None]
    return Summary(
        rps=median([r.rps for r in runs]),
        p50_ms=median(p50) if p50 else None,
        p99_ms=median(p99) if p99 else None,
        requests=sum(r.requests for r in runs),
        rounds=len(runs),
    )


@dataclass(frozen=True)
class Target:
    """A performance goal: the measured value at least, or below, a threshold."""

    text: str
    at_least: float | None = None
    below: float | None = None

    def met(self, value: float) -> bool:
        if self.at_least is not None and value < self.at_least:
            return False
        return not (self.below is not None and value >= self.below)


def growth(first: float, last: float) -> float:
    """How many times larger `last` is than `first` (latencies, so never zero in practice)."""
    if first <= 0:
        raise ValueError("growth from a non-positive value")
    return last / first
