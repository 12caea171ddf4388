#!/usr/bin/env bash
# Smoke-test a built bundle the way a machine without Python would run it.
#
#   packaging/check-bundle.sh [packaging/dist/archive-browser]
#
# Runs both executables with an empty environment, offscreen Qt and a throwaway data folder;
# as root with unshare(1), also with every Python installation on this machine hidden under
# empty tmpfs mounts. Checks: both --version, a query on the bundled sample, the app's
# screenshot mode, indexing a copy of the sample with spaCy's English pipeline (not the
# rules alone: the bundle carries spaCy and the model), and indexing 305 files, whose text
# and entity phases both run in spawn worker processes (multiprocessing.freeze_support() in
# the frozen app; each worker loads the model). Prints the wall times.
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

# fail WHAT FILE...: stop with WHAT and the files' contents.
fail() {
    local what="$1"; shift
    echo "check-bundle: $what:" >&2
    cat "$@" >&2 2>/dev/null || true
    exit 1
}

# no_bad_notes DATA_DIR FILE...: no "rules alone" note (the model did not load, in this
# process or a worker) and no failed worker processes, in the files or the data dir's logs.
no_bad_notes() {
    local data="$1"; shift
    local -a files=("$@")
    for log in "$data"/logs/*.log; do [ -f "$log" ] && files+=("$log"); done
    if grep -q "rules alone" "${files[@]}"; then
        fail "entities from the rules alone, not spaCy's pipeline" "${files[@]}"
    fi
    if grep -q "worker processes failed" "${files[@]}"; then
        fail "the indexer's worker processes failed" "${files[@]}"
    fi
}
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

# The sample, indexed here (five articles: below the entity phase's PARALLEL_MIN, so in
# this process): spaCy's pipeline must load from the bundle.
cp -r "$bundle/_internal/resources/sample-archive" "$tmp/sample"
t=$(now)
run "$tmp/d4" "$cli" index "$tmp/sample" --index-dir "$tmp/x" > "$tmp/sample.out" 2> "$tmp/sample.err" \
    || fail "archive-search index (the sample) exited $?" "$tmp/sample.out" "$tmp/sample.err"
t_sample=$(since "$t")
grep -q "^entities recognised in 5 articles$" "$tmp/sample.out" \
    || fail "no entities recognised in the sample's 5 articles" "$tmp/sample.out" "$tmp/sample.err"
no_bad_notes "$tmp/d4" "$tmp/sample.out" "$tmp/sample.err"
sample_note="$(grep "^entities recognised" "$tmp/sample.out")"

# 305 files, each a sample article with a line of its own: above the text phase's
# PARALLEL_MIN (300) and the entity phase's (100), so both use spawn worker processes.
mkdir "$tmp/big"
for i in $(seq -w 1 61); do
    for f in "$bundle"/_internal/resources/sample-archive/*.txt; do
        { cat "$f"; printf '\nCopy %s of %s in the bundle check.\n' "$i" "$(basename "$f")"; } \
            > "$tmp/big/${i}_$(basename "$f")"
    done
done
t=$(now)
# Not --json: the progress lines on stderr tell the phases apart.
run "$tmp/d2" "$cli" index "$tmp/big" > "$tmp/index.out" 2> "$tmp/index.err" &
index_pid=$!
# The worker processes of this index run (children of '$cli index $tmp/big', started as
# '$cli --multiprocessing-fork ...'), sampled twice a second, by phase.
: > "$tmp/text.pids"; : > "$tmp/entity.pids"
while kill -0 "$index_pid" 2>/dev/null; do
    phase=text; grep -qs "^recognising entities" "$tmp/index.err" && phase=entity
    ps -eo pid=,ppid=,args= | awk -v cli="$cli" -v parent_args="$cli index $tmp/big" '
        { pid = $1; ppid[pid] = $2; $1 = ""; $2 = ""; sub(/^ +/, ""); args[pid] = $0 }
        END { for (p in args) if (index(args[p], cli " --multiprocessing-fork") == 1 \
                                  && index(args[ppid[p]], parent_args) == 1) print p }' \
        >> "$tmp/$phase.pids"
    sleep 0.5
done
wait "$index_pid" || fail "archive-search index (305 files) exited $?" "$tmp/index.out" "$tmp/index.err"
t_index=$(since "$t")
text_workers="$(sort -u "$tmp/text.pids" | wc -l)"
entity_workers="$(sort -u "$tmp/entity.pids" | wc -l)"
if ! grep -q "^added 305, " "$tmp/index.out" \
    || ! grep -q "^entities recognised in 305 articles$" "$tmp/index.out"; then
    fail "indexing 305 files: unexpected report" "$tmp/index.out" "$tmp/index.err"
fi
no_bad_notes "$tmp/d2" "$tmp/index.out" "$tmp/index.err"
# One worker per core (the pool does not use them on one core): the entity phase's load
# the model, so the "rules alone" check above covers them too.
if [ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] && [ "$entity_workers" -lt 2 ]; then
    fail "indexing 305 files: $entity_workers entity-phase worker processes seen" "$tmp/index.err"
fi
run "$tmp/d3" "$gui" --archive "$tmp/big" --screenshot "$tmp/big.png" --size 800x600 \
    2> "$tmp/gui.err" || fail "archive-browser --archive (305 files) exited $?" "$tmp/gui.err"
no_bad_notes "$tmp/d3" "$tmp/gui.err"

echo "check-bundle: OK ($(du -sh "$bundle" | cut -f1) in $bundle)"
echo "  archive-search --version          $t_cli_version"
echo "  archive-browser --screenshot       $t_shot  (first run: builds the sample's index)"
echo "  archive-search query Kazakhstan    $t_query"
echo "  archive-search index (the sample)  $t_sample  ($sample_note, spaCy's pipeline)"
echo "  archive-search index (305 files)   $t_index  (worker processes: $text_workers text phase," \
     "$entity_workers entity phase, spaCy's pipeline)"
