"""writ: decide authorities' requests for user data against a typed disclosure policy.

    import writ
    policy = writ.Policy.load("policies/telegram-2024.writ")
    d = policy.decide({"requester": {"kind": "law_enforcement"}, ...})
    d.effect, d.granted, d.obligations, d.to_dict()
    print(policy.explain(request))
    frame = writ.decide_many(policy, requests)   # a pandas DataFrame when pandas is present

    ledger = writ.Ledger("decisions.ledger")       # the decision ledger (docs/ledger.md)
    n = ledger.record(request, d)                  # durable when it returns
    ledger.resolve(n, disclosed=["ip_address"], by="legal team")
    ledger.verify()["ok"], ledger.report(period="quarter", by=["requester.country"])

A policy is immutable and may be shared by any number of threads; batches
(`Policy.decide_many`, `Policy.decide_jsonl`, `replay`) decide in C++ with
the GIL released.
"""
from ._writ import (  # noqa: F401
    Decision,
    Explanation,
    Ledger,
    LedgerError,
    Policy,
    PolicyError,
    RequestError,
    __version__,
    diff,
    ledger_keygen,
    replay,
    replay_jsonl,
)

COLUMNS = ("effect", "open", "default", "rules", "granted", "obligations", "missing", "problems",
           "error")


def _frame(columns, as_frame):
    if as_frame is False:
        return columns
    try:
        import pandas
    except ImportError:
        if as_frame:
            raise
        return columns
    frame = pandas.DataFrame(columns, columns=list(COLUMNS))
    frame["effect"] = pandas.Categorical(frame["effect"], categories=["allow", "review", "deny"])
    return frame


def decide_many(policy, requests, *, threads=1, as_frame=None):
    """Decides an iterable of requests (dicts, or JSON text as str or bytes).

    Returns a pandas DataFrame with one row per request and the columns of
    COLUMNS when pandas is importable (as_frame=None) or required
    (as_frame=True); the dict of lists of Policy.decide_many otherwise.
    """
    return _frame(policy.decide_many(requests, threads=threads), as_frame)


def decide_jsonl(policy, path, *, threads=1, as_frame=None):
    """decide_many over the lines of a JSON Lines file."""
    return _frame(policy.decide_jsonl(path, threads=threads), as_frame)
