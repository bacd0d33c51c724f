"""Shared by the integration checks: a server of our own (started, killed, restarted on the same
data), a plain-HTTP API caller, and the README's walkthrough up to a listed, stocked product.

Everything here talks to the server over HTTP only (urllib from the standard library), so the
checks stay black-box: what they prove holds for any client.
"""

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid

ADMIN_PASSWORD = os.environ.get("ECOPS_ADMIN_PASSWORD", "Lotus-Harbour-2026")

# The README's colleagues (section "A new department, from first start to its first order").
MEI = ("mei", "王梅", "Spring-Orchard-31", "marketing_director")
WANG = ("wang", "王强", "Copper-Kettle-58", "it_admin")
LINA = ("li.na", "李娜", "Quiet-Meadow-77", "customer_service")


class CheckFailed(Exception):
    """A check of these scripts did not hold."""


def check(cond, what):
    if not cond:
        raise CheckFailed(what)


def wait_until(what, cond, timeout, step=0.1):
    """Polls `cond` until it returns something truthy; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        got = cond()
        if got:
            return got
        if time.monotonic() > deadline:
            raise CheckFailed(f"timed out after {timeout} s waiting for {what}")
        time.sleep(step)


class ApiError(Exception):
    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path} answered {status}: {body}")
        self.status = status
        self.body = body


class Api:
    """A JSON caller of /api/v1."""

    def __init__(self, base):
        self.base = base.rstrip("/")

    def request(self, method, path, body=None, token=None, headers=None, timeout=30):
        """Returns (status, parsed JSON or text or None), whatever the status."""
        url = self.base + "/api/v1" + path
        data = None
        h = {"Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if token:
            h["Authorization"] = f"Bearer {token}"
        h.update(headers or {})
        req = urllib.request.Request(url, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        if not raw:
            return status, None
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")

    def call(self, method, path, body=None, token=None, headers=None, expect=(200, 201, 202, 204)):
        status, parsed = self.request(method, path, body, token, headers)
        if status not in expect:
            raise ApiError(method, path, status, parsed)
        return parsed

    def login(self, username, password):
        return self.call("POST", "/auth/login", {"username": username, "password": password})[
            "access_token"
        ]


class Server:
    """One `ecops serve` on 127.0.0.1:`port` with its data (SQLite database, JWT secret, vault
    key) in `data_dir`, which survives a kill and a restart."""

    def __init__(self, binary, port, data_dir, extra_env=None):
        self.binary = binary
        self.port = port
        self.data_dir = data_dir
        self.extra_env = dict(extra_env or {})
        self.proc = None
        self.starts = 0
        self.url = f"http://127.0.0.1:{port}"

    def _ready(self):
        try:
            with urllib.request.urlopen(self.url + "/readyz", timeout=2) as r:
                return r.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def start(self):
        if self._ready():
            raise CheckFailed(f"port {self.port} is already taken by a running server; stop it first")
        os.makedirs(self.data_dir, exist_ok=True)
        env = dict(os.environ)
        env.update(
            {
                "ECOPS_ADMIN_PASSWORD": ADMIN_PASSWORD,
                "DATABASE_URL": f"sqlite://{self.data_dir}/ecops.db",
                "ECOPS_DATA_DIR": self.data_dir,
                "ECOPS_BIND": f"127.0.0.1:{self.port}",
                "ECOPS_DASHBOARD_DIR": "/nonexistent",
                "ECOPS__WEBHOOKS__ALLOWLIST": '["127.0.0.1"]',
                "ECOPS__WEBHOOKS__TICK_MS": "50",
                "ECOPS__AUTH__LOGIN_RATE_PER_MINUTE": "1000",
                # Plain logs: they are printed when a check fails.
                "NO_COLOR": "1",
            }
        )
        env.update(self.extra_env)
        self.starts += 1
        log = open(os.path.join(self.data_dir, f"server-{self.starts}.log"), "wb")
        self.proc = subprocess.Popen(
            [self.binary, "serve"],
            cwd=self.data_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        # The pid, for run.sh's clean-up should this script itself be killed.
        with open(os.path.join(self.data_dir, "server.pid"), "w") as f:
            f.write(str(self.proc.pid))
        deadline = time.monotonic() + 30
        while not self._ready():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.dump_log()
                raise CheckFailed(f"the server on port {self.port} did not become ready")
            time.sleep(0.1)
        return self

    def kill9(self):
        """SIGKILL: no shutdown, no cleanup, leases left as they were."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def dump_log(self, tail=60):
        path = os.path.join(self.data_dir, f"server-{self.starts}.log")
        try:
            with open(path, errors="replace") as f:
                lines = f.readlines()
        except OSError:
            return
        print(f"--- last lines of {path}", flush=True)
        print("".join(lines[-tail:]), flush=True)


def setup_people(api):
    """The README's first steps: admin logs in, creates mei (marketing director), wang (IT) and
    li.na (customer service), the first-run window raises the two deciders, and both approve
    li.na becoming an operator. Returns the tokens by name."""
    admin = api.login("admin", ADMIN_PASSWORD)
    ids = {}
    for username, display, password, role in (MEI, WANG, LINA):
        made = api.call(
            "POST",
            "/users",
            {"username": username, "display_name": display, "password": password, "roles": [role]},
            token=admin,
        )
        ids[username] = made["user"]["id"]
    for who in ("mei", "wang"):
        api.call(
            "POST",
            "/bootstrap/permission-levels",
            {"user_id": ids[who], "permission_level": "operator", "reason": "first run"},
            token=admin,
        )
    boot = api.call("GET", "/bootstrap", token=admin)
    check(boot.get("open") is False, f"the first-run window should be closed: {boot}")
    req = api.call(
        "POST",
        f"/users/{ids['li.na']}/permission-level-requests",
        {"permission_level": "operator", "reason": "takes orders"},
        token=admin,
    )
    tokens = {
        "admin": admin,
        "mei": api.login(MEI[0], MEI[2]),
        "wang": api.login(WANG[0], WANG[2]),
    }
    states = [
        api.call(
            "POST",
            f"/approvals/{req['id']}/decisions",
            {"verdict": "approve", "comment": "agreed"},
            token=tokens[who],
        )["state"]
        for who in ("mei", "wang")
    ]
    check(states == ["pending", "approved"], f"li.na's level request went {states}")
    tokens["li.na"] = api.login(LINA[0], LINA[2])
    return tokens


def list_product(api, tokens, sku, title, price_fen, stock, category="tea"):
    """Drafts a product, receives `stock` units and has the marketing director approve its
    listing (R-PRD-3). Returns the product as read back."""
    admin = tokens["admin"]
    product = api.call(
        "POST",
        "/products",
        {
            "sku": sku,
            "title": title,
            "category": category,
            "list_price_fen": price_fen + 4000,
            "price_fen": price_fen,
        },
        token=admin,
    )
    pid = product["id"]
    api.call(
        "POST",
        f"/products/{pid}/stock-movements",
        {"delta": stock, "reason": "receipt"},
        token=admin,
    )
    listing = api.call(
        "POST", f"/products/{pid}/listing-requests", {"reason": "new season"}, token=admin
    )
    state = api.call(
        "POST",
        f"/approvals/{listing['id']}/decisions",
        {"verdict": "approve", "comment": "agreed"},
        token=tokens["mei"],
    )["state"]
    check(state == "approved", f"the listing of {sku} went {state}")
    return api.call("GET", f"/products/{pid}", token=admin)


def order_body(channel_order_no, sku, quantity, name="王芳", phone="13800000001"):
    return {
        "channel": "taobao",
        "channel_order_no": channel_order_no,
        "customer": {"name": name, "phone": phone, "address": "杭州市西湖区 1 号"},
        "shipping_address": "杭州市西湖区 1 号",
        "payment_method": "alipay",
        "payment_status": "paid",
        "lines": [{"sku": sku, "quantity": quantity}],
    }


def place_order(api, token, channel_order_no, sku, quantity, expect=(201,)):
    return api.call(
        "POST",
        "/orders",
        order_body(channel_order_no, sku, quantity),
        token=token,
        headers={"Idempotency-Key": f"{channel_order_no}-{uuid.uuid4()}"},
        expect=expect,
    )
