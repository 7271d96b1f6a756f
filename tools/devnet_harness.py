"""A devnet for the Python checks, driven only through the `solvent` CLI: starts `solventd devnet`
on a free port with manual blocks and no feeder, imports the dev keys (and the admin's), mines
blocks one at a time with the conservation audit after each, reads events, sets oracle prices.
Used by tools/check-openapi-responses.py and tools/crash-transactions, which check the node from
outside, as a client written from the spec would (the scenarios are played by the Swift runner,
`solvent scenario run`).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "debug")
started = time.time()


def say(text):
    print(f"[{time.time() - started:5.1f}s] {text}", flush=True)


def fail(text):
    print(f"SCENARIO FAILED: {text}", file=sys.stderr, flush=True)
    sys.exit(1)


class Devnet:
    def __init__(self):
        self.work = tempfile.mkdtemp(prefix="solvent-devnet-")
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.env = dict(os.environ, SOLVENT_NODE=f"http://127.0.0.1:{self.port}", SOLVENT_HOME=os.path.join(self.work, "cli"),
                        SOLVENT_KEYRING_BACKEND="test")
        self.node = None
        self.processes = []   # other processes to stop with the node (keepers)
        self.height = 0
        self.blocks_checked = 0

    def cli(self, *args, check=True):
        out = subprocess.run([os.path.join(BIN, "solvent"), *args, "--output", "json"], env=self.env, capture_output=True, text=True)
        if check and out.returncode != 0:
            fail(f"solvent {' '.join(args)}: {out.stderr.strip() or out.stdout.strip()}")
        try:
            return json.loads(out.stdout) if out.stdout.strip() else {}
        except json.JSONDecodeError:
            return {"raw": out.stdout}

    def start(self, *node_options):
        """`node_options` are more `solventd devnet` options (limits, timeouts)."""
        self.log = open(os.path.join(self.work, "node.log"), "w")
        self.node = subprocess.Popen(
            [os.path.join(BIN, "solventd"), "devnet", "--home", os.path.join(self.work, "node"), "--rpc", f"127.0.0.1:{self.port}",
             "--manual", "--no-feeder", "--config-out", os.path.join(self.work, "devnet.json"), "--log-level", "warning", *node_options],
            stdout=subprocess.DEVNULL, stderr=self.log)
        for _ in range(150):
            if subprocess.run([os.path.join(BIN, "solvent"), "query", "status"], env=self.env, capture_output=True).returncode == 0:
                break
            if self.node.poll() is not None:
                fail("solventd exited at start")
            time.sleep(0.2)
        else:
            fail("solventd did not answer within 30 s")
        with open(os.path.join(self.work, "devnet.json")) as f:
            self.config = json.load(f)
        for account in self.config["accounts"]:
            if account["name"].startswith("dev") or account["name"] == "admin":
                self.cli("keys", "import", account["name"], "--private-key", account["private_key"])
        self.address = {a["name"]: a["address"] for a in self.config["accounts"]}

    def stop(self):
        for p in (*self.processes, self.node):
            if p and p.poll() is None:
                p.send_signal(signal.SIGINT)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()

    def mine(self):
        """One block, then the conservation audit on the state it left."""
        reply = self.cli("devnet", "mine", "1")
        self.height = reply["height"]
        self.audit()
        return self.height

    def audit(self):
        """The conservation audit on the state the last block left."""
        supply = self.cli("query", "supply", check=False)
        if not supply.get("holds"):
            fail(f"conservation does not hold at block {self.height}: {json.dumps(supply)}")
        self.blocks_checked += 1

    def block_events(self, kind):
        """Events of type `kind` in the last block: the block's own (funding, settlement) and its transactions'."""
        block = self.cli("query", "block", str(self.height))
        out = [e["attributes"] for e in block.get("events", []) if e["type"] == kind]
        for tx in block.get("transactions", []):
            for e in (tx.get("receipt") or {}).get("events", []):
                if e["type"] == kind:
                    out.append(e["attributes"])
        return out

    def set_price(self, price, market="BTC-USD", override=False):
        """Signed reports of the five signers (a move of at most 10% per update), or with `override`
        the devnet's admin-signed oracle_override (any move, in the block it mines)."""
        time.sleep(0.6)   # an oracle market takes one update per 500 ms of block time
        if override:
            self.height = self.cli("devnet", "oracle", market, price)["height"]
            self.audit()
        else:
            self.cli("oracle", "feed", "--devnet-config", os.path.join(self.work, "devnet.json"), "--market", market,
                     "--path", "constant", "--start-price", f"{market}={price}", "--ticks", "1")
            self.mine()
        oracle = self.cli("query", "oracle", market)
        if Decimal(oracle["price"]) != Decimal(price):
            fail(f"the oracle shows {oracle['price']}, expected {price}")

    def tx(self, *args):
        reply = self.cli("tx", *args)
        return reply

    def mempool(self):
        return self.cli("query", "status")["mempool_size"]

