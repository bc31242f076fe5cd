#!/usr/bin/env python3
"""Replays a log of requests under two policies on a Dask cluster.

  dask_replay.py OLD.writ NEW.writ LOG.jsonl [LOG2.jsonl ...]
                 [--scheduler ADDRESS] [--workers N] [--blocksize auto|BYTES] [--json]

The logs are cut into blocks of bytes; each worker reads its own blocks (the
lines that start in each, as dask.bytes.read_bytes cuts them), decides every request of a block under both policies
with the writ module (writ.replay: parsed once, decided twice in C++ without
the GIL) and returns the block's counts; the counts add up, in a tree, to the
transition table that `writ diff OLD NEW --requests LOG` prints: the same
numbers.

Without --scheduler it starts a LocalCluster of N worker processes (one
thread each) on this machine. With --scheduler tcp://host:8786 it uses a
running cluster: every worker then needs the writ module (cmake --install)
and the policy files at the same paths (a shared file system), and the logs
must be readable from every worker at the paths given (or be URLs Dask
reads, s3://... with s3fs installed).
"""
import argparse
import collections
import functools
import json
import sys
import time


@functools.lru_cache(maxsize=8)
def _policy(path):
    # Loaded once per worker process, not once per partition.
    import writ
    return writ.Policy.load(path)


def replay_block(path, offset, length, old_path, new_path):
    """The counts of one block of a log: a summary as writ.replay returns it.

    The block is the lines whose preceding newline lies in [offset, offset +
    length): read here, on the worker, so that no log data travels between
    processes. A local file is read by writ itself through a small buffer;
    another URL through fsspec.
    """
    import writ
    old, new = _policy(old_path), _policy(new_path)
    if "://" not in path or path.startswith("file://"):
        return writ.replay_jsonl(old, new, path.removeprefix("file://"), offset=offset,
                                 length=length)
    import fsspec
    import fsspec.utils
    with fsspec.open(path, "rb") as f:
        block = fsspec.utils.read_block(f, offset, length, delimiter=b"\n")
    # Blank lines are skipped by writ.replay, as by `writ diff --requests`.
    return writ.replay(old, new, block.splitlines())


def merge(summaries):
    """Adds partitions' summaries: requests, changed, malformed, transitions."""
    total = {"requests": 0, "changed": 0, "malformed": 0}
    transitions = collections.Counter()
    for s in summaries:
        for k in total:
            total[k] += s[k]
        for t in s["transitions"]:
            transitions[(t["from"], t["to"])] += t["count"]
    total["transitions"] = [{"from": f, "to": t, "count": n}
                            for (f, t), n in sorted(transitions.items())]
    return total


def blocks(logs, blocksize, workers):
    """(path, offset, length) of each block of each log.

    blocksize "auto" cuts the logs into 4 blocks per worker (at least 1 MiB
    each): enough for a worker that finishes early to take another, few
    enough that each task's fixed cost (a round trip to the scheduler, a
    file opened, a result sent) stays small beside its work.
    """
    import dask.utils
    import fsspec
    sizes = []
    for log in logs:
        fs, path = fsspec.core.url_to_fs(log)
        sizes.append(fs.size(path))
    if blocksize == "auto":
        size = max(1 << 20, -(-sum(sizes) // (4 * max(1, workers))))
    else:
        size = dask.utils.parse_bytes(blocksize)
    out = []
    for log, total in zip(logs, sizes):
        out += [(log, offset, min(size, total - offset)) for offset in range(0, total, size)]
    return out


def replay(client, old, new, logs, blocksize="auto", fan_in=8):
    import dask
    workers = len(client.scheduler_info()["workers"])
    parts = [dask.delayed(replay_block)(path, offset, length, old, new)
             for path, offset, length in blocks(logs, blocksize, workers)]
    # Summed in a tree, fan_in at a time: no one task holds every summary.
    while len(parts) > 1:
        parts = [dask.delayed(merge)(parts[i:i + fan_in]) for i in range(0, len(parts), fan_in)]
    if not parts:
        return merge([])
    return client.compute(parts[0]).result()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("logs", nargs="+")
    parser.add_argument("--scheduler", help="a running scheduler's address (default: a LocalCluster)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    parser.add_argument("--blocksize", default="auto",
                        help="bytes of log per block, a task (default: 4 blocks per worker)")
    parser.add_argument("--json", action="store_true", help="the summary as one JSON object")
    args = parser.parse_args()

    import dask.distributed
    # Fail here, not on every worker, when a policy does not load.
    _policy(args.old), _policy(args.new)
    if args.scheduler:
        client = dask.distributed.Client(args.scheduler)
        cluster = None
    else:
        cluster = dask.distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                                processes=True, dashboard_address=None,
                                                host="127.0.0.1")
        client = dask.distributed.Client(cluster)
    try:
        start = time.perf_counter()
        summary = replay(client, args.old, args.new, args.logs, args.blocksize)
        seconds = time.perf_counter() - start
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    summary["seconds"] = round(seconds, 3)
    summary["workers"] = args.workers if cluster is not None else None
    if args.json:
        print(json.dumps(summary))
        return
    print(f"{summary['requests']} requests: {summary['requests'] - summary['changed']} decided "
          f"alike, {summary['changed']} changed"
          + (f", {summary['malformed']} malformed (skipped)" if summary["malformed"] else ""))
    if summary["transitions"]:
        print("\ntransitions")
        for t in sorted(summary["transitions"], key=lambda t: -t["count"]):
            print(f"  {t['count']}\t{t['from']} → {t['to']}")
    rate = summary["requests"] / seconds if seconds else 0
    print(f"\n{seconds:.2f} s, {rate / 1e6:.2f}M requests/s", file=sys.stderr)


if __name__ == "__main__":
    main()
