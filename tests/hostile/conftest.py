"""Prints the reliability figures after a run and writes them to docs/reliability.md."""

from __future__ import annotations

import sys

import pytest

from tests.hostile import figures


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int) -> None:
    if not figures.FIGURES:
        return
    terminalreporter.write_sep("=", "reliability figures (tests/hostile)")
    for line in figures.lines():
        terminalreporter.write_line(line)
    if exitstatus == 0 and figures.write_doc("python -m pytest " + " ".join(sys.argv[1:])):
        terminalreporter.write_line(f"written to {figures.DOC}")
