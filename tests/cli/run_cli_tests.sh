#!/usr/bin/env bash
# Runs the real writ binary on each case in cases/ and compares its exit
# status, standard output and standard error with cases/NAME.expect.
#   cases/NAME.args   the arguments, one line (run from this folder)
#   cases/NAME.stdin  optional standard input
#   cases/NAME.env    optional VAR=value lines, set for that case
#   cases/NAME.tty    run on a pseudo-terminal (script(1)), without NO_COLOR;
#                     standard output and error then arrive together
# WRIT_UPDATE_GOLDEN=1 rewrites the .expect files; review the diff.
set -uo pipefail
cd "$(dirname "$0")"
: "${WRIT_BIN:?set WRIT_BIN to the writ binary}"
export NO_COLOR=1
passed=0 failed=0
for args_file in cases/*.args; do
  name=${args_file%.args}
  stdin=/dev/null
  [[ -f $name.stdin ]] && stdin=$name.stdin
  out=$(mktemp) err=$(mktemp)
  envs=()
  [[ -f $name.env ]] && mapfile -t envs <"$name.env"
  if [[ -f $name.tty ]]; then
    # script(1) gives the command a terminal; its own output is the terminal's.
    env -u NO_COLOR "${envs[@]}" script -qec "\"$WRIT_BIN\" $(cat "$args_file")" /dev/null \
      <"$stdin" 2>"$err" | tr -d '\r' >"$out"
    code=${PIPESTATUS[0]}
  else
    # shellcheck disable=SC2046
    eval "env ${envs[*]:-} \"$WRIT_BIN\" $(cat "$args_file")" <"$stdin" >"$out" 2>"$err"
    code=$?
  fi
  # Every output is UTF-8 text, and every line of JSON output is valid JSON.
  json=0
  grep -q -- "--format json" "$args_file" && json=1
  if ! python3 - "$out" "$err" "$json" <<'PY'
import json, sys
out, err, is_json = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
for path in (out, err):
    text = open(path, "rb").read().decode("utf-8")  # raises on a bad byte
if is_json:
    for line in open(out, encoding="utf-8"):
        if line.strip():
            json.loads(line)
PY
  then
    echo "FAIL $name: output is not valid UTF-8, or not valid JSON lines"
    failed=$((failed + 1))
  fi
  got=$(printf 'exit: %s\n--- stdout\n%s\n--- stderr\n%s\n' "$code" "$(cat "$out")" "$(cat "$err")")
  rm -f "$out" "$err"
  if [[ -n ${WRIT_UPDATE_GOLDEN:-} ]]; then
    printf '%s\n' "$got" >"$name.expect"
    continue
  fi
  if [[ "$got" == "$(cat "$name.expect")" ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name"
    diff <(printf '%s\n' "$got") "$name.expect" | head -40
  fi
done
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
