#!/usr/bin/env python3
"""Webhooks end to end, black-box: the real server delivers to a receiver here that checks every
request with the independent `standardwebhooks` package (PyPI), and

  1. every event of the subscribed types committed after the subscription arrives, its body equal
     to the event as GET /api/v1/events shows it, in order per resource, through answers of 500
     and a receiver slower than the server's timeout (retries keep the webhook-id);
  2. a change that is rolled back (an order refused for want of stock) makes no event and no
     delivery;
  3. a server killed with SIGKILL while a delivery is in flight loses nothing: restarted on the same
     data, it sends that delivery again, with the same webhook-id, once the dead node's lease has
     run out, and everything else as well.

Environment: ECOPS_BIN (the server binary), INTEGRATION_WORK (a scratch directory),
WEBHOOKS_SERVER_PORT and WEBHOOKS_RECEIVER_PORT (defaults 18201 and 18202).
Exits non-zero on any failure.
"""

import json
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

import setup_dept as sd
from setup_dept import CheckFailed, check, wait_until

TYPES = ["order.created", "order.event_appended", "product.listed", "approval.decided"]
# The server's attempt timeout in both runs: the lease of a claimed delivery is this + 30 s.
TIMEOUT_SECS = 2
LEASE_SECS = TIMEOUT_SECS + 30


class Receiver:
    """An HTTP endpoint that verifies every request with standardwebhooks and records it; it can
    be told how to answer the next requests: 500, or hang (until released or for a while)."""

    def __init__(self, port):
        self.port = port
        self.url = f"http://127.0.0.1:{port}/hook"
        self.secret = None
        self.cond = threading.Condition()
        self.received = []  # {"webhook_id", "body", "parsed", "at", "answer"}
        self.failures = []  # what did not verify, or was not as a delivery should be
        self.plan = []  # ("500",) | ("hang", seconds), for the next requests in turn
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                receiver.handle(self)

            def do_GET(self):
                receiver.fail(f"a GET {self.path} came in")
                self.answer(405)

            def answer(self, status, body=b"{}"):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the sender is gone (killed, or it gave up)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail(self, what):
        with self.cond:
            self.failures.append(what)
            self.cond.notify_all()

    def set_plan(self, *actions):
        with self.cond:
            self.plan = list(actions)
        self.release.clear()

    def handle(self, h):
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length)
        headers = {k: v for k, v in h.headers.items()}
        wid = headers.get("webhook-id") or headers.get("Webhook-Id")
        parsed = None
        if h.path != "/hook":
            self.fail(f"a delivery to {h.path}")
        if not (h.headers.get("Content-Type") or "").startswith("application/json"):
            self.fail(f"{wid}: content-type {h.headers.get('Content-Type')!r}")
        try:
            # The check a receiver makes: signature over id, timestamp and body, and the timestamp
            # within the tolerance. Raises on any mismatch.
            parsed = Webhook(self.secret).verify(body, headers)
        except Exception as e:  # noqa: BLE001 - any failure to verify fails the test
            self.fail(f"{wid}: did not verify with standardwebhooks: {type(e).__name__}: {e}")
        with self.cond:
            action = self.plan.pop(0) if self.plan else ("200",)
            self.received.append(
                {
                    "webhook_id": wid,
                    "body": body,
                    "parsed": parsed,
                    "at": time.monotonic(),
                    "answer": action[0],
                    "signature": headers.get("webhook-signature"),
                    "timestamp": headers.get("webhook-timestamp"),
                }
            )
            self.cond.notify_all()
        if action[0] == "500":
            h.answer(500, b'{"error":"not now"}')
        elif action[0] == "hang":
            self.release.wait(action[1])
            h.answer(200)
        else:
            h.answer(200)

    def wait_for(self, what, pred, timeout):
        """Waits until some received request satisfies `pred`; returns the first that does."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for r in self.received:
                    if pred(r):
                        return r
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CheckFailed(f"timed out after {timeout} s waiting for {what}")
                self.cond.wait(left)

    def snapshot(self):
        with self.cond:
            return list(self.received), list(self.failures)


def feed(api, token, after, types=None):
    """Every event of the feed after `after` (all pages)."""
    items = []
    while True:
        q = f"/events?after={after}&limit=500"
        if types:
            q += "&type=" + ",".join(types)
        page = api.call("GET", q, token=token)
        items += page["items"]
        if not page["items"]:
            return items
        after = page["next_after"]


def feed_head(api, token):
    items = feed(api, token, 0)
    return items[-1]["seq"] if items else 0


def order_no(r):
    p = r["parsed"] or {}
    data = p.get("data") or {}
    return data.get("channel_order_no")


def check_deliveries(events, received):
    """Every event arrived (by webhook-id, the event's id), with a body equal to the feed's item;
    a webhook-id always carries the same body; per resource, events arrive in increasing seq."""
    by_id = {}
    for r in received:
        p = r["parsed"]
        if p is None or p.get("type") == "webhook.ping":
            continue
        prev = by_id.setdefault(r["webhook_id"], r["body"])
        check(
            json.loads(prev) == json.loads(r["body"]),
            f"webhook-id {r['webhook_id']} came with two different bodies:\n{prev!r}\n{r['body']!r}",
        )
        check(p.get("id") == r["webhook_id"], f"webhook-id {r['webhook_id']} carries event {p.get('id')}")
    feed_ids = {e["id"] for e in events}
    for e in events:
        check(e["id"] in by_id, f"event {e['seq']} {e['type']} ({e['id']}) was never delivered")
        got = json.loads(by_id[e["id"]])
        check(
            got == e,
            f"event {e['seq']}: the delivered body differs from the feed's item:\n"
            f"delivered {json.dumps(got, ensure_ascii=False)}\nfeed      {json.dumps(e, ensure_ascii=False)}",
        )
    extra = [wid for wid in by_id if wid not in feed_ids]
    check(not extra, f"deliveries of events the feed does not show (or of other types): {extra}")
    # Order per resource: once a seq arrived, no lower seq of the same resource may arrive later.
    highest = {}
    for r in received:
        p = r["parsed"]
        if p is None or p.get("type") == "webhook.ping":
            continue
        key = (p["resource_type"], p["resource_id"])
        check(
            p["seq"] >= highest.get(key, 0),
            f"{key}: event {p['seq']} arrived after event {highest.get(key)}",
        )
        highest[key] = max(highest.get(key, 0), p["seq"])
    return by_id


def wait_settled(api, token, sub_id, want_delivered, timeout):
    def settled():
        v = api.call("GET", f"/webhooks/{sub_id}", token=token)
        if v["pending"] == 0 and v["delivered"] >= want_delivered:
            return v
        return None

    return wait_until(f"{want_delivered} deliveries settled", settled, timeout, step=0.2)


def main():
    binary = os.environ.get("ECOPS_BIN") or os.path.join(
        os.environ.get("CARGO_TARGET_DIR", "target"), "debug", "ecops"
    )
    work = os.environ.get("INTEGRATION_WORK") or tempfile.mkdtemp(prefix="ecops-webhooks-")
    port = int(os.environ.get("WEBHOOKS_SERVER_PORT", "18201"))
    rport = int(os.environ.get("WEBHOOKS_RECEIVER_PORT", "18202"))
    env = {
        "ECOPS__WEBHOOKS__TIMEOUT_SECS": str(TIMEOUT_SECS),
        # Quick retries, so a few failures by design settle in seconds.
        "ECOPS__WEBHOOKS__RETRY_SCHEDULE_SECS": "[1,1,1,1,1,1,1,1]",
    }
    server = sd.Server(binary, port, os.path.join(work, "webhooks"), env)
    receiver = Receiver(rport).start()
    passed = []
    started = time.monotonic()
    try:
        server.start()
        api = sd.Api(server.url)
        tokens = sd.setup_people(api)
        it = tokens["wang"]  # IT (it_admin, operator), from a login session
        head = feed_head(api, tokens["admin"])

        created = api.call(
            "POST",
            "/webhooks",
            {
                "url": receiver.url,
                "description": "integration check",
                "event_types": TYPES,
                "filter": {},
            },
            token=it,
        )
        secret, sub_id = created["secret"], created["subscription"]["id"]
        check(secret.startswith("whsec_"), f"the secret is not a whsec_ one: {secret[:8]}…")
        receiver.secret = secret

        ping = api.call("POST", f"/webhooks/{sub_id}/ping", token=it)
        check(ping.get("status_code") == 200, f"the ping's attempt: {ping}")
        got, failures = receiver.snapshot()
        check(len(got) == 1 and not failures, f"the ping did not verify: {failures}")
        # A negative control: the same request does not verify under another secret.
        try:
            Webhook("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk=").verify(
                got[0]["body"],
                {
                    "webhook-id": got[0]["webhook_id"],
                    "webhook-timestamp": got[0]["timestamp"],
                    "webhook-signature": got[0]["signature"],
                },
            )
            raise CheckFailed("a delivery verified under a secret it was not signed with")
        except WebhookVerificationError:
            pass
        passed.append("subscribed; the ping verifies with standardwebhooks and not under another secret")

        # Phase 1: the receiver fails twice (500) and then hangs past the server's timeout once.
        receiver.set_plan(("500",), ("500",), ("hang", TIMEOUT_SECS + 1.5))
        products = [
            sd.list_product(api, tokens, "TEA-001", "西湖龙井 250g", 12800, 100),
            sd.list_product(api, tokens, "TEA-002", "武夷岩茶 200g", 9800, 50),
        ]
        lina = tokens["li.na"]
        orders = []
        for i in range(4):
            sku = products[i % 2]["sku"]
            o = sd.place_order(api, lina, f"TB-10{i}", sku, 1 + i)
            orders.append(o)
            api.call(
                "POST",
                f"/orders/{o['id']}/events",
                {"kind": "customer_contacted", "outcome": "confirmed", "note": f"called {i}"},
                token=lina,
            )
            api.call(
                "POST",
                f"/orders/{o['id']}/events",
                {"kind": "remark_added", "text": f"gift wrap {i}"},
                token=lina,
            )

        # A change rolled back: more than the stock holds is refused, and leaves no trace.
        before = feed_head(api, tokens["admin"])
        status, answer = api.request(
            "POST", "/orders", sd.order_body("TB-REFUSED", "TEA-002", 10_000), token=lina
        )
        check(400 <= status < 500, f"an order above stock answered {status}: {answer}")
        after = feed_head(api, tokens["admin"])
        check(before == after, f"a refused order moved the feed from {before} to {after}")

        events = feed(api, tokens["admin"], head, TYPES)
        check(len(events) == 2 * 2 + 4 * 3, f"expected 16 events of the subscribed types, got {len(events)}")
        wait_settled(api, it, sub_id, len(events), 60)
        got, failures = receiver.snapshot()
        check(not failures, "requests that failed the receiver's checks:\n" + "\n".join(failures))
        check_deliveries(events, got)
        check(
            not any(order_no(r) == "TB-REFUSED" for r in got),
            "the refused order was delivered",
        )
        answers = [r["answer"] for r in got]
        check(answers.count("500") == 2 and answers.count("hang") == 1, f"the receiver's plan went {answers}")
        attempts = api.call("GET", f"/webhooks/{sub_id}/attempts?limit=200", token=it)["items"]
        statuses = [a["status_code"] for a in attempts]
        check(statuses.count(500) == 2, f"the attempts log should show two 500s: {statuses}")
        check(
            any(a["status_code"] is None and a["error"] for a in attempts),
            f"the attempts log should show the timed-out try: {attempts}",
        )
        deliveries = api.call("GET", f"/webhooks/{sub_id}/deliveries?limit=200", token=it)["items"]
        check(
            len(deliveries) == len(events) and all(d["state"] == "delivered" for d in deliveries),
            f"deliveries: {[(d['seq'], d['state']) for d in deliveries]}",
        )
        dup = len(got) - 1 - len(events)
        passed.append(
            f"{len(events)} events delivered, bodies equal to the feed, in order per resource, "
            f"through 2 answers of 500 and a timeout ({dup} repeats, each with its webhook-id)"
        )
        passed.append("an order refused for want of stock: 4xx, no feed item, no delivery")

        # Phase 2: kill -9 while a delivery is in flight.
        receiver.set_plan(("hang", 120))
        crash_order = sd.place_order(api, lina, "TB-CRASH", "TEA-001", 1)
        first = receiver.wait_for(
            "the crash order's delivery", lambda r: order_no(r) == "TB-CRASH", 10
        )
        server.kill9()
        killed_after = time.monotonic() - first["at"]
        check(
            killed_after < TIMEOUT_SECS,
            f"the kill came {killed_after:.2f} s after the delivery arrived, past the server's timeout",
        )
        receiver.set_plan()
        receiver.release.set()  # the hanging handler answers a sender that is gone
        server.start()  # the same data directory: database, JWT secret, vault key
        again = receiver.wait_for(
            "the crash order's delivery, again, after the restart",
            lambda r: order_no(r) == "TB-CRASH" and r is not first,
            60,
        )
        delay = again["at"] - first["at"]
        check(
            again["webhook_id"] == first["webhook_id"],
            f"redelivered with webhook-id {again['webhook_id']}, first {first['webhook_id']}",
        )
        check(again["body"] == first["body"], "the redelivered body differs from the first")
        # The dead node's claim holds for its lease: no second node may send it sooner.
        check(delay >= LEASE_SECS - 5, f"redelivered {delay:.1f} s after the first try, inside the lease")
        passed.append(
            f"kill -9 mid-delivery (the kill {killed_after * 1000:.0f} ms after it arrived): redelivered "
            f"{delay:.1f} s later by the restarted server, same webhook-id and body"
        )

        # After the restart: work goes on, and nothing is lost or changed.
        o = sd.place_order(api, lina, "TB-AFTER", "TEA-002", 1)
        api.call(
            "POST",
            f"/orders/{o['id']}/events",
            {"kind": "remark_added", "text": "after the restart"},
            token=lina,
        )
        events = feed(api, tokens["admin"], head, TYPES)
        check(len(events) == 16 + 1 + 2, f"expected 19 events, got {len(events)}")
        view = wait_settled(api, it, sub_id, len(events), 30)
        check(
            view["delivered"] == len(events) and view["failed"] == 0 and view["state"] == "active",
            f"the subscription: {view}",
        )
        got, failures = receiver.snapshot()
        check(not failures, "requests that failed the receiver's checks:\n" + "\n".join(failures))
        by_id = check_deliveries(events, got)
        crash_attempts = [
            a
            for a in api.call("GET", f"/webhooks/{sub_id}/attempts?limit=200", token=it)["items"]
            if a["event_id"] == first["webhook_id"]
        ]
        check(
            len(crash_attempts) == 1 and crash_attempts[0]["status_code"] == 200,
            f"the crash order's attempts log (the killed try was never settled): {crash_attempts}",
        )
        check(crash_order["id"] in {json.loads(b)["resource_id"] for b in by_id.values()}, "crash order lost")
        passed.append(
            f"after the restart: all {len(events)} events delivered, none lost, "
            f"duplicates only ever under one webhook-id with one body ({len(got) - 1} requests in all)"
        )
    except (CheckFailed, sd.ApiError) as e:
        print(f"FAILED: {e}", flush=True)
        server.dump_log()
        for p in passed:
            print(f"  ok: {p}")
        print(f"webhooks: {len(passed)} passed, 1 failed")
        return 1
    finally:
        receiver.stop()
        server.stop()
    print(f"webhooks end to end ({time.monotonic() - started:.0f} s):")
    for p in passed:
        print(f"  ok: {p}")
    print(f"webhooks: {len(passed)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
