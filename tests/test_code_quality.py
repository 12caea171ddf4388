"""The code's own checks run with the suite: lint, types and the engine/GUI boundary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return _run_python("-m", *args)


def _run_python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_is_clean() -> None:
    proc = _run("ruff", "check", "search", "gui", "tests", "bench", "resources")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_clean() -> None:
    proc = _run("ruff", "format", "--check", "search", "gui", "tests", "bench", "resources")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_is_clean() -> None:
    proc = _run("mypy")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_import_contracts_hold() -> None:
    """pyproject.toml's import-linter contracts: the engine's layers, query and update
    independent, Whoosh only under search/store/, the GUI on an allow-list. Run from the
    installed test extra (never skipped: a missing import-linter fails here)."""
    code = "import sys; from importlinter.cli import lint_imports_command; lint_imports_command()"
    proc = _run_python("-c", code)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout, proc.stdout


def test_gui_modules_import_no_circle() -> None:
    """No GUI module imports, even only for type checking, one that imports it back: the
    window's helpers get what they use, not the window (the menu table is built over the
    window by gui.app)."""
    import grimp  # import-linter's graph, installed with it

    graph = grimp.build_graph("gui")
    circles = [
        (module, imported)
        for module in sorted(graph.modules)
        for imported in sorted(graph.find_modules_directly_imported_by(module))
        if imported.startswith("gui") and graph.find_shortest_chain(imported, module)
    ]
    assert circles == []
