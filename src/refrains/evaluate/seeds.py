"""The seed acceptance check (``../shared/tools/check_seeds.py``) on the engine's report."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from refrains.config import Settings
from refrains.errors import ConfigError
from refrains.evaluate import EvalResult
from refrains.pipeline import Pipeline
from refrains.store import open_store


def run(folder: Path, limit: int | None) -> EvalResult:
    """Analyse the seed folder and run the 25 expectations of check_seeds.py on the report."""
    check = folder.resolve().parent / "tools" / "check_seeds.py"
    if not check.exists():
        raise ConfigError(f"{check}: the seed check script is not beside the seeds")
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "seeds.db")
        report = Pipeline(Settings(), store).run([folder])
        store.close()
        out = Path(tmp) / "report.json"
        report.write_json(out)
        proc = subprocess.run([sys.executable, str(check), "--report", str(out)], check=False, capture_output=True,
                              text=True,
                              timeout=300)
    m = re.search(r"(\d+) passed, (\d+) failed", proc.stdout)
    if not m:
        raise ConfigError(f"{check}: unexpected output: {proc.stdout[-500:]} {proc.stderr[-500:]}")
    failed = [ln[6:] for ln in proc.stdout.splitlines() if ln.startswith("FAIL")]
    return EvalResult("seeds", {"passed": float(m.group(1)), "failed": float(m.group(2))},
                      published={"expectations": "25 (../shared/seeds.md)"}, notes=failed)
