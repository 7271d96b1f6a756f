#!/usr/bin/env python3
"""Recomputes a genesis app hash from a genesis JSON file, following state.md and state-hash.md
only (no code shared with the node). Also prints the Merkle root vectors of blocks.md.

    python3 state_hash.py genesis ../../genesis/devnet.json    # prints the genesis app hash
    python3 state_hash.py merkle                               # RFC 6962 roots used in blocks.md

The test suite compares both with the node's results.
"""

import hashlib
import json
import struct
import sys
from decimal import Decimal

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from solvent_client import public_key_from_address  # noqa: E402

TABLE_PARAMS, TABLE_ASSETS, TABLE_ACCOUNTS, TABLE_VAULTS, TABLE_ORACLE_CONFIG, TABLE_ORACLE_PRICES = 1, 2, 3, 4, 5, 6
TABLE_PERP_MARKETS, TABLE_PROTOCOL = 7, 12
LANES = 1024


def element(table: int, key: bytes, value: bytes):
    digest = hashlib.sha256(struct.pack("<B", table) + struct.pack("<I", len(key)) + key
                            + struct.pack("<I", len(value)) + value).digest()
    # ChaCha20 (RFC 8439) keystream, zero nonce, block counter 0: the cryptography package takes a
    # 16-byte nonce = 4-byte little-endian counter || 12-byte nonce.
    stream = Cipher(algorithms.ChaCha20(digest, bytes(16)), mode=None).encryptor().update(bytes(2 * LANES))
    return struct.unpack("<%dH" % LANES, stream)


def app_hash(entries):
    lanes = [0] * LANES
    for table, key, value in entries:
        for i, x in enumerate(element(table, key, value)):
            lanes[i] = (lanes[i] + x) & 0xFFFF
    return hashlib.sha256(b"SOLVENT_APP_HASH_V1" + struct.pack("<%dH" % LANES, *lanes)).hexdigest()


def balances(pairs):
    pairs = sorted((a, q) for a, q in pairs if q != 0)
    out = struct.pack("<H", len(pairs))
    for asset, quantums in pairs:
        out += struct.pack("<I", asset) + quantums.to_bytes(16, "little")
    return out


def genesis_entries(genesis):
    p = genesis["params"]
    entries = [(TABLE_PARAMS, b"chain", struct.pack("<BIII", 1, p["max_vaults_per_account"],
                                                    p["max_block_transactions"], p["max_block_bytes"]))]
    assets = {}
    oracle_of = {m["asset"]: m["id"] for m in genesis["oracle"]["markets"] if m.get("asset")}
    for a in genesis["assets"]:
        symbol = a["symbol"].encode()
        value = struct.pack("<B", 1) + struct.pack("<B", len(symbol)) + symbol + struct.pack("<B", a["decimals"])
        for optional in (a.get("collateral_haircut_ppm"), oracle_of.get(a["symbol"])):
            value += (b"\x01" + struct.pack("<I", optional)) if optional is not None else b"\x00"
        entries.append((TABLE_ASSETS, struct.pack(">I", a["id"]), value))
        assets[a["symbol"]] = (a["id"], a["decimals"])
    for account in genesis["accounts"]:
        totals = {}
        for holding in account["wallet"]:
            asset_id, decimals = assets[holding["asset"]]
            quantums = int(Decimal(holding["amount"]) * (10 ** decimals))
            totals[asset_id] = totals.get(asset_id, 0) + quantums
        value = struct.pack("<BQI", 1, 0, 0) + balances(totals.items())
        entries.append((TABLE_ACCOUNTS, public_key_from_address(account["address"]), value))
    entries.append((TABLE_PARAMS, b"admin", b"\x01" + bytes.fromhex(genesis["admin"])))
    # yield-assets.md, "State": each yield asset's checkpoint (rate 10^18 at genesis), only if any.
    yields = sorted((a["id"], a["yield_apr_ppm"]) for a in genesis["assets"] if "yield_apr_ppm" in a)
    if yields:
        record = struct.pack("<BH", 1, len(yields))
        for asset, apr in yields:
            record += struct.pack("<II", asset, apr) + (10 ** 18).to_bytes(16, "little") + struct.pack("<Q", genesis["genesis_time_ms"])
        entries.append((TABLE_PROTOCOL, b"yield_assets", record))
    entries += oracle_entries(genesis, assets)
    entries += perp_entries(genesis)
    return entries


def units(text, decimals):
    return int(Decimal(text) * 10 ** decimals)


def perp_entries(genesis):
    """markets.md, "State": one record per market, and the fee split in the protocol table."""
    perps = genesis["perps"]
    entries = [(TABLE_PROTOCOL, b"perp_settings", struct.pack("<BI", 1, perps["insurance_fee_share_ppm"]))]
    # liquidation.md, "Parameters" and insurance-and-adl.md, "State": the settings, the fund's
    # starting balance and its totals (seeded = the starting balance, every other total 0).
    liq = perps["liquidation"]
    u128 = lambda text: units(text, 6).to_bytes(16, "little")
    settings = (struct.pack("<BI", 1, liq["fee_ppm"]) + u128(liq["max_fee"]) + u128(liq["keeper_tip"])
                + struct.pack("<I", liq["keeper_share_ppm"]) + u128(liq["max_bounty"]) + struct.pack("<I", liq["buffer_ppm"])
                + u128(liq["max_position_notional_per_block"]) + u128(liq["max_vault_notional_per_block"])
                + struct.pack("<I", liq["backstop_discount_ppm"]))
    entries.append((TABLE_PROTOCOL, b"liquidation_settings", settings))
    seed = u128(perps["insurance_fund"])
    entries.append((TABLE_PROTOCOL, b"insurance_fund", b"\x01" + seed))
    entries.append((TABLE_PROTOCOL, b"insurance_stats", b"\x01" + seed + bytes(16 * 5) + struct.pack("<Q", 0)))
    oracle_ids = {m["symbol"]: m["id"] for m in genesis["oracle"]["markets"]}
    t0 = genesis["genesis_time_ms"]
    for m in perps["markets"]:
        symbol = m["symbol"].encode()
        params = struct.pack("<B", len(symbol)) + symbol + struct.pack(
            "<IQQQII", oracle_ids[m["oracle_market"]], units(m["tick_size"], 8), units(m["step_size"], 8),
            units(m["min_order_size"], 8), m["maker_fee_ppm"], m["taker_fee_ppm"])
        params += struct.pack("<B", len(m["margin_tiers"]))
        for t in m["margin_tiers"]:
            cap = units(t["max_notional"], 6) if t.get("max_notional") else 0
            params += cap.to_bytes(16, "little") + struct.pack("<II", t["initial_ppm"], t["maintenance_ppm"])
        # Dated markets have no funding: the fields hold 1 hour, 1 minute and 0 (genesis.md).
        interval = m.get("funding_interval_ms", 3_600_000)
        sample = m.get("funding_sample_interval_ms", 60_000)
        params += struct.pack("<QQI", interval, sample, m.get("funding_rate_cap_ppm", 0))
        params += units(m["impact_notional"], 6).to_bytes(16, "little") + b"\x01"  # active
        params += instrument(m, oracle_ids)
        running = (struct.pack("<Q", 0) + (0).to_bytes(16, "little") * 2
                   + struct.pack("<QQqIqQ", t0 + interval, t0 + sample, 0, 0, 0, 0)
                   + struct.pack("<QQ", 0, 0))  # settlement price, settled at
        entries.append((TABLE_PERP_MARKETS, struct.pack(">I", m["id"]), b"\x02" + params + running))
    # margin.md, "Open-interest scaling": the caps of the markets that set them, one record, only if any.
    capped = sorted((m["id"], units(m["oi_lower_cap"], 6), units(m["oi_upper_cap"], 6))
                    for m in perps["markets"] if "oi_upper_cap" in m)
    if capped:
        record = struct.pack("<BH", 1, len(capped))
        for market, lower, upper in capped:
            record += struct.pack("<I", market) + lower.to_bytes(16, "little") + upper.to_bytes(16, "little")
        entries.append((TABLE_PROTOCOL, b"open_interest_caps", record))
    # portfolio-margin.md, "Parameters": the portfolio settings (the standard ones without a section).
    pf = genesis.get("portfolio", STANDARD_PORTFOLIO)
    record = struct.pack("<BIBIIIIIII", 2, pf["price_range_ppm"], pf["price_steps"], pf["vol_move_ppm"], pf["extreme_move_ppm"],
                         pf["extreme_cover_ppm"], pf["short_option_ppm"], pf["hedged_delta_ppm"], pf["maintenance_ppm"],
                         pf["closeout_ppm"])
    record += struct.pack("<B", len(pf["credits"]))
    for c in pf["credits"]:
        record += struct.pack("<III", oracle_ids[c["first"]], oracle_ids[c["second"]], c["credit_ppm"])
    entries.append((TABLE_PROTOCOL, b"portfolio_settings", record))
    # devnet.md, "Devnet chains": a genesis with a devnet section marks the chain (version 1, flag 1).
    if genesis.get("devnet"):
        entries.append((TABLE_PROTOCOL, b"devnet_mode", bytes([1, 1])))
    return entries


STANDARD_PORTFOLIO = {"price_range_ppm": 150000, "price_steps": 3, "vol_move_ppm": 250000, "extreme_move_ppm": 300000,
                      "extreme_cover_ppm": 350000, "short_option_ppm": 10000, "hedged_delta_ppm": 10000,
                      "maintenance_ppm": 600000, "closeout_ppm": 20000, "credits": []}


def utc_ms(text):
    """'YYYY-MM-DDTHH:MM:SSZ' -> milliseconds since 1970 (genesis.md, "Times")."""
    import calendar
    import time
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")) * 1000


def instrument(m, oracle_ids):
    """markets.md, "State": kind u8, then the expiry (and for an option strike, call, volatility feed)."""
    kind = m.get("kind", "perpetual")
    if kind == "perpetual":
        return b"\x00"
    if kind == "future":
        return struct.pack("<BQ", 1, utc_ms(m["expiry"]))
    return struct.pack("<BQQBI", 2, utc_ms(m["expiry"]), units(m["strike"], 8), m["option_type"] == "call",
                       oracle_ids[m["volatility_oracle"]])


def oracle_entries(genesis, assets):
    """oracle.md, "State": the oracle configuration and one price record per market."""
    o = genesis["oracle"]
    signers = sorted(bytes.fromhex(k) for k in o["signers"])
    config = (struct.pack("<BBQQQIQ", 1, o["quorum"], o["max_report_age_ms"], o["max_future_skew_ms"],
                          o["min_update_interval_ms"], o["max_move_ppm"], o["stale_after_ms"])
              + struct.pack("<H", len(signers)) + b"".join(signers))
    entries = [(TABLE_ORACLE_CONFIG, b"config", config)]
    for m in o["markets"]:
        symbol = m["symbol"].encode()
        value = struct.pack("<B", 1) + struct.pack("<B", len(symbol)) + symbol
        value += (b"\x01" + struct.pack("<I", assets[m["asset"]][0])) if m.get("asset") else b"\x00"
        price = int(Decimal(m["initial_price"]) * 10 ** 8) if m.get("initial_price") else 0
        updated = genesis["genesis_time_ms"] if price else 0
        # price, median, updated_at, last_report, clamped, no reports, no signer timestamps
        value += struct.pack("<QQQQBBH", price, price, updated, 0, 0, 0, 0)
        entries.append((TABLE_ORACLE_PRICES, struct.pack(">I", m["id"]), value))
    return entries


def merkle_root(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + merkle_root(leaves[:k]) + merkle_root(leaves[k:])).digest()


def main(argv):
    if len(argv) >= 3 and argv[1] == "genesis":
        with open(argv[2]) as f:
            print(app_hash(genesis_entries(json.load(f))))
        return 0
    if len(argv) >= 2 and argv[1] == "merkle":
        # Leaves are SHA-256 of the ASCII decimal strings "0", "1", ... (32-byte items).
        items = [hashlib.sha256(str(i).encode()).digest() for i in range(7)]
        print(json.dumps({str(n): merkle_root(items[:n]).hex() for n in [0, 1, 2, 3, 4, 5, 7]}, indent=2))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
