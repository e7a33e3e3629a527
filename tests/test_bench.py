"""The benchmarks stay runnable: a smoke run with tiny sizes reports every figure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.server
def test_smoke_run_reports_every_figure(tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(output.read_text())
    assert report["smoke"] is True
    numbers = {figure["number"] for figure in report["figures"]}
    assert numbers == {1, 2, 3, 4, 5, 6, 7, 8, 9}
    for figure in report["figures"]:
        assert figure["measured"] > 0 and figure["goal"]
        assert isinstance(figure["passed"], bool)
    assert "figure" in result.stdout and "goals met" in result.stdout
