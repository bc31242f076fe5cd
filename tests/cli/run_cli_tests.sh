#!/usr/bin/env bash
# Runs the real writ binary on each case in cases/ and compares its exit
# status, standard output and standard error with cases/NAME.expect.
#   cases/NAME.args   the arguments, one line (run from this folder)
#   cases/NAME.stdin  optional standard input
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
  # shellcheck disable=SC2046
  eval "\"$WRIT_BIN\" $(cat "$args_file")" <"$stdin" >"$out" 2>"$err"
  code=$?
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
