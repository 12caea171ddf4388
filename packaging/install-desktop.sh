#!/usr/bin/env bash
# Add Archive Browser to the current user's application menu (freedesktop: GNOME, KDE, ...).
#
#   packaging/install-desktop.sh [--exec PATH] [--uninstall]
#
# Installs, under ${XDG_DATA_HOME:-~/.local/share}:
#   applications/archive-browser.desktop          Exec= the absolute path of archive-browser
#   icons/hicolor/<N>x<N>/apps/archive-browser.png and icons/hicolor/scalable/apps/...svg
#   metainfo/io.github.archivebrowser.ArchiveBrowser.metainfo.xml
#
# Which archive-browser: --exec PATH if given; else the one beside this script when it sits in
# a PyInstaller bundle folder; else the first `archive-browser` on PATH (after `pip install .`).
# Nothing needs root. --uninstall removes exactly these files.
set -euo pipefail

APP=archive-browser
APPID=io.github.archivebrowser.ArchiveBrowser
SIZES=(16 32 48 64 128 256)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
exec_path=""
uninstall=0

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --exec) exec_path="${2:?--exec needs a path}"; shift 2 ;;
        --exec=*) exec_path="${1#--exec=}"; shift ;;
        --uninstall) uninstall=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install-desktop.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done

desktop_file="$data/applications/$APP.desktop"
metainfo_file="$data/metainfo/$APPID.metainfo.xml"
icon_files=("$data/icons/hicolor/scalable/apps/$APP.svg")
for n in "${SIZES[@]}"; do
    icon_files+=("$data/icons/hicolor/${n}x${n}/apps/$APP.png")
done

refresh_caches() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$data/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$data/icons/hicolor/index.theme" ]; then
        gtk-update-icon-cache -q -t -f "$data/icons/hicolor" || true
    fi
}

if [ "$uninstall" = 1 ]; then
    rm -f "$desktop_file" "$metainfo_file" "${icon_files[@]}"
    refresh_caches
    echo "removed Archive Browser's menu entry, icons and metainfo from $data"
    exit 0
fi

# The program the menu entry starts.
if [ -z "$exec_path" ]; then
    if [ -x "$here/$APP" ] && [ ! -d "$here/$APP" ]; then
        exec_path="$here/$APP"                       # inside the PyInstaller bundle folder
    elif command -v "$APP" >/dev/null 2>&1; then
        exec_path="$(command -v "$APP")"
    else
        echo "install-desktop.sh: no $APP found: install the app first (pip install .)" \
             "or pass --exec /path/to/$APP" >&2
        exit 1
    fi
fi
case "$exec_path" in /*) ;; *) exec_path="$(cd "$(dirname "$exec_path")" && pwd)/$(basename "$exec_path")" ;; esac
if [ ! -x "$exec_path" ]; then
    echo "install-desktop.sh: $exec_path is not an executable file" >&2
    exit 1
fi
case "$exec_path" in
    *\\*|*$'\n'*) echo "install-desktop.sh: cannot put a path with a backslash or newline in Exec=" >&2; exit 1 ;;
esac

# Icons and the entry's templates: from the source tree, or from the bundle folder.
icons=""
for dir in "$here/../resources/icons" "$here/_internal/resources/icons"; do
    if [ -f "$dir/$APP.svg" ]; then icons="$(cd "$dir" && pwd)"; break; fi
done
if [ -z "$icons" ]; then
    echo "install-desktop.sh: cannot find the icons (resources/icons) beside $here" >&2
    exit 1
fi
for f in "$here/$APP.desktop" "$here/$APPID.metainfo.xml"; do
    if [ ! -f "$f" ]; then echo "install-desktop.sh: missing $f" >&2; exit 1; fi
done

# Exec= takes a quoted argument (spaces, $, ` and " escaped); TryExec= the plain path.
exec_arg="$exec_path"
if [[ "$exec_arg" =~ [^A-Za-z0-9_./+-] ]]; then
    exec_arg="${exec_arg//\"/\\\"}"
    exec_arg="${exec_arg//\`/\\\`}"
    exec_arg="${exec_arg//\$/\\\$}"
    exec_arg="\"$exec_arg\""
fi
exec_arg="${exec_arg//%/%%}"

mkdir -p "$data/applications" "$data/metainfo" "$data/icons/hicolor/scalable/apps"
tmpdir="$(mktemp -d)"
trap 'rm -rf "$tmpdir"' EXIT
tmp="$tmpdir/$APP.desktop"
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
        Exec=*) printf 'Exec=%s\n' "$exec_arg" ;;
        TryExec=*) printf 'TryExec=%s\n' "$exec_path" ;;
        *) printf '%s\n' "$line" ;;
    esac
done < "$here/$APP.desktop" > "$tmp"
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$tmp"
fi
install -m 644 "$tmp" "$desktop_file"

install -m 644 "$here/$APPID.metainfo.xml" "$metainfo_file"
install -m 644 "$icons/$APP.svg" "$data/icons/hicolor/scalable/apps/$APP.svg"
for n in "${SIZES[@]}"; do
    mkdir -p "$data/icons/hicolor/${n}x${n}/apps"
    install -m 644 "$icons/$APP-$n.png" "$data/icons/hicolor/${n}x${n}/apps/$APP.png"
done
refresh_caches

echo "installed $desktop_file (Exec=$exec_arg)"
echo "installed icons under $data/icons/hicolor and $metainfo_file"
