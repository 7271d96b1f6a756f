#!/usr/bin/env python3
"""A Solvent client written from contracts-spec alone, in another language than the node.

It implements what transactions.md specifies: the v1 wire encoding, the signed message, the
transaction hash, bech32m addresses and the devnet key derivation; and it talks to a node
over the JSON RPC (rpc.md). It needs only Python 3 and the `cryptography` package.

    python3 solvent_client.py vectors                 # print the worked examples as JSON
    python3 solvent_client.py oracle-vectors          # print the oracle worked example as JSON
    python3 solvent_client.py auction-vectors         # print the collateral auction examples as JSON
    python3 solvent_client.py send --node URL --key HEX --to ADDRESS --asset 0 --quantums 1000000 [--nonce N]
    python3 solvent_client.py address --key HEX

The test suite checks that the node's own encoder produces exactly the bytes this file does.
"""

import hashlib
import json
import struct
import sys
import urllib.request

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

VERSION = 1
SIGN_DOMAIN = b"SOLVENT_TX"
ORACLE_DOMAIN = b"SOLVENT_ORACLE_V1"
KIND_SEND, KIND_DEPOSIT, KIND_WITHDRAW = 1, 2, 3
KIND_ORACLE_UPDATE, KIND_ORACLE_ADD_SIGNER, KIND_ORACLE_REMOVE_SIGNER, KIND_ORACLE_SET_CONFIG = 16, 17, 18, 19
KIND_AUCTION_START, KIND_AUCTION_TAKE, KIND_AUCTION_REDO, KIND_AUCTION_SET_CONFIG = 56, 57, 58, 59
DEV_SEED_PHRASE = "solvent devnet insecure seed: these keys are public, never hold value with them"

# --- bech32m (BIP-350), HRP "sv" -------------------------------------------------------------

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32M_CONST = 0x2BC830A3


def _polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def _hrp_expand(hrp):
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _to_5bit(data):
    acc, bits, out = 0, 0, []
    for b in data:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            out.append((acc >> bits) & 31)
    if bits:
        out.append((acc << (5 - bits)) & 31)
    return out


def address(public_key: bytes, hrp: str = "sv") -> str:
    data = _to_5bit(public_key)
    pm = _polymod(_hrp_expand(hrp) + data + [0] * 6) ^ BECH32M_CONST
    checksum = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(CHARSET[d] for d in data + checksum)


def public_key_from_address(text: str, hrp: str = "sv") -> bytes:
    text = text.lower()
    sep = text.rfind("1")
    assert text[:sep] == hrp, "wrong address prefix"
    values = [CHARSET.index(c) for c in text[sep + 1:]]
    assert _polymod(_hrp_expand(hrp) + values) == BECH32M_CONST, "bad address checksum"
    acc, bits, out = 0, 0, []
    for v in values[:-6]:
        acc = (acc << 5) | v
        bits += 5
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    assert len(out) == 32
    return bytes(out)


# --- keys -------------------------------------------------------------------------------------

def dev_key(label: str, phrase: str = DEV_SEED_PHRASE) -> bytes:
    """Devnet keys: seed = SHA-256(ASCII(phrase + "/" + label)), label "dev/0", "dev/1", ... or "validator"."""
    return hashlib.sha256((phrase + "/" + label).encode()).digest()


def public_key(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


# --- transactions -----------------------------------------------------------------------------

def encode_body(chain_id: str, sender: bytes, nonce: int, kind: int, payload: bytes) -> bytes:
    cid = chain_id.encode("ascii")
    assert 1 <= len(cid) <= 32
    return (struct.pack("<B", VERSION) + struct.pack("<B", len(cid)) + cid + sender
            + struct.pack("<Q", nonce) + struct.pack("<H", kind) + payload)


def u128(v: int) -> bytes:
    return v.to_bytes(16, "little")


def send_payload(to: bytes, asset: int, quantums: int) -> bytes:
    return to + struct.pack("<I", asset) + u128(quantums)


def vault_payload(vault: int, asset: int, quantums: int) -> bytes:
    return struct.pack("<I", vault) + struct.pack("<I", asset) + u128(quantums)


# --- oracle (oracle.md) --------------------------------------------------------------------------

def string8(text: str) -> bytes:
    raw = text.encode("ascii")
    return struct.pack("<B", len(raw)) + raw


def report_message(chain_id: str, market: int, price: int, timestamp_ms: int) -> bytes:
    return ORACLE_DOMAIN + string8(chain_id) + struct.pack("<IQQ", market, price, timestamp_ms)


def signed_report(seed: bytes, chain_id: str, market: int, price: int, timestamp_ms: int) -> bytes:
    """A report as it sits in an oracle_update: chain_id, market, signer, price, timestamp, signature."""
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(report_message(chain_id, market, price, timestamp_ms))
    return (string8(chain_id) + struct.pack("<I", market) + public_key(seed)
            + struct.pack("<QQ", price, timestamp_ms) + signature)


def oracle_update_payload(market: int, reports) -> bytes:
    return struct.pack("<IB", market, len(reports)) + b"".join(reports)


def median(prices):
    """The lower median: sorted[(n - 1) // 2]."""
    return sorted(prices)[(len(prices) - 1) // 2]


def sign(seed: bytes, body: bytes):
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(SIGN_DOMAIN + body)
    signed = body + signature
    return signed, signature, hashlib.sha256(signed).digest()


# --- worked examples (contracts-spec/transactions.md) ------------------------------------------

def examples():
    dev0, dev1 = dev_key("dev/0"), dev_key("dev/1")
    cases = [
        ("send 100 USDC from dev0 to dev1, nonce 0, on the devnet",
         dev0, "solvent-devnet-1", 0, KIND_SEND, send_payload(public_key(dev1), 0, 100_000_000),
         {"type": "send", "to": address(public_key(dev1)), "asset": 0, "amount_quantums": "100000000"}),
        ("deposit 2.5 BTC into vault 1 of dev1, nonce 7, on the devnet",
         dev1, "solvent-devnet-1", 7, KIND_DEPOSIT, vault_payload(1, 1, 250_000_000),
         {"type": "deposit", "vault": 1, "asset": 1, "amount_quantums": "250000000"}),
        ("withdraw 0.000000000000000001 ETH (1 quantum) from vault 0, nonce 2^32, on chain 'test-chain'",
         bytes(range(32)), "test-chain", 1 << 32, KIND_WITHDRAW, vault_payload(0, 2, 1),
         {"type": "withdraw", "vault": 0, "asset": 2, "amount_quantums": "1"}),
    ]
    out = []
    for title, seed, chain, nonce, kind, payload, action in cases:
        body = encode_body(chain, public_key(seed), nonce, kind, payload)
        signed, signature, tx_hash = sign(seed, body)
        out.append({
            "title": title,
            "private_key": seed.hex(),
            "public_key": public_key(seed).hex(),
            "address": address(public_key(seed)),
            "chain_id": chain,
            "nonce": str(nonce),
            "kind": kind,
            "action": action,
            "unsigned_body": body.hex(),
            "signed_message": (SIGN_DOMAIN + body).hex(),
            "signature": signature.hex(),
            "signed_transaction": signed.hex(),
            "hash": tx_hash.hex(),
        })
    return out


def oracle_examples():
    """Worked examples of oracle.md: three devnet signers report BTC-USD; one lies."""
    chain, market, t = "solvent-devnet-1", 1, 1_767_225_660_000  # genesis time + 60 s
    prices = [60_000_50000000, 60_010_00000000, 90_000_00000000]  # the third signer lies
    signers = [dev_key("oracle/%d" % i) for i in range(3)]
    reports = []
    for seed, price in zip(signers, prices):
        body = signed_report(seed, chain, market, price, t)
        reports.append({
            "signer_private_key": seed.hex(),
            "signer": public_key(seed).hex(),
            "price": str(price),
            "timestamp_ms": str(t),
            "signed_message": report_message(chain, market, price, t).hex(),
            "report": body.hex(),
        })
    relayer = dev_key("oracle/relayer")
    body = encode_body(chain, public_key(relayer), 0, KIND_ORACLE_UPDATE,
                       oracle_update_payload(market, [bytes.fromhex(r["report"]) for r in reports]))
    signed, signature, tx_hash = sign(relayer, body)
    return {
        "chain_id": chain,
        "market": market,
        "reports": reports,
        "median": str(median(prices)),
        "relayer_private_key": relayer.hex(),
        "update_unsigned_body": body.hex(),
        "update_signature": signature.hex(),
        "update_signed_transaction": signed.hex(),
        "update_hash": tx_hash.hex(),
    }


def auction_examples():
    """The kinds of collateral-auctions.md (transactions.md, "Kinds 56 to 59"): dev3 starts the
    auction of dev0's vault 0 BTC, takes 1 BTC at no more than 60,000 and restarts it; the admin
    sets the standard parameters."""
    chain, dev0, dev3, admin = "solvent-devnet-1", dev_key("dev/0"), dev_key("dev/3"), dev_key("admin")
    target = public_key(dev0) + struct.pack("<II", 0, 1)              # owner, vault 0, asset 1 (BTC)
    settings = (struct.pack("<IIIII", 1_100_000, 990_000, 30, 600_000, 1_800) + u128(1_000_000)
                + struct.pack("<I", 1_000) + u128(500_000_000))
    cases = [
        ("auction_start: dev3 starts the auction of dev0's vault 0 BTC, incentive to its vault 0", dev3, 4, KIND_AUCTION_START,
         target + struct.pack("<I", 0)),
        ("auction_take: dev3 buys up to 1 BTC at no more than 60,000, paying from its vault 0", dev3, 5, KIND_AUCTION_TAKE,
         target + u128(100_000_000) + struct.pack("<QI", 6_000_000_000_000, 0)),
        ("auction_redo: dev3 restarts the auction of dev0's vault 0 BTC", dev3, 6, KIND_AUCTION_REDO, target),
        ("auction_set_config: the admin sets the standard auction parameters", admin, 0, KIND_AUCTION_SET_CONFIG, settings),
    ]
    out = []
    for title, seed, nonce, kind, payload in cases:
        body = encode_body(chain, public_key(seed), nonce, kind, payload)
        signed, signature, tx_hash = sign(seed, body)
        out.append({"title": title, "private_key": seed.hex(), "chain_id": chain, "nonce": nonce, "kind": kind,
                    "payload": payload.hex(), "unsigned_body": body.hex(), "signature": signature.hex(),
                    "signed_transaction": signed.hex(), "hash": tx_hash.hex()})
    return out


# --- RPC --------------------------------------------------------------------------------------

def rpc(node: str, method: str, path: str, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(node.rstrip("/") + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def main(argv):
    if len(argv) < 2 or argv[1] not in ("vectors", "oracle-vectors", "auction-vectors", "send", "address"):
        print(__doc__)
        return 2
    args = dict(zip(argv[2::2], argv[3::2]))
    if argv[1] == "vectors":
        print(json.dumps(examples(), indent=2))
        return 0
    if argv[1] == "oracle-vectors":
        print(json.dumps(oracle_examples(), indent=2))
        return 0
    if argv[1] == "auction-vectors":
        print(json.dumps(auction_examples(), indent=2))
        return 0
    seed = bytes.fromhex(args["--key"])
    if argv[1] == "address":
        print(address(public_key(seed)))
        return 0
    node = args["--node"]
    sender = public_key(seed)
    if "--nonce" in args:
        nonce = int(args["--nonce"])
    else:
        nonce = rpc(node, "GET", "/v1/accounts/" + address(sender))[1]["next_nonce"]
    chain = rpc(node, "GET", "/v1/status")[1]["chain_id"]
    payload = send_payload(public_key_from_address(args["--to"]), int(args["--asset"]), int(args["--quantums"]))
    signed, _, tx_hash = sign(seed, encode_body(chain, sender, nonce, KIND_SEND, payload))
    status, reply = rpc(node, "POST", "/v1/txs?wait=commit", {"tx": signed.hex()})
    print(json.dumps({"http_status": status, "computed_hash": tx_hash.hex(), "reply": reply}, indent=2))
    return 0 if status < 300 and reply.get("hash") == tx_hash.hex() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
