"""The scripts of "scripts to rule them all": they parse, are executable,
and their Python helpers (the benchmark harness) do
what they promise."""

import importlib.util
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ["script/bootstrap", "script/server", "script/test", "script/bench", ".ci/run"]


def load(relative, name):
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_is_bash_that_parses(script):
    path = ROOT / script
    assert path.read_text().startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in path.read_text()
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0


@pytest.mark.parametrize("script", [s for s in SCRIPTS if s != ".ci/run"])
def test_script_is_executable(script):
    assert os.stat(ROOT / script).st_mode & stat.S_IXUSR


def test_bench_refuses_an_unknown_benchmark():
    result = subprocess.run(
        ["bash", str(ROOT / "script/bench"), "no_such_benchmark"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "no benchmark bench/no_such_benchmark.py" in result.stderr


@pytest.fixture(scope="module")
def harness():
    return load("bench/_harness.py", "bench_harness")


class TestBenchHarness:
    def test_percentiles_interpolate_between_ranks(self, harness):
        assert harness.percentile([1.0, 2.0], 0.5) == 1.5
        values = [float(v) for v in range(1, 101)]
        assert harness.percentile(values, 0.0) == 1.0
        assert harness.percentile(values, 1.0) == 100.0
        assert harness.percentile(values, 0.95) == pytest.approx(95.05)
        with pytest.raises(ValueError):
            harness.percentile([], 0.5)

    def test_latency_summary_is_in_milliseconds(self, harness):
        summary = harness.latency_summary([0.001, 0.002, 0.003, 0.004])
        assert summary == {
            "p50_ms": 2.5,
            "p95_ms": 3.85,
            "p99_ms": 3.97,
            "mean_ms": 2.5,
            "max_ms": 4.0,
        }

    def test_report_ends_with_one_json_object(self, harness, capsys):
        harness.report("demo", {"requests": 3, "throughput_rps": 12.5})
        lines = capsys.readouterr().out.splitlines()
        assert lines[0] == "benchmark demo"
        assert json.loads(lines[-1]) == {"benchmark": "demo", "requests": 3, "throughput_rps": 12.5}

    def test_peak_rss_is_positive(self, harness):
        assert harness.peak_rss_mb() > 1
