#!/usr/bin/env python3
"""Checks what a real node sends against contracts-spec/openapi.yaml, route by route.

tools/check-openapi.py compares the document with the router by paths only. This script starts a
manual-block devnet (tools/devnet_harness.py, `solventd devnet --manual --no-feeder`), builds a
chain with something in every view (deposits, resting orders and fills, a portfolio vault with
perpetuals, a future and an option, oracle overrides and signed reports, a liquidation, a
collateral auction and a take, funding, cancels and every admin transaction, snapshots), then
calls every route the Swift router registers (found exactly as tools/check-openapi.py finds them)
for its success and its documented error answers, and checks each answer against the document,
never against Swift names:

  * the status is one the document lists for that route and method;
  * the Content-Type is the response's documented media type;
  * the body validates against the response's schema (JSON Schema 2020-12 with `jsonschema`,
    `$ref`s resolved inside the document); objects are read as closed, so a field the node sends
    that the document does not describe fails too;
  * every message of the WebSocket stream validates against the 101 response's
    `x-websocket-messages` schema;
  * coverage: every router route answered at least once, every status the document lists for it
    seen, except those in UNPROVOKED (each with the reason it is not provoked here), and every
    schema the responses use matched by some answer (a oneOf branch no answer took fails);
  * the document's own examples (responses, stream messages, schemas) against their schemas;
  * the server's limits: 431, 408 and 503 on every route, 413 on every route that reads a body,
    403 on every devnet control from the same home restarted without devnet mode.

A failure names the method, route, status, the JSON pointer in the body and the schema rule
broken (its keyword and its place in the document). Exits 0 with a summary, 1 otherwise.
Every wait is bounded and the nodes are killed at the end, also on failure. Expects the debug
build (tools/test builds it first).

    python3 tools/check-openapi-responses.py [--spec contracts-spec/openapi.yaml] [--verbose]
"""

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from devnet_harness import BIN, ROOT, Devnet, say  # noqa: E402
from openapi_replies import Exchanges, ResponseDocument  # noqa: E402

HEAD_TIMEOUT = 2          # --rpc-head-timeout for this run: the 408 probes wait this long
MAX_CONNECTIONS = 96      # --rpc-max-connections for this run: the 503 probes fill it first
DEVNET_ROUTES_PREFIX = "/v1/devnet/"

# Statuses the document lists that this run does not provoke, and why. Each is a (method, route,
# status) or a ("*", "*", status) for every route.
UNPROVOKED = {
    ("*", "*", "500"): "internal_error needs the node's store to fail",
    ("GET", "/v1/oracle", "404"): "a genesis always has an oracle configuration",
    ("POST", "/v1/txs", "429"): "sender_pending_limit needs 20,000 waiting transactions from one sender",
    ("POST", "/v1/txs", "503"): "mempool_full and queue_full need 200,000 or 10,000 waiting transactions "
                                "(too_many_connections, the same status, is provoked)",
}


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def router_routes():
    """(METHOD, route) pairs of the Swift router, read as tools/check-openapi.py reads them."""
    return load_module("check_openapi", os.path.join(ROOT, "tools", "check-openapi.py")).swift_routes(ROOT)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", default=os.path.join(ROOT, "contracts-spec", "openapi.yaml"))
    parser.add_argument("--verbose", action="store_true", help="print every exchange")
    args = parser.parse_args()
    if not all(os.access(os.path.join(BIN, b), os.X_OK) for b in ("solventd", "solvent")):
        subprocess.run(["swift", "build"], cwd=ROOT, check=True)

    document = ResponseDocument(args.spec)
    routes = router_routes()
    net = Devnet()
    exchanges = None
    try:
        net.start("--rpc-head-timeout", str(HEAD_TIMEOUT), "--rpc-max-connections", str(MAX_CONNECTIONS))
        exchanges = Exchanges("127.0.0.1", net.port, verbose=args.verbose)
        drive(net, exchanges, routes, document)
        say("stop the devnet; restart its home without devnet mode: every devnet control answers 403")
        net.stop()
        net.processes.append(start_plain_node(net))   # stopped by net.stop() below
        for method, route in sorted(routes):
            if route.startswith(DEVNET_ROUTES_PREFIX):
                exchanges.call(method, route, body={} if method == "POST" else None, expect=403)
    finally:
        net.stop()
        shutil.rmtree(net.work, ignore_errors=True)

    failures = exchanges.validate(document) + exchanges.drive_failures + coverage(document, routes, exchanges)
    failures += [f"#{name}: no answer had this shape to check (give the chain something that shows it)"
                 for name in document.unevaluated_schemas()]
    failures += document.example_failures()
    for line in failures:
        print("FAIL: " + line)
    if failures:
        print(f"check-openapi-responses: {len(failures)} problem(s) in {len(exchanges.replies)} answers", file=sys.stderr)
        return 1
    statuses = sum(len(s) for s in exchanges.statuses().values())
    print(f"OK: {len(exchanges.replies)} answers and {exchanges.stream_messages} stream messages from a devnet validate against "
          f"{os.path.relpath(args.spec, ROOT)}; all {len(routes)} router routes answered, {statuses} route statuses seen, "
          "every response schema matched by an answer, every example valid")
    return 0


def concrete(route, values):
    """The route with its {params} filled from `values`."""
    out = route
    for name, value in values.items():
        out = out.replace("{" + name + "}", str(value))
    return out


def start_plain_node(net):
    """The devnet's home started with `solventd start` (no --devnet): the devnet controls are off."""
    log = open(os.path.join(net.work, "plain-node.log"), "w")
    node = subprocess.Popen([os.path.join(BIN, "solventd"), "start", "--home", os.path.join(net.work, "node"),
                             "--rpc", f"127.0.0.1:{net.port}", "--manual", "--log-level", "warning"],
                            stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 30
    while time.time() < deadline:
        if subprocess.run([os.path.join(BIN, "solvent"), "query", "status"], env=net.env, capture_output=True).returncode == 0:
            return node
        if node.poll() is not None:
            raise SystemExit(f"solventd start exited at start: {open(log.name).read()[-500:]}")
        time.sleep(0.2)
    node.kill()
    raise SystemExit("solventd start did not answer within 30 s")


def coverage(document, routes, exchanges):
    """Every router route answered; every documented status seen unless UNPROVOKED says why not."""
    failures = []
    seen = exchanges.statuses()
    for method, route in sorted(routes):
        if document.operation(method, route) is None:
            failures.append(f"{method} {route}: the router serves it but the document has no such operation")
            continue
        if not seen.get((method, route)):
            failures.append(f"{method} {route}: the router serves it but this run never called it")
            continue
        for status in document.statuses(method, route):
            if status in seen[(method, route)]:
                continue
            if ("*", "*", status) in UNPROVOKED or (method, route, status) in UNPROVOKED:
                continue
            failures.append(f"{method} {route}: the document lists status {status} but this run never got it "
                            "(provoke it, or say in UNPROVOKED why it cannot be)")
    return failures


def drive(net, x, routes, document):
    """Builds the chain and calls every route; `x` records and later validates every answer."""
    dev = net.address
    status = x.call("GET", "/v1/status", expect=200)
    x.call("GET", "/v1/blocks/latest", expect=404)   # height 0: genesis has no block

    say("the 408 probes: a half-sent request on every route, answered after the head timeout")
    slow = threading.Thread(target=x.head_timeouts, args=(sorted(routes), HEAD_TIMEOUT + 5))
    slow.start()

    say("deposits: dev1 market maker, dev0 1 BTC and 2,000 USDC, dev9 keeper, dev2 a portfolio vault")
    for name, amount, asset in [("dev1", "900000", "USDC"), ("dev0", "2000", "USDC"), ("dev0", "1", "BTC"),
                                ("dev9", "900000", "USDC"), ("dev2", "50000", "USDC"), ("dev3", "1000", "USDC")]:
        net.tx("deposit", amount, asset, "--from", name)
    mine(x)
    net.tx("vault", "open", "--portfolio", "--from", "dev2")   # vault 1: vault 0 must be committed first
    mine(x)
    net.tx("deposit", "100000", "USDC", "--vault", "1", "--from", "dev2")
    mine(x)
    set_price(x, "BTC-USD", "60000")
    set_price(x, "BTC-IV", "0.6")
    set_price(x, "ETH-USD", "3000")

    say("trades: dev0 long 8 BTC-PERP; dev2's portfolio vault long BTC-PERP, short the future, long a call, short "
        "ETH-PERP (a BTC/ETH spread credit)")
    call_market = "BTC-26MAR27-60000-C"
    mark = x.call("GET", "/v1/markets/{market}", concrete("/v1/markets/{market}", {"market": call_market}), expect=200)
    call_price = str(int(float(mark["mark_price"])) if mark and "mark_price" in mark else 3000)
    net.tx("order", "place", "BTC-PERP", "sell", "9", "--price", "60000", "--from", "dev1")
    net.tx("order", "place", "BTC-26MAR27", "buy", "1", "--price", "60000", "--from", "dev1")
    net.tx("order", "place", call_market, "sell", "1", "--price", call_price, "--from", "dev1")
    net.tx("order", "place", "ETH-PERP", "buy", "10", "--price", "3000", "--from", "dev1")
    mine(x)
    net.tx("order", "place", "BTC-PERP", "buy", "8", "--price", "60000", "--ioc", "--from", "dev0")
    net.tx("order", "place", "BTC-PERP", "buy", "1", "--price", "60000", "--ioc", "--vault", "1", "--from", "dev2")
    net.tx("order", "place", "BTC-26MAR27", "sell", "1", "--price", "60000", "--ioc", "--vault", "1", "--from", "dev2")
    net.tx("order", "place", "ETH-PERP", "sell", "10", "--price", "3000", "--ioc", "--vault", "1", "--from", "dev2")
    mine(x)
    net.tx("order", "place", call_market, "buy", "1", "--price", call_price, "--ioc", "--vault", "1", "--from", "dev2")
    # Resting orders on both sides so the book and /v1/orders have levels.
    net.tx("order", "place", "BTC-PERP", "sell", "0.5", "--price", "61000", "--from", "dev1")
    net.tx("order", "place", "BTC-PERP", "buy", "0.5", "--price", "50000", "--from", "dev1")
    mine(x)
    portfolio = x.call("GET", "/v1/vaults/{address}/{number}", concrete("/v1/vaults/{address}/{number}",
                                                                         {"address": dev["dev2"], "number": 1}), expect=200)
    x.require(len((portfolio or {}).get("positions", [])) == 4,
              "dev2's portfolio vault holds the two perpetuals, the future and the call")

    say("BTC falls 5% twice: dev0's 8 BTC long is under maintenance; dev9 liquidates it")
    set_price(x, "BTC-USD", "57000")
    set_price(x, "BTC-USD", "54150")
    listed = x.call("GET", "/v1/liquidatable", expect=200)
    x.require((listed or {}).get("count", 0) >= 1, "dev0's vault is listed as liquidatable")
    x.call("GET", "/v1/liquidatable", query={"market": "BTC-PERP", "limit": 5}, expect=200)
    x.call("GET", "/v1/risk/shock", query={"market": ["BTC-USD"], "move": ["-0.2"]}, expect=200)
    x.call("GET", "/v1/risk/shock", query={"market": ["BTC-PERP", "ETH-USD"], "move": ["-10%", "+0.05"],
                                           "keeper": f"{dev['dev9']}/0", "limit": 3}, expect=200)
    # dev3's 1,000 USDC cannot take over 8 BTC: the shock lists the liquidation as refused.
    shock = x.call("GET", "/v1/risk/shock", query={"market": ["BTC-USD"], "move": ["-0.1"], "keeper": f"{dev['dev3']}/0"}, expect=200)
    x.require(bool((shock or {}).get("refusals")), "a shock with a small keeper vault lists refusals")
    for _ in range(4):
        vault = x.call("GET", "/v1/vaults/{address}/{number}", concrete("/v1/vaults/{address}/{number}",
                                                                         {"address": dev["dev0"], "number": 0}), expect=200)
        if not vault or not vault.get("positions"):
            break
        net.tx("liquidate", "dev0", "0", "BTC-PERP", "--from", "dev9")
        mine(x)
    x.require(vault is not None and not vault.get("positions"), "the liquidations closed dev0's position")
    candidates = x.call("GET", "/v1/auctions", expect=200)
    x.require(bool((candidates or {}).get("candidates")), "dev0's liquidated vault is an auction candidate")
    say("the signed feeders report BTC once, so the oracle views list reports")
    time.sleep(0.6)
    net.cli("oracle", "feed", "--devnet-config", os.path.join(net.work, "devnet.json"), "--market", "BTC-USD",
            "--path", "constant", "--start-price", "BTC-USD=54150", "--ticks", "1")
    mine(x)

    say("dev0's vault has no position, 1 BTC and a debt: dev9 starts a collateral auction and takes part of it")
    net.tx("auction", "start", "dev0", "0", "BTC", "--from", "dev9")
    mine(x)
    auctions = x.call("GET", "/v1/auctions", expect=200)
    x.require((auctions or {}).get("count", 0) == 1, "dev0's BTC is being auctioned")
    x.call("POST", "/v1/devnet/advance", body={"duration": "5m"}, expect=200)
    net.tx("auction", "take", "dev0", "0", "BTC", "0.1", "--max-price", "70000", "--from", "dev9")
    mine(x)
    x.call("GET", "/v1/auctions", query={"all": "true", "limit": 10}, expect=200)

    cancels_and_admin(net, x, dev)
    views(x, dev, status)
    submissions(net, x, dev)
    devnet_controls(x, dev)
    stream(x)
    slow.join()

    say("the limits on every route: 431 for a 17 KB head, 413 for an over-long body, 503 past the connection cap")
    for method, route in sorted(routes):
        x.oversized_head(method, route)
        if "413" in document.statuses(method, route):   # routes that read no body (snapshot) list no 413
            x.oversized_body(route)
    x.over_connection_cap(sorted(routes), MAX_CONNECTIONS)


def cancels_and_admin(net, x, dev):
    """The remaining transaction kinds, so that blocks show every action shape: order cancels and the
    admin's (signers, oracle and auction limits, a listing, open-interest caps, a depth add-on, a haircut rule, a yield checkpoint, and the liquidation parameters, which no
    CLI command sends: built from transactions.md by the spec's own Python client)."""
    say("cancels and the admin's transactions, each at the values the devnet already has")
    net.tx("order", "place", "ETH-PERP", "sell", "1", "--price", "3500", "--from", "dev1")
    net.tx("order", "place", "ETH-PERP", "sell", "1", "--price", "3600", "--from", "dev1")
    mine(x)
    orders = x.call("GET", "/v1/orders/{address}", concrete("/v1/orders/{address}", {"address": dev["dev1"]}),
                    query={"market": "ETH-PERP"}, expect=200) or []
    x.require(len(orders) == 2, "dev1 rests two ETH-PERP asks")
    admin = next(a for a in net.config["accounts"] if a["name"] == "admin")
    nonce = (x.call("GET", "/v1/accounts/{address}", concrete("/v1/accounts/{address}", {"address": admin["address"]}),
                    expect=200) or {}).get("nonce", 0)
    x.call("POST", "/v1/txs", body={"tx": liquidation_set_config(net.config["chain_id"], admin["private_key"], nonce)},
           expect=202)
    mine(x)
    if orders:
        net.tx("order", "cancel", str(orders[0]["order_id"]), "--from", "dev1")
    net.tx("order", "cancel-all", "ETH-PERP", "--from", "dev1")
    net.tx("oracle", "add-signer", dev["dev8"], "--from", "admin")
    net.tx("oracle", "remove-signer", dev["dev8"], "--from", "admin")
    net.tx("oracle", "set-config", "--quorum", "3", "--from", "admin")
    net.tx("auction", "set-config", "--tip", "1", "--from", "admin")
    net.tx("market", "list", "--like", "BTC-26MAR27", "--symbol", "BTC-2H", "--expiry", "+2h", "--from", "admin")
    # Caps far above SOL-PERP's open notional: its markets reply shows them, no margin changes.
    net.tx("market", "oi-caps", "SOL-PERP", "--lower", "100000000", "--upper", "200000000", "--from", "admin")
    # A depth add-on of 1 ppm: its markets reply shows it, margins move by at most a quantum or so.
    net.tx("market", "depth-addon", "SOL-PERP", "--band-ppm", "10000", "--window-ms", "600000", "--addon-ppm", "1", "--from", "admin")
    # A realized-volatility haircut rule on ETH that never leaves its floor and leads it by 1 ppm:
    # GET /v1/assets shows it, the haircut_moved events never come, margins move by a quantum or so.
    net.tx("asset", "haircut-rule", "ETH", "--vol", "realized", "--window-ms", "3600000", "--scale-ppm", "1", "--cap-ppm", "150000",
           "--rate-ppm-per-hour", "1", "--step-ppm", "1", "--from", "admin")
    # A checkpoint of SUSDC's rate at the same 5% a year (no write-down): its asset reply moves on.
    net.tx("asset", "yield", "SUSDC", "--apr-ppm", "50000", "--from", "admin")
    # BTC-IV's surface: the devnet's 26MAR27 options are then marked at BTC-IV-26MAR27 (the feeder feeds it).
    net.tx("oracle", "surface", "BTC-IV", "BTC-IV-26MAR27", "BTC-IV-25JUN27", "--from", "admin")
    mine(x)


def liquidation_set_config(chain_id, private_key, nonce):
    """Kind 49 with the devnet's own liquidation parameters, the payload transactions.md spells out."""
    client = load_module("solvent_client", os.path.join(ROOT, "contracts-spec", "examples", "solvent_client.py"))
    payload = bytes.fromhex("88130000" "00743ba40b0000000000000000000000" "40420f00000000000000000000000000" "400d0300"
                            "00f2052a010000000000000000000000" "a0860100" "00204aa9d10100000000000000000000"
                            "005039278c0400000000000000000000" "88130000")
    seed = bytes.fromhex(private_key)
    signed, _, _ = client.sign(seed, client.encode_body(chain_id, client.public_key(seed), nonce, 49, payload))
    return signed.hex()


def mine(x, blocks=1):
    return x.call("POST", "/v1/devnet/mine", body={"blocks": blocks}, expect=200)


def set_price(x, market, price):
    """An admin override through the devnet control (it mines its block); one update per 500 ms of block time."""
    time.sleep(0.6)
    return x.call("POST", "/v1/devnet/oracle", body={"market": market, "price": price}, expect=200)


def views(x, dev, status):
    """The read routes, each with its success and its documented refusals."""
    say("the read routes with their refusals")
    bad_address = "sv1abc"
    path = concrete
    x.call("GET", "/v1/status", expect=200)
    x.call("GET", "/v1/assets", expect=200)
    x.call("GET", "/v1/blocks/latest", expect=200)
    x.call("GET", "/v1/blocks/{height}", path("/v1/blocks/{height}", {"height": 3}), expect=200)
    x.call("GET", "/v1/blocks/{height}", path("/v1/blocks/{height}", {"height": "x"}), expect=400)
    x.call("GET", "/v1/blocks/{height}", path("/v1/blocks/{height}", {"height": 999999}), expect=404)
    for name in ("dev0", "dev2", "dev9"):
        x.call("GET", "/v1/accounts/{address}", path("/v1/accounts/{address}", {"address": dev[name]}), expect=200)
        x.call("GET", "/v1/vaults/{address}", path("/v1/vaults/{address}", {"address": dev[name]}), expect=200)
    x.call("GET", "/v1/accounts/{address}", path("/v1/accounts/{address}", {"address": bad_address}), expect=400)
    x.call("GET", "/v1/vaults/{address}", path("/v1/vaults/{address}", {"address": bad_address}), expect=400)
    one = "/v1/vaults/{address}/{number}"
    for name, number in (("dev0", 0), ("dev2", 1), ("dev9", 0)):
        x.call("GET", one, path(one, {"address": dev[name], "number": number}), expect=200)
    x.call("GET", one, path(one, {"address": dev["dev0"], "number": "x"}), expect=400)
    x.call("GET", one, path(one, {"address": dev["dev0"], "number": 7}), expect=404)
    margin = "/v1/vaults/{address}/{number}/margin"
    for name, number in (("dev2", 1), ("dev9", 0), ("dev0", 0)):
        x.call("GET", margin, path(margin, {"address": dev[name], "number": number}), expect=200)
    risk = "/v1/vaults/{address}/{number}/risk"
    for name, number in (("dev2", 1), ("dev9", 0), ("dev0", 0)):
        x.call("GET", risk, path(risk, {"address": dev[name], "number": number}), expect=200)
    x.call("GET", risk, path(risk, {"address": bad_address, "number": 0}), expect=400)
    x.call("GET", risk, path(risk, {"address": dev["dev0"], "number": 7}), expect=404)
    x.call("GET", "/v1/risk/protocol", expect=200)
    x.call("GET", margin, path(margin, {"address": dev["dev2"], "number": 1}), query={"what_if": "BTC-PERP:-0.5"}, expect=200)
    x.call("GET", margin, path(margin, {"address": dev["dev2"], "number": 1}), query={"what_if": "BTC-PERP"}, expect=400)
    x.call("GET", margin, path(margin, {"address": dev["dev2"], "number": 9}), expect=404)
    x.call("GET", "/v1/oracle", expect=200)
    for market in ("BTC-USD", "BTC-IV"):
        x.call("GET", "/v1/oracle/{market}", path("/v1/oracle/{market}", {"market": market}), expect=200)
    x.call("GET", "/v1/oracle/{market}", path("/v1/oracle/{market}", {"market": "XRP-USD"}), expect=404)
    x.call("GET", "/v1/markets", expect=200)
    for market in ("BTC-PERP", "BTC-26MAR27", "BTC-26MAR27-60000-C"):
        x.call("GET", "/v1/markets/{market}", path("/v1/markets/{market}", {"market": market}), query={"depth": 5}, expect=200)
    x.call("GET", "/v1/markets/{market}", path("/v1/markets/{market}", {"market": "BTC-PERP"}), query={"depth": 0}, expect=400)
    x.call("GET", "/v1/markets/{market}", path("/v1/markets/{market}", {"market": "XRP-PERP"}), expect=404)
    orders = "/v1/orders/{address}"
    x.call("GET", orders, path(orders, {"address": dev["dev1"]}), expect=200)
    x.call("GET", orders, path(orders, {"address": dev["dev1"]}), query={"vault": 0, "market": "BTC-PERP"}, expect=200)
    x.call("GET", orders, path(orders, {"address": dev["dev1"]}), query={"vault": "x"}, expect=400)
    x.call("GET", orders, path(orders, {"address": dev["dev1"]}), query={"market": "XRP-PERP"}, expect=404)
    x.call("GET", "/v1/protocol", expect=200)
    x.call("GET", "/v1/liquidatable", query={"limit": 0}, expect=400)
    x.call("GET", "/v1/liquidatable", query={"market": "XRP-PERP"}, expect=404)
    x.call("GET", "/v1/risk/shock", query={"market": ["BTC-USD"]}, expect=400)
    x.call("GET", "/v1/risk/shock", query={"market": ["XRP-USD"], "move": ["-0.1"]}, expect=404)
    x.call("GET", "/v1/insurance", expect=200)
    x.call("GET", "/v1/insurance", query={"limit": 2, "before": 3}, expect=200)
    x.call("GET", "/v1/insurance", query={"limit": 5000}, expect=400)
    adl = "/v1/adl/{market}"
    x.call("GET", adl, path(adl, {"market": "BTC-PERP"}), expect=200)
    x.call("GET", adl, path(adl, {"market": "BTC-PERP"}), query={"limit": 0}, expect=400)
    x.call("GET", adl, path(adl, {"market": "XRP-PERP"}), expect=404)
    x.call("GET", "/v1/auctions", query={"limit": "x"}, expect=400)
    x.call("GET", "/v1/supply", expect=200)
    x.call("GET", "/metrics", expect=200)


def submissions(net, x, dev):
    """POST /v1/txs, /v1/txs/batch and /v1/simulate with transactions signed by the CLI (--generate-only)."""
    say("submissions: admitted, committed, already known, refused; a batch; dry runs")

    def signed(*args):
        return net.cli("tx", *args, "--generate-only")

    first = signed("send", "dev3", "1", "USDC", "--from", "dev0")
    x.call("POST", "/v1/simulate", body={"tx": first["tx"]}, expect=200)
    x.call("POST", "/v1/txs", body={"tx": first["tx"]}, expect=202)
    x.call("POST", "/v1/txs", body={"tx": first["tx"]}, expect=409)
    queued = signed("send", "dev3", "1", "USDC", "--from", "dev3", "--nonce", "5")
    x.call("POST", "/v1/txs", body={"tx": queued["tx"]}, expect=202)
    mine(x)
    tx = "/v1/txs/{hash}"
    x.call("GET", tx, concrete(tx, {"hash": first["hash"]}), expect=200)
    x.call("GET", tx, concrete(tx, {"hash": queued["hash"]}), expect=200)   # still waiting for nonces 1-4
    x.call("GET", tx, concrete(tx, {"hash": "zz"}), expect=400)
    x.call("GET", tx, concrete(tx, {"hash": "0" * 64}), expect=404)
    overdraft = signed("send", "dev3", "5000000", "USDC", "--from", "dev1")
    x.call("POST", "/v1/simulate", body={"tx": overdraft["tx"]}, expect=200)
    x.call("POST", "/v1/txs", body={"tx": overdraft["tx"]}, expect=400)
    forged = first["tx"][:-2] + ("01" if first["tx"].endswith("00") else "00")
    x.call("POST", "/v1/txs", body={"tx": forged}, expect=400)
    x.call("POST", "/v1/txs", body={"tx": "zz"}, expect=400)
    x.call("POST", "/v1/simulate", body={"tx": "zz"}, expect=400)
    x.call("POST", "/v1/simulate", body="{", expect=400)

    batch = [signed("send", "dev3", "1", "USDC", "--from", "dev9")["tx"], "zz", first["tx"]]
    x.call("POST", "/v1/txs/batch", body={"txs": batch}, expect=200)
    x.call("POST", "/v1/txs/batch", query={"results": "errors"},
           body={"txs": [signed("send", "dev3", "1", "USDC", "--from", "dev2")["tx"], "zz"]}, expect=200)
    x.call("POST", "/v1/txs/batch", body="[", expect=400)
    mine(x)

    # wait=commit answers once the block is in: automine produces it as soon as the transaction arrives.
    committed = signed("send", "dev3", "1", "USDC", "--from", "dev0")
    x.call("POST", "/v1/devnet/block-mode", body={"mode": "automine"}, expect=200)
    x.call("POST", "/v1/txs", query={"wait": "commit"}, body={"tx": committed["tx"]}, expect=200)
    x.call("POST", "/v1/devnet/block-mode", body={"mode": "manual"}, expect=200)


def devnet_controls(x, dev):
    """The devnet controls, each with its refusals; ends by reverting to a snapshot."""
    say("devnet controls: time, block mode, advance, oracle, snapshot and revert, dump")
    head = x.call("GET", "/v1/status", expect=200)
    snapshot = x.call("POST", "/v1/devnet/snapshot", expect=200)
    mine(x, 2)
    x.call("POST", "/v1/devnet/mine", body={"blocks": 0}, expect=400)
    x.call("POST", "/v1/devnet/time", body={"next_block_time": "2099-01-01T00:00:00Z"}, expect=200)
    x.call("POST", "/v1/devnet/time", body={"next_block_time": "yesterday"}, expect=400)
    mine(x)
    x.call("POST", "/v1/devnet/advance", body={"duration": "2h", "refresh_prices": True}, expect=200)
    x.call("POST", "/v1/devnet/advance", body={"duration": "1s", "refresh_prices": False}, expect=200)
    x.call("POST", "/v1/devnet/advance", body={"duration": "soon"}, expect=400)
    # Hours have passed: the price history has samples, so the risk measures are shown.
    risk = "/v1/vaults/{address}/{number}/risk"
    x.call("GET", risk, concrete(risk, {"address": dev["dev0"], "number": 0}), expect=200)
    x.call("GET", "/v1/risk/protocol", expect=200)
    x.call("POST", "/v1/devnet/block-mode", body={"mode": "interval", "interval_ms": 60000}, expect=200)
    x.call("POST", "/v1/devnet/block-mode", body={"mode": "automine"}, expect=200)
    x.call("POST", "/v1/devnet/block-mode", body={"mode": "manual"}, expect=200)
    x.call("POST", "/v1/devnet/block-mode", body={"mode": "sometimes"}, expect=400)
    time.sleep(0.6)
    x.call("POST", "/v1/devnet/oracle", body={"market": "ETH-USD", "price": "3000", "mine": False}, expect=200)
    x.call("POST", "/v1/devnet/oracle", body={"market": "ETH-USD", "price": "-1"}, expect=400)
    x.call("POST", "/v1/devnet/oracle", body={"market": "XRP-USD", "price": "1"}, expect=404)
    x.call("GET", "/v1/devnet/dump", expect=200)
    if snapshot and "id" in snapshot:
        x.call("POST", "/v1/devnet/revert", body={"id": snapshot["id"]}, expect=200)
    x.call("POST", "/v1/devnet/revert", body={"id": "x"}, expect=400)
    x.call("POST", "/v1/devnet/revert", body={"id": "999"}, expect=400)
    if head and snapshot and head.get("height") != snapshot.get("height"):
        x.drive_failures.append(f"the snapshot's height {snapshot.get('height')} is not the head's {head.get('height')}")


def stream(x):
    """The WebSocket stream from height 0: hello, the truncated notice, every block; and a refused from_height."""
    say("the WebSocket stream: hello, the truncated notice and the replayed blocks; a bad from_height is 400")
    x.websocket(from_height=0, timeout=10)
    x.call("GET", "/v1/ws", query={"from_height": "x"}, headers=x.upgrade_headers(), expect=400)
    x.call("GET", "/v1/ws", expect=400)   # no upgrade headers: websocket_required


if __name__ == "__main__":
    sys.exit(main())
