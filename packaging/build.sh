#!/usr/bin/env bash
# Build the one-folder PyInstaller bundle of Archive Browser, then smoke-test it.
#
#   packaging/build.sh [--no-check]
#
# Makes (or reuses) a venv under packaging/build/venv with PyInstaller and the project's
# dependencies, freezes the source tree with packaging/archive-browser.spec, and leaves
#   packaging/dist/archive-browser/
#     archive-browser, archive-search      the two commands (same _internal/ folder)
#     install-desktop.sh, *.desktop, *.metainfo.xml   to add the app to the desktop menu
# Copy or tar that folder to a Linux machine of the same architecture (glibc as new as this
# one's or newer); it needs no Python. Then packaging/check-bundle.sh runs it with every Python
# on this machine hidden. PYTHON=python3.x picks the interpreter (3.11+). Not run by CI.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
check=1
case "${1:-}" in
    --no-check) check=0 ;;
    "") ;;
    *) echo "usage: packaging/build.sh [--no-check]" >&2; exit 2 ;;
esac

build="$root/packaging/build"
dist="$root/packaging/dist"
venv="$build/venv"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "== creating $venv"
    "$python" -m venv "$venv"
fi
vpy="$venv/bin/python"
"$vpy" -m pip install --quiet --disable-pip-version-check --upgrade pip

echo "== installing PyInstaller and the project's dependencies"
"$vpy" - > "$build/requirements.txt" <<'EOF'
import tomllib
with open("pyproject.toml", "rb") as f:
    print("\n".join(tomllib.load(f)["project"]["dependencies"]))
EOF
"$vpy" -m pip install --quiet --disable-pip-version-check "pyinstaller>=6.3" -r "$build/requirements.txt"
"$vpy" -m PyInstaller --version | sed 's/^/PyInstaller /'

echo "== freezing (packaging/archive-browser.spec)"
rm -rf "$dist/archive-browser"
# The project is frozen from this source tree (pathex in the spec), not from an install.
PYTHONPATH="$root" "$vpy" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$dist" --workpath "$build/work" packaging/archive-browser.spec

out="$dist/archive-browser"
cp packaging/install-desktop.sh packaging/archive-browser.desktop \
   packaging/io.github.archivebrowser.ArchiveBrowser.metainfo.xml "$out/"
chmod +x "$out/install-desktop.sh"
echo "== built $out ($(du -sh "$out" | cut -f1))"

if [ "$check" = 1 ]; then
    bash packaging/check-bundle.sh "$out"
fi
