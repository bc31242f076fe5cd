"""The Python module against the command line, and its errors and threads.

Run by ctest (tests/CMakeLists.txt) with PYTHONPATH=<build>/python and the
environment WRIT_BIN (the CLI) and WRIT_ROOT (the source tree).
"""
import concurrent.futures
import glob
import json
import os
import subprocess
import sys

import pytest

import writ

ROOT = os.environ.get("WRIT_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
WRIT = os.environ["WRIT_BIN"]
POLICIES = os.path.join(ROOT, "policies")
EXAMPLES = sorted(glob.glob(os.path.join(ROOT, "examples", "*requests", "*.json")))


def policy_path(name):
    return os.path.join(POLICIES, name)


def cli_decisions(policy, paths):
    """`writ eval --format json` on files, without the fields naming them."""
    out = subprocess.run([WRIT, "eval", "--policy", policy, "--format", "json", *paths],
                         capture_output=True, text=True, check=False)
    assert out.returncode in (0, 1), out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    return [{k: v for k, v in d.items() if k not in ("request", "input")} for d in lines]


@pytest.fixture(scope="module")
def base_workload(tmp_path_factory):
    path = tmp_path_factory.mktemp("workload") / "base.jsonl"
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "workloads.py"), "requests",
                    "--count", "20000", str(path)], check=True)
    return str(path)


@pytest.mark.parametrize("name", ["telegram-2024.writ", "telegram-2018.writ", "us-ecpa.writ",
                                  "notice-platform.writ", "telegram.writ"])
def test_decisions_equal_the_clis_on_the_example_requests(name):
    policy = writ.Policy.load(policy_path(name))
    expected = cli_decisions(policy_path(name), EXAMPLES)
    assert len(expected) == len(EXAMPLES)
    for path, want in zip(EXAMPLES, expected):
        with open(path) as f:
            text = f.read()
        assert policy.decide(text).to_dict() == want, path
        # A dict decides as its JSON text does.
        assert policy.decide(json.loads(text)).to_dict() == want, path


def test_decide_many_equals_the_cli_on_the_base_workload(base_workload):
    policy = writ.Policy.load(policy_path("telegram-2024.writ"))
    expected = cli_decisions(policy_path("telegram-2024.writ"), [base_workload])
    columns = policy.decide_jsonl(base_workload)
    assert columns == policy.decide_many(open(base_workload, "rb").read().splitlines())
    assert columns == policy.decide_many(open(base_workload).read().splitlines(), threads=2)
    assert len(columns["effect"]) == len(expected) == 20000
    for i, want in enumerate(expected):
        row = {k: columns[k][i] for k in writ.COLUMNS}
        assert row["effect"] == want["effect"]
        assert row["open"] == want["open"]
        assert row["default"] == want["default"]
        assert list(row["rules"]) == want["rules"]
        assert list(row["granted"]) == want["granted"]
        assert list(row["missing"]) == want["missing"]
        assert [o.split("(")[0] for o in row["obligations"]] == [o["name"] for o in want["obligations"]]
        assert row["error"] is None


def test_typed_fields():
    policy = writ.Policy.load(policy_path("telegram-2024.writ"))
    assert policy.name == "telegram_2024" and policy.version == "2024-09"
    assert len(policy.sha256) == 64 and not policy.is_history
    assert "judicial_order_criminal_suspect" in policy.rules
    assert "ip_address" in policy.items
    with open(os.path.join(ROOT, "examples", "requests", "01-terror-suspect-court-order.json")) as f:
        d = policy.decide(f.read())
    assert d.effect == "review" and not d.open and not d.by_default
    assert d.granted == ["ip_address", "phone_number"]
    assert d.rules == ["judicial_order_criminal_suspect"]
    assert d.obligations == [("transparency_report", "quarterly")]
    assert d.missing == [] and d.problems == [] and d.message
    assert json.loads(d.to_json()) == d.to_dict()
    e = policy.explain(open(f.name).read())
    assert e.decision.effect == "review"
    assert "judicial_order_criminal_suspect" in e.text()
    assert [r["rule"] for r in e.rules] == policy.rules
    assert e.summary.startswith("review")


def test_input_problems_are_decided_fail_safe_not_raised():
    policy = writ.Policy.load(policy_path("telegram-2024.writ"))
    d = policy.decide({"requester": {"kind": "law_enforcement", "verified": "yes"}})
    assert d.effect != "allow"
    assert d.problems and d.problems[0]["attribute"] == "requester.verified"


def test_malformed_json_raises_and_a_batch_keeps_every_other_row():
    policy = writ.Policy.load(policy_path("telegram-2024.writ"))
    with pytest.raises(writ.RequestError):
        policy.decide('{"requester": ')
    with pytest.raises(ValueError):  # RequestError is a ValueError
        policy.decide(b"[1, 2")
    with pytest.raises(TypeError):
        policy.decide(42)
    with pytest.raises(TypeError):
        policy.decide({"requester": object()})
    good = open(os.path.join(ROOT, "examples", "requests", "01-terror-suspect-court-order.json")).read()
    columns = policy.decide_many([good, "{nope", good])
    assert columns["effect"] == ["review", "deny", "review"]
    assert columns["granted"][1] == () and columns["error"][1]
    assert columns["error"][0] is None and columns["error"][2] is None


def test_policy_errors_carry_the_diagnostics(tmp_path):
    broken = tmp_path / "broken.writ"
    broken.write_text("policy p {\n  default deny\n  rule r { when requester.kind == \"x\" allow }\n}\n")
    with pytest.raises(writ.PolicyError) as caught:
        writ.Policy.load(str(broken))
    e = caught.value
    assert isinstance(e, ValueError)
    assert f"{broken}:3:" in str(e) and "^" in str(e)
    assert e.code == 3
    assert e.diagnostics and e.diagnostics[0]["line"] == 3
    assert e.diagnostics[0]["severity"] == "error"
    with pytest.raises(writ.PolicyError) as missing:
        writ.Policy.load(str(tmp_path / "nothing.writ"))
    assert missing.value.code == 5
    with pytest.raises(writ.PolicyError):
        writ.Policy.from_text("policy p { default deny rule r { when x allow } }")


def test_a_history_decides_by_the_version_in_force():
    history = writ.Policy.load(policy_path("telegram.writ"))
    assert history.is_history and history.version == ""
    request = json.load(open(os.path.join(ROOT, "examples", "history-requests",
                                          "h1-day-before-the-change.json")))
    assert history.decide(request).effect == "deny"
    request["received"] = "2024-09-23"
    assert history.decide(request).effect == "review"
    with pytest.raises(ValueError):
        writ.diff(history, history)


def test_threads_share_one_policy(base_workload):
    policy = writ.Policy.load(policy_path("telegram-2024.writ"))
    lines = open(base_workload).read().splitlines()
    expected = [policy.decide(line).to_dict() for line in lines[:2000]]
    whole = policy.decide_many(lines)

    def one(i):
        return policy.decide(lines[i]).to_dict()

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        singles = list(pool.map(one, range(2000)))
        batches = list(pool.map(lambda _: policy.decide_many(lines), range(4)))
    assert singles == expected
    assert all(b == whole for b in batches)


def test_diff_and_replay_equal_the_clis(base_workload):
    old = writ.Policy.load(policy_path("telegram-2018.writ"))
    new = writ.Policy.load(policy_path("telegram-2024.writ"))
    cli = subprocess.run([WRIT, "diff", policy_path("telegram-2018.writ"),
                          policy_path("telegram-2024.writ"), "--format", "json"],
                         capture_output=True, text=True)
    d = writ.diff(old, new)
    assert {k: v for k, v in d.items() if k != "text"} == json.loads(cli.stdout)
    assert d["changes"]
    cli = subprocess.run([WRIT, "diff", policy_path("telegram-2018.writ"),
                          policy_path("telegram-2024.writ"), "--requests", base_workload,
                          "--format", "json"], capture_output=True, text=True)
    summary = json.loads(cli.stdout.splitlines()[-1])["summary"]
    for got in (writ.replay_jsonl(old, new, base_workload),
                writ.replay_jsonl(old, new, base_workload, threads=2),
                writ.replay(old, new, open(base_workload).read().splitlines())):
        assert got["requests"] == summary["requests"]
        assert got["changed"] == summary["changed"] > 0
        assert got["transitions"] == summary["transitions"]


def test_a_frame_when_pandas_is_present(base_workload):
    pandas = pytest.importorskip("pandas")
    policy = writ.Policy.load(policy_path("telegram-2024.writ"))
    frame = writ.decide_jsonl(policy, base_workload)
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == list(writ.COLUMNS)
    assert len(frame) == 20000
    counts = frame["effect"].value_counts()
    assert counts["allow"] + counts["review"] + counts["deny"] == 20000
    assert isinstance(writ.decide_many(policy, ["{}"], as_frame=False), dict)


def test_the_ledger_records_resolves_verifies_and_reports(tmp_path):
    policy = writ.Policy.load(os.path.join(POLICIES, "telegram-2024.writ"))
    ledger = writ.Ledger(str(tmp_path / "l.ledger"), origin="test.example/ledger",
                         redact=["subject.status"])
    entries = []
    for path in EXAMPLES:
        request = json.load(open(path))
        entries.append(ledger.record(request, policy.decide(request)))
    assert entries == list(range(len(EXAMPLES))) and len(ledger) == len(EXAMPLES)
    e = ledger.entry(1)
    assert e["kind"] == "decision" and e["seq"] == 1
    if "status" in e["request"].get("subject", {}):
        assert e["request"]["subject"]["status"].startswith("sha256:")
    granted = next(n for n in entries if ledger.entry(n)["decision"]["effect"] != "deny"
                   and ledger.entry(n)["decision"]["granted"])
    item = ledger.entry(granted)["decision"]["granted"][0]
    r = ledger.resolve(granted, disclosed=[item], by="legal")
    # Refusals raise and write nothing.
    for bad in (lambda: ledger.resolve(granted, refused=True, by="legal"),          # resolved
                lambda: ledger.resolve(r, refused=True, by="legal"),                # not a decision
                lambda: ledger.resolve(granted, disclosed=["nonsense"], by="x")):    # not granted
        with pytest.raises(writ.LedgerError):
            bad()
    with pytest.raises(ValueError):
        ledger.resolve(granted, by="legal")  # neither disclosed nor refused
    assert len(ledger) == len(EXAMPLES) + 1
    ledger.correct(r, refused=True, by="dpo", reason="withdrawn")
    signer, verifier = writ.ledger_keygen("test.example/ledger")
    checkpoint = ledger.checkpoint(signer)
    v = ledger.verify(checkpoint=checkpoint, key=verifier)
    assert v["ok"] and v["checkpoint_checked"] and v["corrections"] == 1, v
    assert not ledger.verify(checkpoint=checkpoint, key=writ.ledger_keygen("other")[1])["ok"]
    # The report equals the CLI's.
    report = ledger.report(period="quarter", by=["requester.country"])
    cli = subprocess.run([WRIT, "report", str(tmp_path / "l.ledger"), "--format", "json",
                          "--period", "quarter", "--by", "requester.country"],
                         capture_output=True, text=True, check=True)
    assert report == json.loads(cli.stdout)
    assert sum(row["refused"] for row in report["rows"]) == 1
    with pytest.raises(writ.LedgerError):
        writ.Ledger(str(tmp_path / "absent.ledger"), create=False)
    (tmp_path / "notes.txt").write_text("not a ledger")
    with pytest.raises(writ.LedgerError, match="not a writ ledger"):
        writ.Ledger(str(tmp_path / "notes.txt"))
