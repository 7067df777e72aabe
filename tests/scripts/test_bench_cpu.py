"""The bench's CPU meter: CPU time of a process tree and of PostgreSQL, from /proc."""

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


@pytest.fixture(scope="module")
def bench():
    path = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"
    spec = importlib.util.spec_from_file_location("carepledge_bench_script", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


# A parent that only waits, and a child that burns 0.4 s of CPU and then sleeps (so it is still
# there to be read when the second snapshot is taken).
TREE = (
    "import subprocess, sys\n"
    "child = 'import time\\nend = time.process_time() + 0.4\\nwhile time.process_time() < end: pass\\ntime.sleep(5)'\n"
    "subprocess.run([sys.executable, '-c', child])\n"
)


def test_meter_counts_the_cpu_of_a_process_and_its_children(bench):
    parent = subprocess.Popen([sys.executable, "-c", TREE])
    try:
        meter = bench.CpuMeter()
        meter.add("web", parent.pid)
        before = meter.snapshot()
        # The child burns 0.4 s of CPU then sleeps for 5 s; on a busy machine its burn takes
        # longer than 0.4 s of wall time, so wait until the tree has been counted (or 4 s).
        deadline = time.monotonic() + 4
        while True:
            time.sleep(0.2)
            after = meter.snapshot()
            if bench.CpuMeter.ticks_between(before, after)["web"] / bench.CLOCK_TICKS >= 0.35:
                break
            if time.monotonic() > deadline:
                break
    finally:
        parent.kill()
        parent.wait()
    spent = bench.CpuMeter.ticks_between(before, after)["web"] / bench.CLOCK_TICKS
    assert spent >= 0.3, f"the child's CPU time was not counted: {spent:.2f} s"
    assert "postgres" in after


def test_a_process_that_ends_between_snapshots_never_makes_a_group_negative(bench):
    # Backend 2 (an autovacuum worker, say) ended in the round; backend 3 started in it.
    before = {"postgres": {1: 1000, 2: 5000}, "web": {10: 100}}
    after = {"postgres": {1: 1010, 3: 4}, "web": {10: 130}}
    assert bench.CpuMeter.ticks_between(before, after) == {"postgres": 14, "web": 30}


def test_per_operation_divides_each_group_by_the_operations(bench):
    ticks = bench.CLOCK_TICKS
    per_op = bench.CpuMeter.per_operation({"web": 0, "postgres": ticks}, {"web": 2 * ticks, "postgres": 3 * ticks}, 100)
    assert per_op == pytest.approx({"web": 20.0, "postgres": 20.0})
    assert bench.CpuMeter.per_operation({"web": 0}, {"web": ticks}, 0) == {}


def test_table_shows_cpu_per_operation_beside_the_rate(bench):
    figure = bench.Figure(name="wall", rps=100.0, cpu_ms={"web": 4.0, "postgres": 1.5, "worker": 0.0})
    scenario = bench.Scenario("wall", "The wall", "get.lua", "/pledges/", baseline="bare", target="ratio>=0.5")
    base = bench.Figure(name="bare", rps=400.0)
    rows = bench.table_rows({"wall": figure, "bare": base}, [scenario], {})
    header, row = rows[0], rows[1]
    assert row[header.index("CPU ms/op web, db, worker")] == "4.0 + 1.5 + 0.0 = 5.5"
    assert row[header.index("Ratio")] == "25% of bare"
    assert len(row) == len(header)


def test_targets_combine_and_machine_time_is_one_of_them(bench):
    """Each scenario's targets, comma-separated, are all checked; the result says which missed."""
    base = bench.Figure("bare", rps=1000.0)
    page = bench.Scenario("page", "A page", "get.lua", "/", baseline="bare", target="ratio>=0.2,p99<100")
    fast = bench.Figure("page", rps=250.0, p99_ms=80.0)
    slow = bench.Figure("page", rps=150.0, p99_ms=120.0)
    assert bench.check_target(fast, page, base) == "met"
    assert bench.check_target(slow, page, base) == "MISSED: ≥ 20% of baseline, p99 < 100 ms"
    assert bench.target_text(page.target) == "≥ 20% of baseline and p99 < 100 ms"
    submit = bench.Scenario("pledge", "A pledge", "form.lua", "/", baseline="form", target="cpu<=15")
    assert (
        bench.check_target(bench.Figure("pledge", cpu_ms={"web": 9.0, "postgres": 2.0, "worker": 3.0}), submit, None)
        == "met"
    )
    assert bench.check_target(
        bench.Figure("pledge", cpu_ms={"web": 9.0, "postgres": 4.0, "worker": 3.0}), submit, None
    ) == ("MISSED: ≤ 15 ms of machine time")
    assert bench.check_target(bench.Figure("pledge"), submit, None).startswith("MISSED")  # not measured is not met


def test_a_page_is_compared_with_the_bare_round_measured_beside_it(bench):
    """The machine's speed drifts within a sitting: the ratio and its target use the bare rate
    measured just before the page's rounds when there is one, the sitting's first otherwise."""
    base = bench.Figure("bare", rps=1000.0)
    page = bench.Scenario("page", "A page", "get.lua", "/", baseline="bare", target="ratio>=0.2")
    later = bench.Figure("page", rps=180.0, beside_rps=800.0)  # the machine slowed by a fifth
    rows = bench.table_rows({"bare": base, "page": later}, [page], {})
    assert rows[1][rows[0].index("Ratio")] == "22% of bare"
    assert bench.check_target(later, page, base) == "met"
    assert bench.check_target(bench.Figure("page", rps=180.0), page, base) == "MISSED: ≥ 20% of baseline"
