#!/usr/bin/env bash
# Hostile inputs to the writ command, each run with a time limit and a memory
# limit (loose: about ten times what the input's size calls for). None may
# crash, hang or take a wrong allow; each must end with an error message or a
# fail-safe decision.
#   WRIT_BIN=build/release/writ tests/hostile_inputs.sh
set -uo pipefail
: "${WRIT_BIN:?set WRIT_BIN to the writ binary}"
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
policy=policies/telegram-2024.writ
passed=0 failed=0

# run NAME SECONDS MEMORY_MB EXPECTED_EXIT COMMAND...: the command must exit
# with EXPECTED_EXIT (a list like "1|3") within the limits, and not by a signal.
run() {
  local name=$1 seconds=$2 mb=$3 want=$4
  shift 4
  local code
  ( ulimit -v $((mb * 1024)); timeout "$seconds" "$@" >"$tmp/out" 2>"$tmp/err" )
  code=$?
  if [[ $code -eq 124 ]]; then
    echo "FAIL $name: still running after ${seconds}s"; failed=$((failed + 1)); return
  fi
  if [[ ! $code =~ ^($want)$ ]]; then
    echo "FAIL $name: exit $code, expected $want"; head -c 400 "$tmp/err"; echo
    failed=$((failed + 1)); return
  fi
  if grep -q '"effect":"allow"' "$tmp/out"; then
    echo "FAIL $name: allowed"; failed=$((failed + 1)); return
  fi
  passed=$((passed + 1))
}

# Files that are not files.
mkfifo "$tmp/fifo"
ln -s "$tmp/loop_b" "$tmp/loop_a"; ln -s "$tmp/loop_a" "$tmp/loop_b"
for f in /dev/zero "$tmp/fifo" "$tmp" "$tmp/loop_a" /proc/self/mem; do
  run "check $f" 10 512 3 "$WRIT_BIN" check "$f"
  # eval reads pipes: a FIFO without a writer is an empty input (exit 1).
  run "eval $f" 10 512 "1|3" "$WRIT_BIN" eval -p "$policy" "$f"
done
printf 'import "/dev/zero"\npolicy p { default deny "d" }\n' >"$tmp/import_zero.writ"
run "import /dev/zero" 10 512 1 "$WRIT_BIN" check "$tmp/import_zero.writ"
printf 'import "%s"\npolicy p { default deny "d" }\n' "$tmp/fifo" >"$tmp/import_fifo.writ"
run "import a FIFO" 10 512 1 "$WRIT_BIN" check "$tmp/import_fifo.writ"

# Policies: NUL, invalid UTF-8, deep nesting, 100,000 rules, 10,000 imports.
printf 'attr a : bool\x00\n' >"$tmp/nul.writ"
run "NUL in a policy" 10 512 1 "$WRIT_BIN" check "$tmp/nul.writ"
printf 'policy p { title "\xff\xfe" default deny "d" }\n' >"$tmp/utf8.writ"
run "invalid UTF-8 in a policy" 10 512 1 "$WRIT_BIN" check "$tmp/utf8.writ"
python3 -c "print('attr b : bool\npolicy p { default deny \"d\" }\nrule r { when ' + 'not ' * 100000 + 'b then deny \"m\" }')" >"$tmp/nots.writ"
run "100,000 nots" 20 1024 1 "$WRIT_BIN" check "$tmp/nots.writ"
run "fmt of 100,000 nots" 20 1024 1 "$WRIT_BIN" fmt --check "$tmp/nots.writ"
python3 -c "print('attr b : bool\npolicy p { default deny \"d\" }\nrule r { when ' + '(' * 100000 + 'b' + ')' * 100000 + ' then deny \"m\" }')" >"$tmp/parens.writ"
run "100,000 brackets" 20 1024 1 "$WRIT_BIN" check "$tmp/parens.writ"
python3 -c "
print('enum K { a, b, c }\nattr k : K\nattr n : int\npolicy p { default deny \"d\" }')
for i in range(100000): print('rule r%d { when k == b and n > %d then review \"m\" }' % (i, i))" >"$tmp/rules.writ"
run "100,000 rules" 60 4096 0 "$WRIT_BIN" check "$tmp/rules.writ"
mkdir -p "$tmp/imports"
python3 - "$tmp/imports" <<'PY'
import sys
d = sys.argv[1]
for i in range(10000):
    with open(f"{d}/f{i}.writ", "w") as f:
        f.write(f'import "f{i + 1}.writ"\nlet l{i} = {i}\n' if i < 9999 else f"let l{i} = {i}\n")
with open(f"{d}/root.writ", "w") as f:
    f.write('import "f0.writ"\npolicy p { default deny "d" }\n')
PY
run "10,000 imports" 60 2048 1 "$WRIT_BIN" check "$tmp/imports/root.writ"

# Requests: deep JSON, huge strings, numbers past int64, bad UTF-8, a big batch.
python3 -c "print('{\"a\":' * 100000 + '1' + '}' * 100000)" >"$tmp/deep.json"
run "100,000-level JSON" 20 512 1 "$WRIT_BIN" eval -p "$policy" --format json "$tmp/deep.json"
python3 -c "
import json
print(json.dumps({'requester': {'kind': 'x' * 50_000_000}, 'received': '2024-10-02'}))" >"$tmp/long_enum.json"
run "a 50 MB unknown enum value" 20 2048 0 "$WRIT_BIN" eval -p "$policy" --format json "$tmp/long_enum.json"
python3 -c "
import json
print(json.dumps({'requester': {'kind': 'court', 'country': 'D' * 50_000_000}}))" >"$tmp/long_string.json"
run "a 50 MB string" 20 2048 0 "$WRIT_BIN" eval -p "$policy" --format json "$tmp/long_string.json"
printf '{"n": 1e309}\n{"n": -0}\n{"n": 18446744073709551616}\n{"n": -9223372036854775809}\n' >"$tmp/numbers.jsonl"
printf 'attr n : int\npolicy p { default deny "d" }\nrule r { when n > 3 then allow "big" }\n' >"$tmp/int.writ"
run "numbers past int64" 10 512 "0|1" "$WRIT_BIN" eval -p "$tmp/int.writ" --format json "$tmp/numbers.jsonl"
printf '{"requester": {"kind": "court\xff"}}\n' >"$tmp/bad_utf8.json"
run "invalid UTF-8 in a request" 10 512 1 "$WRIT_BIN" eval -p "$policy" --format json "$tmp/bad_utf8.json"
# 200 MB of JSON Lines is streamed: memory stays far below the input's size.
python3 - "$tmp/batch.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    line = json.dumps({"id": "r", "received": "2024-10-02",
                       "requester": {"kind": "private_party"}, "note": "x" * 120}) + "\n"
    f.write(line * 1_000_000)
PY
run "200 MB of JSON Lines in 100 MB of memory" 90 100 0 \
  "$WRIT_BIN" eval -p "$policy" --format json "$tmp/batch.jsonl"
if [[ -f "$tmp/out" ]] && [[ $(wc -l <"$tmp/out") != 1000000 ]]; then
  echo "FAIL 200 MB of JSON Lines: $(wc -l <"$tmp/out") decisions, expected 1000000"; failed=$((failed + 1))
fi
# So is a pretty-printed array, element by element.
python3 -c "
import json
print(json.dumps([{'id': 'r%d' % i, 'requester': {'kind': 'court'}, 'note': 'y' * 200} for i in range(200000)], indent=2))" >"$tmp/array.json"
run "a 50 MB pretty-printed array in 100 MB of memory" 60 100 0 \
  "$WRIT_BIN" eval -p "$policy" --format json "$tmp/array.json"
# A record over the limit is an error for it alone.
{ echo '{"id": "a"}'; python3 -c "print('{\"id\": \"b\", \"x\": \"' + 'z' * 3000000 + '\"}')"; echo '{"id": "c"}'; } >"$tmp/one_long.jsonl"
run "a record over --max-request-bytes" 20 512 1 \
  "$WRIT_BIN" eval -p "$policy" --format json --max-request-bytes 1000000 "$tmp/one_long.jsonl"
if ! grep -q "one_long.jsonl:2: the request is over 1000000 bytes" "$tmp/err" || [[ $(wc -l <"$tmp/out") != 2 ]]; then
  echo "FAIL a record over --max-request-bytes: $(cat "$tmp/err")"; failed=$((failed + 1))
fi

# Write errors: `writ fmt` rewrites a file through a temporary file and a
# rename, so a write that fails (a file-size limit: EFBIG; a full disk:
# ENOSPC) leaves the file as it was and exits 3.
fmt_unchanged() {  # NAME DIR: the policy in DIR is byte for byte what it was
  if ! cmp -s "$2/messy.writ" "$tmp/messy.orig" || ls "$2" | grep -q writ-tmp; then
    echo "FAIL $1: the file changed or a temporary file was left"; failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
}
{ echo 'enum K { a, b }'; echo 'attr k : K'; echo 'policy p { default deny "d" }'
  for i in $(seq 200); do echo "rule r$i {when k==a then review \"m$i\"}"; done; } >"$tmp/messy.orig"
mkdir -p "$tmp/fsize" && cp "$tmp/messy.orig" "$tmp/fsize/messy.writ"
run "fmt under a file-size limit" 10 512 3 \
  bash -c 'trap "" XFSZ; ulimit -f 4; exec "$0" fmt "$1"' "$WRIT_BIN" "$tmp/fsize/messy.writ"
fmt_unchanged "fmt under a file-size limit" "$tmp/fsize"
mkdir -p "$tmp/full"
if unshare -m true 2>/dev/null; then
  unshare -m bash -c '
    mount -t tmpfs -o size=16k tmpfs "$1" || exit 9
    cp "$2" "$1/messy.writ" && head -c 4096 /dev/zero >"$1/filler" 2>/dev/null
    "$3" fmt "$1/messy.writ" 2>"$1/../full.err"; code=$?
    cp "$1/messy.writ" "$1/../full.after"; ls "$1" >"$1/../full.ls"; exit $code' \
    _ "$tmp/full" "$tmp/messy.orig" "$WRIT_BIN"
  code=$?
  if [[ $code == 9 ]]; then
    echo "skip fmt on a full disk: cannot mount a tmpfs here"
  elif [[ $code != 3 ]] || ! cmp -s "$tmp/full.after" "$tmp/messy.orig" || grep -q writ-tmp "$tmp/full.ls"; then
    echo "FAIL fmt on a full disk: exit $code"; cat "$tmp/full.err"; failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
else
  echo "skip fmt on a full disk: no mount namespace here"
fi

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
