#!/usr/bin/env python3
"""Decisions per second from Python: the writ module over the base workload.

  PYTHONPATH=build/release/python bench/python_bench.py BASE.jsonl [--repeat 7] [--smoke]

On one core (threads=1, the process pinned to one CPU): Policy.decide_many
over the workload's lines read beforehand (as str, and as bytes: JSON text to
columns, parsed and decided in C++ with the GIL released), Policy.decide_jsonl
(the file read through a small buffer), the pandas frame of decide_many, and
Policy.decide one request at a time for comparison. Each is timed `repeat`
times after a warm-up; the table gives the median and the best run as
ns/decision and decisions/s. Before timing, the counts of allow / deny /
review are checked against the base workload's checksum (bench/README.md).
"""
import argparse
import os
import statistics
import sys
import time

import writ

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPECTED = {"allow": 0, "deny": 78728, "review": 21272}  # telegram-2024, 100,000 requests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workload")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="one short run of each (CI)")
    args = parser.parse_args()
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[0]})
    policy = writ.Policy.load(os.path.join(root, "policies", "telegram-2024.writ"))
    with open(args.workload) as f:
        lines = f.read().splitlines()
    raw = [line.encode() for line in lines]
    if args.smoke:
        lines, raw = lines[:2000], raw[:2000]
    columns = policy.decide_many(lines)
    counts = {e: columns["effect"].count(e) for e in EXPECTED}
    if not args.smoke and counts != EXPECTED:
        sys.exit(f"checksum: {counts}, expected {EXPECTED}")
    n = len(lines)
    single = lines[: max(1, n // 10)]
    cases = [
        ("decide_many, str lines", n, lambda: policy.decide_many(lines)),
        ("decide_many, bytes lines", n, lambda: policy.decide_many(raw)),
        ("decide_jsonl, the file", n, lambda: policy.decide_jsonl(args.workload)),
        ("writ.decide_many to a pandas DataFrame", n, lambda: writ.decide_many(policy, lines)),
        ("decide, one call per request", len(single), lambda: [policy.decide(x) for x in single]),
    ]
    if args.smoke:
        cases[2] = ("decide_jsonl, the file", None, lambda: policy.decide_jsonl(args.workload))
    repeat = 1 if args.smoke else args.repeat
    print(f"{n} requests of {os.path.basename(args.workload)}, telegram-2024, one core "
          f"(cpu{cpus[0]}), {repeat} runs after a warm-up")
    print()
    print("| from Python | median per decision | median decisions/s | best decisions/s |")
    print("|---|--:|--:|--:|")
    for name, count, run in cases:
        run()  # warm-up
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            out = run()
            times.append(time.perf_counter() - start)
        if count is None:
            count = len(out["effect"])
        med, best = statistics.median(times), min(times)
        print(f"| {name} | {med / count * 1e9:.0f} ns | {count / med / 1e6:.2f}M/s | "
              f"{count / best / 1e6:.2f}M/s |")


if __name__ == "__main__":
    main()
