"""This tree installed as a user installs it (``pip install .``), in a fresh venv.

Used where the installed shape matters: tests/test_packaging.py (the wheel works) and the
command-line bench (bench/cli_query.py: an editable install adds an import finder, some
25 ms of pathlib, re and urllib, to every interpreter start, which no user's
``archive-search`` pays).

The wheel is built from a copy of the sources (so no stale ``build/`` and nothing written
in the checkout) and installed into a venv made from the base interpreter, without pip and
with ``--no-deps``. The venv reaches the dependencies (PySide6, Whoosh, ...) through a
``.pth`` file listing this environment's site-packages folders: folders named in a ``.pth``
file are appended to ``sys.path`` after the venv's own site-packages and their own ``.pth``
files are not run, so the editable install's import hook never loads and ``search``,
``gui`` and ``resources`` come from the wheel.
"""

from __future__ import annotations

import fnmatch
import importlib.metadata
import re
import shutil
import site
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 180


class InstallError(RuntimeError):
    """A step of building or installing the wheel failed; the message has its output."""


def run(args: list[str | Path], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``args`` run to completion; InstallError with their output when they fail."""
    proc: subprocess.CompletedProcess[str] = subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        **kwargs,
    )
    if proc.returncode != 0:
        raise InstallError(
            f"{' '.join(map(str, args))} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def release(version: str) -> tuple[int, ...]:
    """The numeric release of a version string: "22.3.1rc1" → (22, 3, 1)."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(int(p) for p in match.group(0).split(".")) if match else ()


def pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


def build_requirements_installed() -> bool:
    """Whether this environment has build-system.requires, so pip can skip build isolation."""
    for requirement in pyproject()["build-system"]["requires"]:
        match = re.fullmatch(r"\s*([A-Za-z0-9._-]+)\s*(?:>=\s*([0-9][0-9.]*))?\s*", requirement)
        if not match:
            return False
        try:
            have = importlib.metadata.version(match.group(1))
        except importlib.metadata.PackageNotFoundError:
            return False
        if match.group(2) and release(have) < release(match.group(2)):
            return False
    return True


def copy_sources(dest: Path) -> None:
    """pyproject.toml, the readme and the packages that packages.find includes."""
    config = pyproject()
    includes = config["tool"]["setuptools"]["packages"]["find"]["include"]
    readme = config["project"].get("readme", "README.md")
    names = ["pyproject.toml", readme, "setup.py", "setup.cfg", "MANIFEST.in"]
    dest.mkdir(parents=True)
    for name in names:
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, dest / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for child in sorted(ROOT.iterdir()):
        if (
            child.is_dir()
            and (child / "__init__.py").is_file()
            and any(fnmatch.fnmatch(child.name, pattern) for pattern in includes)
        ):
            shutil.copytree(child, dest / child.name, ignore=ignore)


def build_wheel(tmp: Path) -> Path:
    """This tree's wheel, built under ``tmp`` from a copy of its sources."""
    src, out = tmp / "src", tmp / "dist"
    copy_sources(src)
    args: list[str | Path] = [sys.executable, "-m", "pip", "wheel", "--no-deps"]
    args += ["--disable-pip-version-check", "-w", out, src]
    if build_requirements_installed():
        args.insert(4, "--no-build-isolation")
    run(args, cwd=tmp)
    wheels = list(out.glob("archive_browser-*.whl"))
    if len(wheels) != 1:
        raise InstallError(f"expected one wheel in {out}, found {wheels}")
    return wheels[0]


def dependency_dirs(modules: tuple[str, ...] = ()) -> list[str]:
    """Where this environment's packages live: its site-packages, then wherever one of
    ``modules`` was found (PYTHONPATH, say). Never the checkout."""
    dirs = list(site.getsitepackages())
    if site.ENABLE_USER_SITE and site.getusersitepackages():
        dirs.append(site.getusersitepackages())
    for name in modules:
        module = __import__(name)
        if module.__file__:
            dirs.append(str(Path(module.__file__).resolve().parent.parent))
    seen: list[str] = []
    for d in dirs:
        if Path(d).is_dir() and Path(d).resolve() != ROOT and d not in seen:
            seen.append(d)
    return seen


def install(wheel: Path, venv: Path, modules: tuple[str, ...] = ()) -> Path:
    """A fresh venv at ``venv`` with ``wheel`` in it and this environment's packages (and
    those of ``modules``) after it; returns the venv's site-packages."""
    shutil.rmtree(venv, ignore_errors=True)
    base = getattr(sys, "_base_executable", sys.executable)
    run([base, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    quiet = ["--no-deps", "--no-index", "--disable-pip-version-check", "--quiet", wheel]
    if release(importlib.metadata.version("pip")) >= (22, 3):
        run([sys.executable, "-m", "pip", "--python", python, "install", *quiet])
    else:  # an old pip cannot install into another interpreter
        run([python, "-m", "ensurepip", "--default-pip"])
        run([python, "-m", "pip", "install", *quiet])
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site_packages = Path(run([python, "-I", "-c", purelib]).stdout.strip())
    # Only now, so pip above saw an empty venv: the dependencies, after the wheel's own code.
    (site_packages / "zz_dependencies.pth").write_text(
        "".join(d + "\n" for d in dependency_dirs(modules)), encoding="utf-8"
    )
    return site_packages
