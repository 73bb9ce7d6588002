"""The SLA simulation (bench/sla_simulation.py) keeps its invariants on a short run."""

from __future__ import annotations

from bench.sla_simulation import markdown, simulate


def test_short_simulation_invariants() -> None:
    # 75 random reports: the seed gives a sample with a late forward that is forwarded
    # before the end (the draws shift with the number of categories).
    result = simulate(days=3, per_day=25, seed=4)
    assert result["filed"] == result["tickets"] == 75
    assert result["tickets_without_owner"] == []
    assert result["duplicate_escalations"] == 0
    assert result["forward_escalations"] >= 1  # the long tail of operator delays is late
    assert 0.5 < result["forwarded_on_time"] < 1.0
    assert "| forwarded within 24 h |" in markdown(result)
