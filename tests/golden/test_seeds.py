"""The seed acceptance check (../shared/tools/check_seeds.py) run against the real CLI and model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED

CHECK = SHARED / "tools" / "check_seeds.py"


def refrains_cmd() -> str:
    exe = Path(sys.executable).parent / "refrains"
    return str(exe) if exe.exists() else f"{sys.executable} -m refrains"


@pytest.mark.slow
def test_check_seeds_passes_every_expectation() -> None:
    if not CHECK.exists():
        pytest.skip("../shared/tools/check_seeds.py is not beside the project")
    proc = subprocess.run([sys.executable, str(CHECK), "--cmd", refrains_cmd()], cwd=ROOT, check=False,
                          capture_output=True, text=True, timeout=600)
    print(proc.stdout[-3000:], proc.stderr[-3000:])
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert proc.stdout.strip().splitlines()[-1].endswith(" 0 failed")
