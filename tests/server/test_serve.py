"""`writ serve` on loopback: decisions, errors, limits, slow clients, reloads, shutdown.

Run by ctest with WRIT_BIN (the CLI) and WRIT_ROOT (the source tree). Every
server listens on 127.0.0.1 on a port the kernel picks; every socket has a
timeout, so every test stops by itself.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

ROOT = os.environ.get("WRIT_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
WRIT = os.environ["WRIT_BIN"]
EXAMPLES = sorted(os.path.join(ROOT, "examples", "requests", f)
                  for f in os.listdir(os.path.join(ROOT, "examples", "requests")))


class Server:
    def __init__(self, policy, *flags, threads=2):
        self.proc = subprocess.Popen(
            [WRIT, "serve", "--policy", policy, "--listen", "127.0.0.1:0", "--threads", str(threads),
             *flags],
            stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        if "listening on http://127.0.0.1:" not in line:
            self.proc.kill()
            raise RuntimeError(f"writ serve did not start: {line}{self.proc.stderr.read()}")
        self.port = int(line.split("127.0.0.1:")[1].split()[0])

    def connect(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None):
        c = self.connect()
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, r.getheaders(), r.read()
        finally:
            c.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@pytest.fixture
def policies(tmp_path):
    target = tmp_path / "policies"
    shutil.copytree(os.path.join(ROOT, "policies"), target)
    return target


@pytest.fixture
def server(policies):
    s = Server(str(policies / "telegram-2024.writ"), "--read-timeout", "1")
    yield s
    s.stop()


def eval_lines(policy, paths):
    out = subprocess.run([WRIT, "eval", "--policy", policy, "--format", "json", *paths],
                         capture_output=True, text=True)
    assert out.returncode in (0, 1), out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def without_input(d):
    return {k: v for k, v in d.items() if k != "input"}


def test_decisions_equal_writ_evals(server, policies, tmp_path):
    policy = str(policies / "telegram-2024.writ")
    expected = eval_lines(policy, EXAMPLES)
    c = server.connect()  # one kept-alive connection for all
    for path, want in zip(EXAMPLES, expected):
        c.request("POST", "/v1/decide", body=open(path, "rb").read(),
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        assert r.status == 200
        assert without_input(json.loads(r.read())) == without_input(want), path
    c.close()
    # The base workload as JSON Lines in one request, and as an array.
    log = tmp_path / "base.jsonl"
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "workloads.py"), "requests",
                    "--count", "5000", str(log)], check=True)
    expected = [without_input(d) for d in eval_lines(policy, [str(log)])]
    status, headers, body = server.request("POST", "/v1/decide", body=log.read_bytes())
    assert status == 200 and dict(headers)["Content-Type"] == "application/x-ndjson"
    assert [without_input(json.loads(l)) for l in body.splitlines()] == expected
    array = "[" + ",".join(log.read_text().splitlines()) + "]"
    status, _, body = server.request("POST", "/v1/decide", body=array)
    assert status == 200
    assert [without_input(d) for d in json.loads(body)] == expected


def test_explain_and_alternatives(server):
    body = open(EXAMPLES[0], "rb").read()
    status, _, out = server.request("POST", "/v1/decide?explain=1&alternatives=1", body=body)
    assert status == 200
    d = json.loads(out)
    assert d["explanation"] and d["summary"] and "alternatives" in d


def error_of(status, headers, body):
    assert dict(headers)["Content-Type"] == "application/json"
    e = json.loads(body)["error"]
    assert e["status"] == status and e["message"]
    return e["message"]


def test_refusals_are_statuses_with_json_errors(policies):
    s = Server(str(policies / "telegram-2024.writ"), "--max-body-bytes", "100000",
               "--max-header-bytes", "4096")
    try:
        status, headers, body = s.request("POST", "/v1/decide", body='{"requester": ')
        assert status == 400 and "malformed" in error_of(status, headers, body)
        status, headers, body = s.request("POST", "/v1/decide", body="")
        assert status == 400 and error_of(status, headers, body)
        status, headers, body = s.request("POST", "/v1/decide", body="x" * 200000)
        assert status == 413 and error_of(status, headers, body)
        status, headers, body = s.request("GET", "/v1/decide")
        assert status == 405 and dict(headers)["Allow"] == "POST" and error_of(status, headers, body)
        status, headers, body = s.request("POST", "/healthz", body="{}")
        assert status == 405 and dict(headers)["Allow"] == "GET"
        status, headers, body = s.request("GET", "/v2/nothing")
        assert status == 404 and "/v1/decide" in error_of(status, headers, body)
        status, headers, body = s.request("GET", "/", headers={"X-Big": "y" * 8000})
        assert status == 431 and error_of(status, headers, body)
        # A batch keeps every good request: the bad one's entry says why.
        good = open(EXAMPLES[0]).read().replace("\n", " ")
        status, _, body = s.request("POST", "/v1/decide", body=f"{good}\n{{nope\n{good}\n")
        lines = [json.loads(l) for l in body.splitlines()]
        assert status == 200 and len(lines) == 3
        assert lines[0]["effect"] == lines[2]["effect"] == "review" and "error" in lines[1]
        # Input problems are decided fail-safe, not refused.
        status, _, body = s.request("POST", "/v1/decide", body='{"requester": {"verified": "yes"}}')
        d = json.loads(body)
        assert status == 200 and d["effect"] != "allow" and d["problems"]
        for path in ("/healthz", "/readyz", "/v1/policy", "/metrics"):
            assert s.request("GET", path)[0] == 200, path
        info = json.loads(s.request("GET", "/v1/policy")[2])
        assert info["name"] == "telegram_2024" and len(info["sha256"]) == 64 and info["rules"] >= 1
        metrics = s.request("GET", "/metrics")[2].decode()
        assert 'writ_decisions_total{effect="review"}' in metrics
        assert "writ_request_errors_total" in metrics and "writ_decide_latency_seconds_bucket" in metrics
    finally:
        assert s.stop() == 0


def read_responses(sock, count, timeout=10):
    """Reads `count` HTTP responses (with Content-Length) from a socket: [(status, headers, body)]."""
    sock.settimeout(timeout)
    data, out = b"", []
    while len(out) < count:
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            head = data[:head_end].decode()
            lines = head.split("\r\n")
            headers = {k.lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
            length = int(headers.get("content-length", "0"))
            if len(data) >= head_end + 4 + length:
                out.append((int(lines[0].split()[1]), headers, data[head_end + 4:head_end + 4 + length]))
                data = data[head_end + 4 + length:]
                continue
        chunk = sock.recv(65536)
        assert chunk, f"closed after {len(out)} of {count} responses"
        data += chunk
    return out, data


def test_http_pipelining_continue_head_chunked_and_http10(server):
    """What HTTP/1.1 clients other than ours do: pipelined requests answered in order, Expect:
    100-continue, HEAD without a body, a chunked body, and HTTP/1.0 keep-alive."""
    good = open(EXAMPLES[0]).read().replace("\n", " ").encode()
    want = json.loads(server.request("POST", "/v1/decide", body=good)[2])
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as c:
        # Ten decide requests and a health check in one send: eleven answers in order.
        one = b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(good), good)
        c.sendall(one * 10 + b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        answers, rest = read_responses(c, 11)
        assert rest == b""
        assert [a[0] for a in answers] == [200] * 11
        assert all(json.loads(a[2]) == want for a in answers[:10])
        assert json.loads(answers[10][2]) == {"status": "ok"}
        assert answers[0][1]["date"].endswith(" GMT") and answers[0][1]["server"] == "writ"
        # Expect: 100-continue: the interim answer first, then the body is read and decided.
        c.sendall(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(good))
        c.settimeout(10)
        interim = c.recv(4096)
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), interim
        c.sendall(good)
        [(status, _, body)], _ = read_responses(c, 1)
        assert status == 200 and json.loads(body) == want
        # A chunked body, split across sends.
        c.sendall(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        half = len(good) // 2
        c.sendall(b"%x\r\n%s\r\n" % (half, good[:half]))
        time.sleep(0.05)
        c.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (len(good) - half, good[half:]))
        [(status, _, body)], _ = read_responses(c, 1)
        assert status == 200 and json.loads(body) == want
        # HEAD: the headers of the answer, no body (the connection stays usable).
        c.sendall(b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        c.settimeout(10)
        data = b""
        while data.count(b"HTTP/1.1 ") < 2 or not data.endswith(b"}\n"):
            chunk = c.recv(4096)
            assert chunk
            data += chunk
        assert data.startswith(b"HTTP/1.1 405 ") and b"Allow: GET" in data
        assert data.count(b"{") == 1 and data.endswith(b'{"status":"ok"}\n')
    # HTTP/1.0: closed after the answer unless it asks to keep the connection alive.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as c:
        c.sendall(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        [(status, headers, _)], _ = read_responses(c, 1)
        assert status == 200 and headers["connection"].lower() == "keep-alive"
        c.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
        [(status, headers, _)], _ = read_responses(c, 1)
        assert status == 200 and headers["connection"] == "close"
        assert c.recv(10) == b""


def test_a_slow_client_is_cut_off_while_others_are_served(server):
    # The server was started with --read-timeout 1.
    slow = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    request = b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
    start = time.monotonic()
    cut = None
    served = []
    for byte in request:
        try:
            slow.sendall(bytes([byte]))
        except OSError:  # reset: cut off
            cut = time.monotonic() - start
            break
        # Others are answered meanwhile, promptly.
        t = time.monotonic()
        assert server.request("GET", "/healthz")[0] == 200
        served.append(time.monotonic() - t)
        slow.settimeout(0.5)
        try:
            data = slow.recv(4096)  # a 408, or the connection closed
        except socket.timeout:
            continue
        except OSError:
            data = b""
        cut = time.monotonic() - start
        assert not data or data.startswith(b"HTTP/1.1 408"), data
        break
    slow.close()
    assert cut is not None and cut < 4, f"the slow client was not cut off ({cut})"
    assert served and max(served) < 2


def eventually(check, timeout=10):
    """Polls `check` until it returns true, or fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{check.__doc__ or 'condition'} not met within {timeout} s")
        time.sleep(0.05)


def write_atomically(path, text):
    tmp = str(path) + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def test_reload_under_load_loses_no_request_and_never_serves_a_broken_policy(policies):
    path = policies / "telegram-2024.writ"
    original = path.read_text()
    # A second valid version: the quarterly report becomes monthly.
    variant = original.replace('"quarterly"', '"monthly"')
    assert variant != original
    broken = original.replace("rule ", "rule rule ", 1)
    shas = {}
    for name, text in (("original", original), ("variant", variant)):
        write_atomically(path, text)
        shas[eval_lines(str(path), [EXAMPLES[0]])[0]["policy"]["sha256"]] = name
    write_atomically(path, original)
    s = Server(str(path))
    body = open(EXAMPLES[0], "rb").read()
    sent = [0] * 4
    answered = [0] * 4
    seen = set()
    failures = []
    stop = threading.Event()

    def client(k):
        c = s.connect()
        while not stop.is_set():
            sent[k] += 1
            try:
                c.request("POST", "/v1/decide", body=body)
                r = c.getresponse()
                d = json.loads(r.read())
                if r.status != 200:
                    failures.append((r.status, d))
                seen.add(d["policy"]["sha256"])
                answered[k] += 1
            except Exception as e:  # noqa: BLE001
                failures.append(repr(e))
                c.close()
                c = s.connect()
        c.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
    try:
        for t in threads:
            t.start()
        for i in range(100):
            write_atomically(path, broken if i % 10 == 9 else (variant if i % 2 else original))
            # A broken text stays long enough for a reload to meet it (reloads
            # are coalesced over 100 ms: a 30 ms one could be passed over).
            time.sleep(0.25 if i % 10 == 9 else 0.03)
        write_atomically(path, variant)
        time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join(timeout=20)
        assert not failures, failures[:5]
        assert sent == answered and sum(answered) > 100
        assert seen <= set(shas), f"served a policy that is neither version: {seen - set(shas)}"
        assert len(seen) == 2  # both versions were served
        def serving(name):
            return shas.get(json.loads(s.request("GET", "/v1/policy")[2])["sha256"]) == name

        eventually(lambda: serving("variant"))  # the last write is in force
        metrics = s.request("GET", "/metrics")[2].decode()
        reloads = int(metrics.split("\nwrit_reloads_total ")[1].split()[0])
        failed = int(metrics.split("\nwrit_reload_failures_total ")[1].split()[0])
        assert reloads >= 5 and failed >= 1
        # A broken write shows in /readyz, and the old policy keeps serving.
        write_atomically(path, broken)
        eventually(lambda: "last_reload" in json.loads(s.request("GET", "/readyz")[2]))
        status, _, ready = s.request("GET", "/readyz")
        ready = json.loads(ready)
        assert status == 200 and ready["last_reload"]["ok"] is False and ready["last_reload"]["error"]
        assert shas[json.loads(s.request("POST", "/v1/decide", body=body)[2])["policy"]["sha256"]] == "variant"
        # SIGHUP reloads too (here without the file watch).
        write_atomically(path, original)
        s2 = Server(str(path), "--no-watch")
        try:
            write_atomically(path, variant)
            time.sleep(0.3)
            assert shas[json.loads(s2.request("GET", "/v1/policy")[2])["sha256"]] == "original"
            s2.proc.send_signal(signal.SIGHUP)
            eventually(lambda: shas[json.loads(s2.request("GET", "/v1/policy")[2])["sha256"]] == "variant")
        finally:
            assert s2.stop() == 0
    finally:
        stop.set()
        assert s.stop() == 0


def test_sigterm_finishes_requests_in_flight(policies, tmp_path):
    s = Server(str(policies / "telegram-2024.writ"), "--max-body-bytes", "100000000",
               "--read-timeout", "20")
    log = tmp_path / "big.jsonl"
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "workloads.py"), "requests",
                    "--count", "20000", str(log)], check=True)
    body = log.read_bytes()
    idle = socket.create_connection(("127.0.0.1", s.port), timeout=10)  # kept open, no request
    c = socket.create_connection(("127.0.0.1", s.port), timeout=20)
    c.sendall(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body))
    c.sendall(body[: len(body) // 2])
    time.sleep(0.3)
    start = time.monotonic()
    s.proc.send_signal(signal.SIGTERM)  # with the request half sent
    time.sleep(0.3)
    # No new connections once shutting down.
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", s.port), timeout=2).close()
    c.sendall(body[len(body) // 2:])
    response = b""
    while True:
        chunk = c.recv(1 << 16)
        if not chunk:
            break
        response += chunk
    c.close()
    head, _, answer = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    assert b"Connection: close" in head
    assert len(answer.splitlines()) == 20000
    assert idle.recv(1) == b""  # the idle connection was closed
    idle.close()
    assert s.proc.wait(timeout=15) == 0 and time.monotonic() - start < 12


def test_with_a_ledger_every_answered_decision_is_recorded(policies, tmp_path):
    """--ledger: 4 clients decide at once; every answered decision is in the
    ledger (group-committed), the ledger verifies, and a ledger that cannot be
    written stops answers rather than losing records. One worker serves all
    four: a request being recorded does not hold up the others, which join
    its next commit."""
    ledger = tmp_path / "serve.ledger"
    s = Server(str(policies / "telegram-2024.writ"), "--ledger", str(ledger), threads=1)
    answered = []
    lock = threading.Lock()

    def client(k):
        c = s.connect()
        for i in range(25):
            body = json.load(open(EXAMPLES[(k + i) % len(EXAMPLES)]))
            body["id"] = f"c{k}-{i}"
            c.request("POST", "/v1/decide", body=json.dumps(body))
            r = c.getresponse()
            assert r.status == 200
            with lock:
                answered.append(json.loads(r.read()))
        c.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # A batch: recorded whole.
    status, _, body = s.request("POST", "/v1/decide",
                                body="\n".join(json.dumps(json.load(open(p))) for p in EXAMPLES))
    assert status == 200 and len(body.splitlines()) == len(EXAMPLES)
    metrics = s.request("GET", "/metrics")[2].decode()
    commits = int(metrics.split("\nwrit_ledger_commits_total ")[1].split()[0])
    recorded = int(metrics.split("\nwrit_ledger_decisions_recorded_total ")[1].split()[0])
    assert recorded == 100 + len(EXAMPLES)
    assert commits < 100, f"{commits} commits for 101 requests: the worker waited on each"
    assert s.stop() == 0
    assert len(answered) == 100
    out = subprocess.run([WRIT, "ledger", "show", str(ledger)], capture_output=True, text=True)
    entries = [json.loads(l) for l in out.stdout.splitlines()]
    assert len(entries) == 100 + len(EXAMPLES)
    recorded = {e["request"]["id"]: e["decision"] for e in entries}
    for a in answered:
        d = recorded[a["request"]]
        assert (d["effect"], d["granted"], d["rules"]) == (a["effect"], a["granted"], a["rules"])
    assert subprocess.run([WRIT, "ledger", "verify", str(ledger)], capture_output=True).returncode == 0
    # A ledger that is not one: the server refuses to start.
    bad = tmp_path / "not.ledger"
    bad.write_text("not a ledger")
    p = subprocess.run([WRIT, "serve", "--policy", str(policies / "telegram-2024.writ"),
                        "--listen", "127.0.0.1:0", "--ledger", str(bad)],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 3 and "not a writ ledger" in p.stderr
