#!/usr/bin/env python3
"""`writ diff OLD NEW --requests LOG` against two runs of `writ eval`.

The base workload (bench/workloads.py, 100,000 requests) is decided by
`writ eval` under each Telegram policy; a request changed when the two
decisions differ in effect, open, granted items or obligations. The replay
must list exactly those requests, each with the same two decisions, and count
them per transition. Usage: WRIT_BIN=... replay_agrees.py
"""
import json
import os
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
writ = os.environ["WRIT_BIN"]
old = os.path.join(root, "policies", "telegram-2018.writ")
new = os.path.join(root, "policies", "telegram-2024.writ")


def outcome(d):
    return (d["effect"], d["open"], sorted(d["granted"]), d["obligations"])


def strip(d):
    return {k: v for k, v in d.items() if k not in ("request", "input")}


with tempfile.TemporaryDirectory() as tmp:
    log = os.path.join(tmp, "base.jsonl")
    subprocess.run([sys.executable, os.path.join(root, "bench", "workloads.py"), "requests",
                    "--seed", "1", "--count", "100000", log], check=True)
    runs = []
    for policy in (old, new):
        out = subprocess.run([writ, "eval", "-p", policy, "--format", "json", log],
                             capture_output=True, text=True)
        runs.append([json.loads(line) for line in out.stdout.splitlines()])
    replay = subprocess.run([writ, "diff", old, new, "--requests", log, "--format", "json"],
                            capture_output=True, text=True)
    lines = [json.loads(line) for line in replay.stdout.splitlines()]
    summary = lines[-1]["summary"]
    changed = {l["input"]: l for l in lines[:-1]}

    problems = []
    expected = {}
    for a, b in zip(*runs):
        assert a["input"] == b["input"]
        if outcome(a) != outcome(b):
            expected[a["input"]] = (a, b)
    if set(expected) != set(changed):
        problems.append("changed requests differ: %d by eval, %d by replay"
                        % (len(expected), len(changed)))
    for where, (a, b) in expected.items():
        got = changed.get(where)
        if got and (strip(got["old"]) != strip(a) or strip(got["new"]) != strip(b)):
            problems.append("%s: replay's decisions differ from eval's" % where)
            break
        if got and got["change"] is None:
            problems.append("%s: in no kind of change" % where)
            break
    if summary["requests"] != len(runs[0]) or summary["changed"] != len(expected):
        problems.append("summary counts %s" % summary)
    if sum(t["count"] for t in summary["transitions"]) != len(expected):
        problems.append("transition counts do not add up")
    if sum(summary["per_change"]) != len(expected):
        problems.append("per-change counts do not add up")
    if replay.returncode != 1:
        problems.append("exit status %d, expected 1" % replay.returncode)
    for p in problems:
        print("FAIL", p)
    print("%d requests, %d changed; %s" % (len(runs[0]), len(expected),
                                           "agrees with writ eval" if not problems else "FAILED"))
    sys.exit(1 if problems else 0)
