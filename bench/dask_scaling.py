#!/usr/bin/env python3
"""How the Dask replay (examples/dask_replay.py) scales from 1 to 2 workers.

  PYTHONPATH=build/release/python bench/dask_scaling.py LOG.jsonl [--repeat 5] [--rounds 2] [--blocksize auto]

Replays LOG under the Telegram 2018 and 2024 policies on a LocalCluster of 1
worker process, then of 2, each after one warm-up run, `repeat` times, the two
interleaved round by round (each round starts both clusters afresh, so noise on
the machine falls on both); prints each run's seconds and the ratios of the
medians and of the best runs. bench/README.md reports it.

Virtual machines do not always give two cores of one speed: the script first
times the same loop pinned to each core, runs the 1-worker cluster on the
fastest core, and prints the ceiling those speeds allow (1 + the other cores'
speeds over the fastest's) beside the measured ratio.
"""
import argparse
import os
import statistics
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, "examples"))
import dask_replay  # noqa: E402


def run(workers, log, blocksize, count):
    import dask.distributed
    old = os.path.join(root, "policies", "telegram-2018.writ")
    new = os.path.join(root, "policies", "telegram-2024.writ")
    with dask.distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, host="127.0.0.1") as cluster, \
            dask.distributed.Client(cluster) as client:
        dask_replay.replay(client, old, new, [log], blocksize)  # warm-up: policies loaded
        times, requests = [], 0
        for _ in range(count):
            start = time.perf_counter()
            summary = dask_replay.replay(client, old, new, [log], blocksize)
            times.append(time.perf_counter() - start)
            requests = summary["requests"]
    return times, requests


def core_speeds():
    """Each core's speed, as loops per second of the same Python loop, best of 5."""
    speeds = {}
    everything = os.sched_getaffinity(0)
    for cpu in sorted(everything):
        os.sched_setaffinity(0, {cpu})
        best = min(_timed_loop() for _ in range(5))
        speeds[cpu] = 1 / best
    os.sched_setaffinity(0, everything)
    return speeds


def _timed_loop():
    start = time.perf_counter()
    x = 0
    for i in range(2_000_000):
        x += i
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("log")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--blocksize", default="auto")
    args = parser.parse_args()
    speeds = core_speeds()
    fastest = max(speeds, key=speeds.get)
    others = sorted((v for k, v in speeds.items() if k != fastest), reverse=True)
    ceiling = 1 + (others[0] / speeds[fastest] if others else 0)
    print("core speeds (relative to the fastest): " +
          ", ".join(f"cpu{k} {v / speeds[fastest]:.2f}" for k, v in sorted(speeds.items())))
    everything = os.sched_getaffinity(0)
    seconds = {1: [], 2: []}
    requests = 0
    for _ in range(args.rounds):
        for workers in (1, 2):
            # One worker on the fastest core (its processes inherit the
            # affinity); two on every core.
            os.sched_setaffinity(0, {fastest} if workers == 1 else everything)
            times, requests = run(workers, args.log, args.blocksize, args.repeat)
            seconds[workers] += times
            print(f"{workers} worker(s): " + ", ".join(f"{t:.3f}" for t in times), flush=True)
    for name, pick in (("median", statistics.median), ("best", min)):
        m1, m2 = pick(seconds[1]), pick(seconds[2])
        print(f"{requests} requests, blocks {args.blocksize}, {name}: {m1:.3f} s on 1 worker "
              f"({requests / m1 / 1e6:.2f}M/s), {m2:.3f} s on 2 ({requests / m2 / 1e6:.2f}M/s): "
              f"{m1 / m2:.2f}x (ceiling on these cores {ceiling:.2f}x: "
              f"{m1 / m2 / ceiling:.0%} of it)")


if __name__ == "__main__":
    main()
