#!/usr/bin/env python3
"""The C API decides as `writ eval` does.

  c_api_agrees.py C_API_TEST WRIT_BIN POLICY HISTORY BROKEN REQUEST.json...

Runs the C test program (which checks the API and then prints each request's
decision as JSON, one line each) and `writ eval --format json` on the same
files, and compares the decisions field by field (eval's `request` and
`input`, which name the file, aside).
"""
import json
import subprocess
import sys

c_test, writ, policy, history, broken, *requests = sys.argv[1:]
c = subprocess.run([c_test, policy, history, broken, *requests], capture_output=True, text=True)
sys.stderr.write(c.stderr)
if c.returncode != 0:
    sys.exit(f"c_api_test failed with status {c.returncode}")
e = subprocess.run([writ, "eval", "--policy", policy, "--format", "json", *requests],
                   capture_output=True, text=True)
if e.returncode not in (0, 1):
    sys.exit(f"writ eval failed: {e.stderr}")
from_c = [json.loads(line) for line in c.stdout.splitlines()]
from_eval = [{k: v for k, v in json.loads(line).items() if k not in ("request", "input")}
             for line in e.stdout.splitlines()]
if len(from_c) != len(requests) or len(from_eval) != len(requests):
    sys.exit(f"{len(requests)} requests, {len(from_c)} C decisions, {len(from_eval)} eval decisions")
bad = [(r, a, b) for r, a, b in zip(requests, from_c, from_eval) if a != b]
for r, a, b in bad:
    print(f"{r}:\n  C:    {a}\n  eval: {b}")
if bad:
    sys.exit(1)
print(f"{len(requests)} decisions: the C API agrees with writ eval")
