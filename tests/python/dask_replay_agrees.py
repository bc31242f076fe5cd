#!/usr/bin/env python3
"""The Dask replay (examples/dask_replay.py) counts what `writ diff --requests` counts.

Generates 1,000,000 requests (bench/workloads.py, the base workload's
distributions), replays them under the Telegram 2018 and 2024 policies with
the CLI and with the example on a 2-worker LocalCluster, and compares the
totals and the transition table. Usage: WRIT_BIN=... dask_replay_agrees.py
"""
import json
import os
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
writ_bin = os.environ["WRIT_BIN"]
old = os.path.join(root, "policies", "telegram-2018.writ")
new = os.path.join(root, "policies", "telegram-2024.writ")
count = int(os.environ.get("WRIT_DASK_REQUESTS", "1000000"))

with tempfile.TemporaryDirectory() as tmp:
    log = os.path.join(tmp, "requests.jsonl")
    subprocess.run([sys.executable, os.path.join(root, "bench", "workloads.py"), "requests",
                    "--count", str(count), log], check=True)
    # A blank line and a malformed one, which both count as the CLI counts them.
    with open(log, "a") as f:
        f.write("\n{\"requester\": \n")
    cli = subprocess.run([writ_bin, "diff", old, new, "--requests", log, "--format", "json"],
                         capture_output=True, text=True)
    if cli.returncode not in (0, 1):
        sys.exit(f"writ diff --requests failed: {cli.stderr}")
    want = json.loads(cli.stdout.splitlines()[-1])["summary"]
    dask = subprocess.run([sys.executable, os.path.join(root, "examples", "dask_replay.py"),
                           old, new, log, "--workers", "2", "--blocksize", "16MiB", "--json"],
                          capture_output=True, text=True)
    if dask.returncode != 0:
        sys.exit(f"dask_replay.py failed:\n{dask.stderr}")
    got = json.loads(dask.stdout)
    bad = [k for k in ("requests", "changed", "malformed", "transitions") if got[k] != want[k]]
    if bad:
        for k in bad:
            print(f"{k}:\n  dask: {got[k]}\n  cli:  {want[k]}")
        sys.exit(1)
    if want["requests"] != count or want["changed"] == 0 or want["malformed"] != 1:
        sys.exit(f"unexpected totals: {want}")
    print(f"{got['requests']} requests, {got['changed']} changed, {len(got['transitions'])} "
          f"transitions: the Dask replay on 2 workers agrees with writ diff --requests "
          f"({got['seconds']} s)")
