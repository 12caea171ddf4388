#!/usr/bin/env bash
# Smoke-test a built bundle the way a machine without Python would run it.
#
#   packaging/check-bundle.sh [packaging/dist/archive-browser]
#
# Runs both executables with an empty environment, offscreen Qt and a throwaway data folder;
# as root with unshare(1), also with every Python installation on this machine hidden under
# empty tmpfs mounts. Checks: both --version, a query on the bundled sample, the app's
# screenshot mode, and indexing 305 files (the indexer's spawn worker processes, so
# multiprocessing.freeze_support() in the frozen app). Prints the wall times.
set -euo pipefail

bundle="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/dist/archive-browser}" && pwd)"
gui="$bundle/archive-browser"
cli="$bundle/archive-search"
for exe in "$gui" "$cli"; do
    [ -x "$exe" ] || { echo "check-bundle: no $exe" >&2; exit 1; }
done
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../search/__init__.py")"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/run" && chmod 700 "$tmp/run"

# Python installations to hide: the prefixes of every python3 we can find, and the system's.
hide=()
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
    for py in python3 /usr/bin/python3 "$bundle/../../build/venv/bin/python"; do
        if command -v "$py" >/dev/null 2>&1; then
            while IFS= read -r p; do hide+=("$p"); done < <("$py" -c \
                'import sys; print(sys.prefix); print(sys.base_prefix)' 2>/dev/null || true)
        fi
    done
    for p in /usr/lib/python3* /usr/local/lib/python3*; do [ -d "$p" ] && hide+=("$p"); done
    mapfile -t hide < <(printf '%s\n' "${hide[@]}" | grep -v '^/usr$\|^/usr/local$\|^/$' | sort -u)
fi
if [ ${#hide[@]} -gt 0 ]; then
    echo "check-bundle: hiding Python: ${hide[*]}"
else
    echo "check-bundle: not root or no unshare: Python stays visible (empty environment only)"
fi

# run DATA_DIR CMD...: the command in an empty environment, Python hidden where possible.
run() {
    local data="$1"; shift
    local -a envs=(env -i "HOME=$tmp/home" "PATH=/usr/bin:/bin" "LANG=C.UTF-8"
                   "XDG_RUNTIME_DIR=$tmp/run" "QT_QPA_PLATFORM=offscreen"
                   "ARCHIVE_BROWSER_DATA_DIR=$data")
    if [ ${#hide[@]} -gt 0 ]; then
        # shellcheck disable=SC2016  # expanded by the inner bash
        unshare -m --propagation private bash -c '
            n=$1; shift
            for ((i = 0; i < n; i++)); do mount -t tmpfs none "$1"; shift; done
            exec "$@"' _ "${#hide[@]}" "${hide[@]}" "${envs[@]}" "$@"
    else
        "${envs[@]}" "$@"
    fi
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f s", b - a }'; }

t=$(now); got="$(run "$tmp/d1" "$cli" --version)"; t_cli_version=$(since "$t")
[ "$got" = "archive-search $version" ] || { echo "check-bundle: archive-search --version: $got" >&2; exit 1; }
got="$(run "$tmp/d1" "$gui" --version)"
[ "$got" = "archive-browser $version" ] || { echo "check-bundle: archive-browser --version: $got" >&2; exit 1; }

t=$(now)
run "$tmp/d1" "$gui" --screenshot "$tmp/shot.png" --size 800x600 --query Kazakhstan
t_shot=$(since "$t")
[ "$(head -c 8 "$tmp/shot.png" | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ] \
    || { echo "check-bundle: no screenshot" >&2; exit 1; }
cp "$tmp/shot.png" "$bundle/../screenshot-check.png"

t=$(now); run "$tmp/d1" "$cli" query Kazakhstan --json > "$tmp/q.json"; t_query=$(since "$t")
if ! grep -q '"total": 2' "$tmp/q.json" || ! grep -q '"004_07cf703fa333c1c1.txt"' "$tmp/q.json"; then
    echo "check-bundle: unexpected query result:" >&2; cat "$tmp/q.json" >&2; exit 1
fi

# 305 files: above the indexer's PARALLEL_MIN (300), so it uses spawn worker processes.
mkdir "$tmp/big"
for i in $(seq -w 1 61); do
    for f in "$bundle"/_internal/resources/sample-archive/*.txt; do
        cp "$f" "$tmp/big/${i}_$(basename "$f")"
    done
done
t=$(now)
run "$tmp/d2" "$cli" index "$tmp/big" --json > "$tmp/index.json" 2> "$tmp/index.err"
t_index=$(since "$t")
if grep -q "workers failed" "$tmp/index.err" || ! grep -q '"added": 305' "$tmp/index.json"; then
    echo "check-bundle: indexing with worker processes failed:" >&2
    cat "$tmp/index.err" "$tmp/index.json" >&2
    exit 1
fi
run "$tmp/d3" "$gui" --archive "$tmp/big" --screenshot "$tmp/big.png" --size 800x600 \
    2> "$tmp/gui.err" || { cat "$tmp/gui.err" >&2; exit 1; }
if grep -q "workers failed" "$tmp/gui.err" "$tmp"/d3/*/*.log 2>/dev/null; then
    echo "check-bundle: the app's indexing workers failed" >&2; exit 1
fi

echo "check-bundle: OK ($(du -sh "$bundle" | cut -f1) in $bundle)"
echo "  archive-search --version          $t_cli_version"
echo "  archive-browser --screenshot       $t_shot  (first run: builds the sample's index)"
echo "  archive-search query Kazakhstan    $t_query"
echo "  archive-search index (305 files)   $t_index"
