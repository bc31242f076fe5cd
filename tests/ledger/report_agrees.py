#!/usr/bin/env python3
"""`writ report` against an independent aggregation, and its HTML page in a browser.

Builds a ledger with the command line (`writ eval --ledger` on 3,000
generated requests, then resolutions, refusals and corrections with `writ
ledger resolve`), computes each report's table here from the SQLite file
directly, and compares it with `writ report --format json` for several
option sets; then renders `--format html` in headless Chromium, which must
log no console message and take the screenshot.

    report_agrees.py WRIT POLICY_DIR EXAMPLES_DIR
"""
import collections
import glob
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile

writ, policy_dir, examples_dir = sys.argv[1:4]
policy = os.path.join(policy_dir, "telegram-2024.writ")
rng = random.Random(8785)
work = tempfile.mkdtemp(prefix="writ_report_")
ledger = os.path.join(work, "decisions.ledger")


def run(*args, ok=True):
    p = subprocess.run([writ, *args], capture_output=True, text=True, timeout=300)
    if ok and p.returncode != 0:
        sys.exit(f"writ {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


# ---- the ledger -------------------------------------------------------------
examples = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(examples_dir, "requests", "*.json")))]
countries = ["DE", "FR", "BR", "IN", "US", "GB", "ES", "IT", "LU"]
weights = [30, 20, 15, 12, 10, 6, 4, 2, 1]
requests_path = os.path.join(work, "requests.jsonl")
with open(requests_path, "w") as out:
    for i in range(3000):
        r = json.loads(json.dumps(examples[i % len(examples)]))
        r["id"] = f"g{i}"
        r.setdefault("requester", {})["country"] = rng.choices(countries, weights)[0]
        if i % 50 == 7:
            r.pop("received", None)  # counted on the day it was recorded
        else:
            r["received"] = f"{rng.choice([2024, 2025])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        out.write(json.dumps(r) + "\n")
run("eval", "--format", "json", "--ledger", ledger, "--policy", policy, requests_path)

db = sqlite3.connect(ledger)
entries = [json.loads(body) for (body,) in db.execute("SELECT body FROM entries ORDER BY seq")]
granted = [(e["seq"], e["decision"]["granted"]) for e in entries
           if e["kind"] == "decision" and e["decision"]["effect"] != "deny" and e["decision"]["granted"]]
assert len(granted) > 500, len(granted)
resolved = rng.sample(granted, 400)
resolutions = {}
for seq, items in resolved:
    if rng.random() < 0.7:
        chosen = rng.sample(items, rng.randint(1, len(items)))
        p = run("ledger", "resolve", ledger, str(seq), "--disclosed", ",".join(chosen), "--by", "legal")
    else:
        p = run("ledger", "resolve", ledger, str(seq), "--refused", "--by", "legal")
    resolutions[seq] = int(p.stdout.split()[1].rstrip(":"))
for seq in rng.sample(sorted(resolutions), 30):  # corrections: the later one counts
    run("ledger", "resolve", ledger, "--corrects", str(resolutions[seq]), "--refused", "--by", "dpo",
        "--reason", "withdrawn")
# Refused inputs change nothing.
size = db.execute("SELECT count(*) FROM entries").fetchone()[0]
deny = next(e["seq"] for e in entries if e["kind"] == "decision" and e["decision"]["effect"] == "deny")
assert run("ledger", "resolve", ledger, str(deny), "--refused", "--by", "x", ok=False).returncode == 1
assert run("ledger", "resolve", ledger, str(resolved[0][0]), "--refused", "--by", "x", ok=False).returncode == 1
assert run("ledger", "resolve", ledger, str(resolved[1][0]), "--disclosed", "message_content", "--by", "x",
           ok=False).returncode == 1
assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == size
assert run("ledger", "verify", ledger).returncode == 0
entries = [json.loads(body) for (body,) in db.execute("SELECT body FROM entries ORDER BY seq")]


# ---- the independent aggregation ------------------------------------------------
def value_at(request, path):
    v = request
    for part in path.split("."):
        v = v.get(part) if isinstance(v, dict) else None
    if v is None:
        return "(none)"
    return v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))


def label(date, period):
    y, m = date[:4], int(date[5:7])
    return {"year": y, "half": f"{y}-H{1 if m <= 6 else 2}", "quarter": f"{y}-Q{(m + 2) // 3}",
            "month": date[:7]}[period]


def aggregate(period, by=(), split=None, min_group=1, obligation=None, start=None, end=None):
    outcome = {}
    for e in entries:  # in order: a correction after its resolution wins
        if e["kind"] in ("resolution", "correction"):
            outcome[e["decision"]] = (e["outcome"], e["items"])
    rows = collections.defaultdict(lambda: collections.Counter())
    items = collections.defaultdict(collections.Counter)
    splits = collections.defaultdict(collections.Counter)
    for e in entries:
        if e["kind"] != "decision":
            continue
        d = e["decision"]
        if obligation and not any(o["name"] == obligation for o in d["obligations"]):
            continue
        date = value_at(e["request"], "received")
        if len(date) != 10:
            date = e["time"][:10]
        if (start and date < start) or (end and date > end):
            continue
        key = (label(date, period), tuple(value_at(e["request"], b) for b in by))
        row = rows[key]
        row["requests"] += 1
        row[d["effect"]] += 1
        o = outcome.get(e["seq"])
        if d["effect"] != "deny" and o is None:
            row["unresolved"] += 1
        if o and o[0] == "disclosed":
            row["disclosed"] += 1
            items[key].update(o[1])
        if o and o[0] == "refused":
            row["refused"] += 1
        if split:
            s = value_at(e["request"], split)
            splits[key]["r:" + s] += 1
            if o and o[0] == "disclosed":
                splits[key]["d:" + s] += 1
    table = {}
    for key, row in rows.items():
        if by and row["requests"] < min_group:
            key2 = (key[0], tuple("other" for _ in by))
        else:
            key2 = key
        t = table.setdefault(key2, [collections.Counter(), collections.Counter(), collections.Counter()])
        t[0].update(row)
        t[1].update(items[key])
        t[2].update(splits[key])
    return table


def compare(args, **kw):
    got = json.loads(run("report", ledger, "--format", "json", *args).stdout)
    want = aggregate(got["period"], **kw)
    assert len(got["rows"]) == len(want), (args, len(got["rows"]), len(want))
    for row in got["rows"]:
        counts, items, splits = want[(row["period"], tuple(row["group"]))]
        for f in ("requests", "allow", "review", "deny", "unresolved", "disclosed", "refused"):
            assert row[f] == counts[f], (args, row["period"], row["group"], f, row[f], counts[f])
        assert abs(row["disclosed_percent"] - 100 * counts["disclosed"] / counts["requests"]) <= 0.05 + 1e-9
        assert row["items"] == dict(items), (args, row["items"], dict(items))
        if kw.get("split"):
            assert row["split_requests"] == {k[2:]: n for k, n in splits.items() if k[:2] == "r:"}
            assert row["split_disclosed"] == {k[2:]: n for k, n in splits.items() if k[:2] == "d:"}
    return got


got = compare([])
assert got["period"] == "half" and got["dated_by_record_time"] == 60, got["dated_by_record_time"]
compare(["--period", "quarter", "--by", "requester.country"], by=("requester.country",))
compare(["--period", "month", "--by", "requester.country", "--min-group", "15"],
        by=("requester.country",), min_group=15)
compare(["--period", "year", "--by", "requester.country", "--by", "instrument.type", "--split",
         "instrument.type"], by=("requester.country", "instrument.type"), split="instrument.type")
compare(["--from", "2024-03-01", "--to", "2025-02-28", "--period", "quarter"], start="2024-03-01",
        end="2025-02-28")
got = compare(["--obligation", "transparency_report"], obligation="transparency_report")
assert got["period"] == "quarter", "transparency_report(\"quarterly\") makes quarters the default"
assert any(r["group"] == ["other"] for r in json.loads(run(
    "report", ledger, "--format", "json", "--by", "requester.country", "--min-group", "200",
    "--period", "month").stdout)["rows"])
# Bad options and files are refused.
assert run("report", ledger, "--from", "2024-13-01", ok=False).returncode == 2
assert run("report", os.path.join(work, "absent.ledger"), ok=False).returncode == 3
assert run("report", requests_path, ok=False).returncode == 1
for fmt in ("md", "csv"):
    assert "requests" in run("report", ledger, "--format", fmt, "--by", "requester.country").stdout
print(f"writ report agrees with the independent aggregation ({len(entries)} entries)")

# ---- the HTML page in a browser ------------------------------------------------
html = os.path.join(work, "report.html")
run("report", ledger, "--format", "html", "--period", "quarter", "--by", "requester.country",
    "--min-group", "20", "--out", html)
page = open(html).read()
assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
assert page.count("<svg") == len({r["period"] for r in json.loads(run(
    "report", ledger, "--format", "json", "--period", "quarter", "--by", "requester.country",
    "--min-group", "20").stdout)["rows"]})
browser = next((b for b in ("chromium", "chromium-browser", "google-chrome") if
                subprocess.run(["which", b], capture_output=True).returncode == 0), None)
if browser is None:
    sys.exit("no headless Chromium to open the page (scripts/install-deps installs chromium)")
shot = os.path.join(work, "report.png")
p = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
                    "--v=0", f"--screenshot={shot}", "--window-size=1200,2000", "file://" + html],
                   capture_output=True, text=True, timeout=120)
console = [line for line in p.stderr.splitlines() if ":CONSOLE" in line]
assert not console, "\n".join(console)
assert os.path.getsize(shot) > 10_000, os.path.getsize(shot)
print(f"the HTML report opens in {browser} with no console message; screenshot {shot}")
shutil.rmtree(work)
