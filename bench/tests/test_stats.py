"""Medians of rounds, ratios to the reference and targets."""

import pytest

from bench.stats import Target, growth, median, ratio, summarize
from bench.wrk import WrkRun


def run(rps: float, p50: float | None = 1.0, p99: float | None = 5.0) -> WrkRun:
    return WrkRun(requests=int(rps * 5), seconds=5.0, rps=rps, p50_ms=p50, p99_ms=p99)


def test_median_of_odd_and_even_counts() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 2.0, 3.0]) == 2.5
    with pytest.raises(ValueError):
        median([])


def test_ratio_is_of_the_medians_and_shows_the_range_of_paired_rounds() -> None:
    scenario = [run(100), run(300), run(200)]
    reference = [run(1000), run(1000), run(4000)]
    result = ratio(scenario, reference)
    assert result.value == pytest.approx(200 / 1000)
    assert result.low == pytest.approx(200 / 4000)
    assert result.high == pytest.approx(300 / 1000)


def test_ratio_needs_paired_rounds_and_a_reference_that_served() -> None:
    with pytest.raises(ValueError):
        ratio([run(1), run(2)], [run(1)])
    with pytest.raises(ValueError):
        ratio([run(1)], [run(0)])


def test_summary_takes_the_median_of_each_figure_over_rounds() -> None:
    summary = summarize([run(10, 1.0, 9.0), run(30, 3.0, 7.0), run(20, 2.0, 8.0)])
    assert (summary.rps, summary.p50_ms, summary.p99_ms) == (20, 2.0, 8.0)
    assert summary.rounds == 3
    assert summary.requests == 300


def test_summary_of_rounds_without_latency_has_none() -> None:
    assert summarize([run(0, None, None)]).p50_ms is None


def test_targets_at_least_and_below() -> None:
    assert Target(">= 1.25x", at_least=1.25).met(1.25)
    assert not Target(">= 1.25x", at_least=1.25).met(1.2499)
    assert Target("< 25 ms", below=25).met(24.9)
    assert not Target("< 25 ms", below=25).met(25)


def test_growth() -> None:
    assert growth(10.0, 25.0) == 2.5
    with pytest.raises(ValueError):
        growth(0.0, 1.0)
