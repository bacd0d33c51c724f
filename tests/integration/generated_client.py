#!/usr/bin/env python3
"""A client generated from openapi/openapi.json by an independent generator
(`openapi-python-client`, PyPI) logs in, creates an order for a listed product and reads it back,
against the real server: the document describes the API well enough for a stranger's tooling.

The department up to a listed product is set up over plain HTTP (setup_dept.py); from the login
on, only the generated package's functions and models are used. The generator's warnings (parts of
the document it cannot turn into code) are printed, not failed; a failed generation fails.

Environment: ECOPS_BIN (the server binary), INTEGRATION_WORK (a scratch directory),
CLIENT_SERVER_PORT (default 18203), OPENAPI_PYTHON_CLIENT (the generator's command, default
`openapi-python-client` on PATH). Exits non-zero on any failure.
"""

import attrs
import datetime
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import setup_dept as sd
from setup_dept import CheckFailed, check

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DOCUMENT = os.path.join(ROOT, "openapi", "openapi.json")
PACKAGE = "ecops_generated_client"


def generate(out_dir):
    """Runs the generator; returns its warnings (text), fails if it fails."""
    target = os.path.join(out_dir, PACKAGE)
    shutil.rmtree(target, ignore_errors=True)
    cmd = [
        os.environ.get("OPENAPI_PYTHON_CLIENT", "openapi-python-client"),
        "generate",
        "--path",
        DOCUMENT,
        "--output-path",
        target,
        "--meta",
        "none",
    ]
    run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=out_dir)
    output = run.stdout.strip()
    if run.returncode != 0 or not os.path.isfile(os.path.join(target, "__init__.py")):
        print(output)
        raise CheckFailed(f"openapi-python-client failed (exit {run.returncode}) on {DOCUMENT}")
    return output


def warnings_of(output):
    """The generator's warnings, each on one line: its WARNING line and the detail under it (a
    reason, the offending fragment)."""
    found = []
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("WARNING"):
            found.append(line)
        elif line.startswith(("If you believe", "Generating", "Warning(s)")):
            continue
        elif found and line:
            found[-1] += " " + line
    return [" ".join(w.split()) for w in found]


def same_json(a, b):
    """Equal as JSON values, with date-times compared as instants (`Z` or `+00:00`)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    if isinstance(a, str) and isinstance(b, str) and a != b:
        try:
            return datetime.datetime.fromisoformat(a) == datetime.datetime.fromisoformat(b)
        except ValueError:
            return False
    return a == b


def undocumented(value, path="$"):
    """Fields the answer carried that the document does not declare (they land in a generated
    model's `additional_properties`), skipping free-form objects, which declare none."""
    out = []
    if attrs.has(type(value)):
        declared = [f.name for f in attrs.fields(type(value)) if f.name != "additional_properties"]
        extra = getattr(value, "additional_properties", {}) or {}
        if declared and extra:
            out.append(f"{path} ({type(value).__name__}): {sorted(extra)}")
        for name in declared:
            out += undocumented(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += undocumented(v, f"{path}[{i}]")
    return out


def main():
    binary = os.environ.get("ECOPS_BIN") or os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "debug", "ecops"
    )
    work = os.environ.get("INTEGRATION_WORK") or tempfile.mkdtemp(prefix="ecops-client-")
    port = int(os.environ.get("CLIENT_SERVER_PORT", "18203"))
    server = sd.Server(binary, port, os.path.join(work, "client"))
    passed = []
    started = time.monotonic()
    try:
        gen_dir = os.path.join(work, "generated")
        os.makedirs(gen_dir, exist_ok=True)
        t = time.monotonic()
        output = generate(gen_dir)
        warns = warnings_of(output)
        print(f"openapi-python-client generated {PACKAGE} in {time.monotonic() - t:.1f} s; "
              f"{len(warns)} warning(s) about the document:")
        for w in warns:
            print(f"  {w}")
        passed.append(f"generated a client from {os.path.relpath(DOCUMENT, ROOT)}")

        server.start()
        # The document checked in is the one the server serves.
        with urllib.request.urlopen(server.url + "/api/openapi.json", timeout=10) as r:
            served = json.loads(r.read())
        with open(DOCUMENT) as f:
            check(json.load(f) == served, "openapi/openapi.json differs from the served /api/openapi.json")

        api = sd.Api(server.url)
        tokens = sd.setup_people(api)
        product = sd.list_product(api, tokens, "TEA-001", "西湖龙井 250g", 12800, 100)

        sys.path.insert(0, gen_dir)
        pkg = importlib.import_module(PACKAGE)
        login = importlib.import_module(f"{PACKAGE}.api.auth.login")
        create_order = importlib.import_module(f"{PACKAGE}.api.orders.create_order")
        get_order = importlib.import_module(f"{PACKAGE}.api.orders.get_order")
        models = importlib.import_module(f"{PACKAGE}.models")

        # Log in, as li.na (customer service), with the generated client only.
        anonymous = pkg.Client(base_url=server.url, raise_on_unexpected_status=True)
        answer = login.sync_detailed(
            client=anonymous,
            body=models.LoginRequest(username=sd.LINA[0], password=sd.LINA[2]),
        )
        check(answer.status_code == 200, f"login answered {answer.status_code}: {answer.content!r}")
        check(isinstance(answer.parsed, models.TokenResponse), f"login parsed as {answer.parsed!r}")
        client = pkg.AuthenticatedClient(
            base_url=server.url, token=answer.parsed.access_token, raise_on_unexpected_status=True
        )
        wrong = login.sync_detailed(
            client=anonymous, body=models.LoginRequest(username=sd.LINA[0], password="not-her-password")
        )
        check(
            wrong.status_code == 401 and isinstance(wrong.parsed, models.Problem),
            f"a wrong password answered {wrong.status_code}, parsed as {wrong.parsed!r}",
        )
        passed.append("logged in with the generated client (and a wrong password parses as a Problem)")

        sent = models.CreateOrderRequest(
            channel="taobao",
            channel_order_no="TB-GEN-1",
            customer=models.CustomerInput(name="王芳", phone="13800000001", address="杭州市西湖区 1 号"),
            shipping_address="杭州市西湖区 1 号",
            payment_method="alipay",
            payment_status="paid",
            lines=[models.OrderLineInput(sku=product["sku"], quantity=3)],
        )
        made = create_order.sync_detailed(client=client, body=sent, idempotency_key="gen-client-1")
        check(made.status_code == 201, f"create_order answered {made.status_code}: {made.content!r}")
        created = made.parsed
        check(isinstance(created, models.OrderView), f"create_order parsed as {created!r}")
        passed.append(f"created order {created.id} with the generated client")

        got = get_order.sync_detailed(id=created.id, client=client)
        check(got.status_code == 200, f"get_order answered {got.status_code}: {got.content!r}")
        order = got.parsed
        check(isinstance(order, models.OrderView), f"get_order parsed as {order!r}")
        # What was sent comes back.
        same = {
            "id": (order.id, created.id),
            "channel": (order.channel, sent.channel),
            "channel_order_no": (order.channel_order_no, sent.channel_order_no),
            "customer_name": (order.customer_name, sent.customer.name),
            "customer_phone": (order.customer_phone, sent.customer.phone),
            "shipping_address": (order.shipping_address, sent.shipping_address),
            "payment_method": (order.payment_method, sent.payment_method),
            "payment_status": (str(order.payment_status), sent.payment_status),
            "status": (str(order.status), "accepted"),
            "lines": (
                [(ln.sku, ln.quantity, ln.unit_price_fen) for ln in order.lines],
                [(ln.sku, ln.quantity, product["price_fen"]) for ln in sent.lines],
            ),
            "total_fen": (order.total_fen, 3 * product["price_fen"]),
            "created_at": (order.created_at, created.created_at),
            "customer_id": (order.customer_id, created.customer_id),
        }
        wrong_fields = {k: v for k, v in same.items() if v[0] != v[1]}
        check(not wrong_fields, f"read back differs from what was sent (got, want): {wrong_fields}")
        raw = json.loads(got.content)
        check(
            same_json(order.to_dict(), raw),
            "the generated model does not round-trip the answer:\n"
            f"model  {json.dumps(order.to_dict(), ensure_ascii=False, default=str)}\n"
            f"answer {json.dumps(raw, ensure_ascii=False)}",
        )
        extra = undocumented(order) + undocumented(created)
        check(not extra, "answer fields the document does not declare: " + "; ".join(extra))
        passed.append("read it back with get_order: every field as sent, the answer round-trips the model")

        # A refusal the document describes parses as its Problem.
        too_many = create_order.sync_detailed(
            client=client,
            body=models.CreateOrderRequest(
                channel="taobao",
                channel_order_no="TB-GEN-2",
                customer_id=created.customer_id,
                shipping_address="杭州市西湖区 1 号",
                payment_method="alipay",
                payment_status="paid",
                lines=[models.OrderLineInput(sku=product["sku"], quantity=10_000)],
            ),
        )
        check(
            too_many.status_code == 422
            and isinstance(too_many.parsed, models.Problem)
            and too_many.parsed.code == "insufficient_stock",
            f"an order above stock answered {too_many.status_code}, parsed as {too_many.parsed!r}",
        )
        passed.append("an order above stock: 422, parsed as a Problem with code insufficient_stock")
    except (CheckFailed, sd.ApiError) as e:
        print(f"FAILED: {e}", flush=True)
        server.dump_log()
        for p in passed:
            print(f"  ok: {p}")
        print(f"generated client: {len(passed)} passed, 1 failed")
        return 1
    finally:
        server.stop()
    print(f"generated client ({time.monotonic() - started:.0f} s):")
    for p in passed:
        print(f"  ok: {p}")
    print(f"generated client: {len(passed)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
