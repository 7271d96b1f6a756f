#!/usr/bin/env python3
"""Portfolio margin (portfolio-margin.md) and the standalone requirements of instruments.md, bit for
bit as the node computes them (Python 3, standard library only, integers only).

    python3 portfolio.py vectors      # print vectors/portfolio.json
    python3 portfolio.py examples     # the worked examples of portfolio-margin.md and instruments.md

Black-Scholes (price and delta, as wads) comes from options.py in this folder (options.md,
"Black-Scholes"), the progressive tier requirement from liquidation.py (margin.md). Every division
is written out: `//` rounds toward minus infinity, `ceil_div` toward plus infinity, `trunc_div`
toward zero, as portfolio-margin.md says for each formula.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import options  # noqa: E402  (options.md: price(spot, strike, vol, time_ms, is_call), evaluate(...)["delta"])
from liquidation import ceil_div, requirement  # noqa: E402  (margin.md: the progressive tiers, one rounding up)
from options import s  # noqa: E402  (integers as decimal strings, the vectors' one number format)

PPM = 1_000_000
NOTIONAL_DIVISOR = 10 ** 10        # size units x price units / 10^10 = USDC quantums
WAD_PER_QUANTUM = 10 ** 20         # size units x wad / 10^20 = USDC quantums
PRICE_TO_WAD = 10 ** 10            # price units (10^-8 USD) -> wad (10^-18 USD)
UINT64_MAX = (1 << 64) - 1

DOLLAR = 10 ** 8                   # one dollar in price units
UNIT = 10 ** 8                     # one whole base unit in size units
USDC = 10 ** 6                     # one USDC in quantums
DAY_MS = 86_400_000

# Oracle markets of the devnet (genesis/devnet.json).
BTC_USD, ETH_USD, BTC_IV, ETH_IV = 1, 2, 4, 5

# portfolio-margin.md, "Parameters": the devnet's values.
DEVNET_SETTINGS = {
    "price_range_ppm": 150_000,
    "price_steps": 3,
    "vol_move_ppm": 250_000,
    "extreme_move_ppm": 300_000,
    "extreme_cover_ppm": 350_000,
    "short_option_ppm": 10_000,
    "hedged_delta_ppm": 10_000,
    "maintenance_ppm": 600_000,
    "closeout_ppm": 20_000,
    "credits": [{"first": BTC_USD, "second": ETH_USD, "credit_ppm": 500_000}],
}


def trunc_div(a, b):
    """a / b rounded toward zero (b > 0)."""
    return a // b if a >= 0 else -((-a) // b)


# --- portfolio-margin.md, "The scan" -------------------------------------------------------------

def price_moves(settings):
    """-range ... 0 ... +range in price_steps even steps each side, each floor(range x i / steps) signed."""
    n, r = settings["price_steps"], settings["price_range_ppm"]
    return [-(r * -i // n) if i < 0 else r * i // n for i in range(-n, n + 1)]


def moved(price, move_ppm):
    """floor(price x (10^6 + move) / 10^6), at least 1 (and at most 2^64 - 1)."""
    return min(max(price * (PPM + move_ppm) // PPM, 1), UINT64_MAX)


def option_mark(spot, strike, vol, time_ms, is_call):
    """instruments.md, "Marking": (mark_wad, mark price rounded down to a price unit)."""
    wad = options.price(spot, strike, vol, time_ms, is_call)
    return wad, max(wad, 0) // PRICE_TO_WAD


def linear_pnl(positions, s):
    """Perpetuals and futures: sum of floor(size x (s - spot) / 10^10), one rounding per position."""
    return sum(p["size"] * (s - p["spot"]) // NOTIONAL_DIVISOR for p in positions if p["kind"] != "option")


def option_pnl(positions, s, vol_move_ppm, back=None):
    """Options repriced at s and vol x (1 + move): sum of floor(size x (BS - mark_wad) / 10^20).
    With `back` = (front time to expiry, move), options of any other expiry move by that instead."""
    total = 0
    for p in positions:
        if p["kind"] != "option":
            continue
        move = vol_move_ppm if back is None or p["time_to_expiry_ms"] == back[0] else back[1]
        vol = min(p["vol"] * (PPM + move) // PPM, UINT64_MAX)
        price = options.price(s, p["strike"], vol, p["time_to_expiry_ms"], p["is_call"])
        total += p["size"] * (price - p["mark_wad"]) // WAD_PER_QUANTUM
    return total


def delta(p):
    """Size units: the size of a perpetual or future; size x delta / 10^18 rounded toward zero for an option."""
    if p["kind"] != "option":
        return p["size"]
    greeks = options.evaluate(p["spot"], p["strike"], p["vol"], p["time_to_expiry_ms"], p["is_call"])
    if greeks is None:
        raise ValueError("market %d cannot be priced with the current inputs" % p["market"])
    return trunc_div(p["size"] * greeks["delta"], options.WAD)


def scan(positions, oracle, settings):
    """The scenario table of one underlying and its contingencies."""
    spot = positions[0]["spot"]
    vol_moves = [settings["vol_move_ppm"], 0, -settings["vol_move_ppm"]]
    scenarios = []
    for move in price_moves(settings):
        s = moved(spot, move)
        linear = linear_pnl(positions, s)
        for v in vol_moves:
            scenarios.append({"price_move_ppm": move, "vol_move_ppm": v, "cover_ppm": PPM,
                              "pnl": linear + option_pnl(positions, s, v)})
    for move in (-settings["extreme_move_ppm"], settings["extreme_move_ppm"]):
        s = moved(spot, move)
        pnl = linear_pnl(positions, s) + option_pnl(positions, s, 0)
        scenarios.append({"price_move_ppm": move, "vol_move_ppm": 0, "cover_ppm": settings["extreme_cover_ppm"],
                          "pnl": pnl * settings["extreme_cover_ppm"] // PPM})
    # Term structure: with options of two or more expiries, the nearest against the later ones.
    expiries = {p["time_to_expiry_ms"] for p in positions if p["kind"] == "option"}
    if len(expiries) >= 2:
        front = min(expiries)
        for v in (settings["vol_move_ppm"], -settings["vol_move_ppm"]):
            scenarios.append({"price_move_ppm": 0, "vol_move_ppm": v, "back_vol_move_ppm": -v, "cover_ppm": PPM,
                              "pnl": option_pnl(positions, spot, v, (front, -v))})
    worst = None
    for i, sc in enumerate(scenarios):
        if sc["pnl"] < 0 and (worst is None or sc["pnl"] < scenarios[worst]["pnl"]):
            worst = i
    scan_loss = -scenarios[worst]["pnl"] if worst is not None else 0
    move = scenarios[worst]["price_move_ppm"] if worst is not None else 0
    direction = (move > 0) - (move < 0)

    long_delta = short_delta = short_option = closeout = 0
    for p in positions:
        # The closeout contingency: every position, long or short, at its own price (an option's
        # unrounded mark; size units x wad / 10^20 are quantums).
        if p["kind"] == "option":
            closeout += ceil_div(abs(p["size"]) * p["mark_wad"] * settings["closeout_ppm"], 10 ** 20 * PPM)
        else:
            closeout += ceil_div(abs(p["size"]) * p["spot"] * settings["closeout_ppm"], NOTIONAL_DIVISOR * PPM)
        d = delta(p)
        if d > 0:
            long_delta += d
        else:
            short_delta -= d
        if p["kind"] == "option" and p["size"] < 0:
            short_option += ceil_div(-p["size"] * p["spot"] * settings["short_option_ppm"], NOTIONAL_DIVISOR * PPM)
    hedged = min(long_delta, short_delta)
    hedged_charge = ceil_div(hedged * spot * settings["hedged_delta_ppm"], NOTIONAL_DIVISOR * PPM)
    return {"oracle_market": oracle, "spot": spot, "scenarios": scenarios, "worst": worst, "scan_loss": scan_loss,
            "direction": direction, "long_delta": long_delta, "short_delta": short_delta,
            "hedged_delta_charge": hedged_charge, "short_option_charge": short_option, "closeout_charge": closeout}


def evaluate(positions, settings):
    """portfolio-margin.md: the scans per underlying, the spread credits, initial and maintenance."""
    held = [p for p in positions if p["size"] != 0]
    scans = []
    for oracle in sorted({p["underlying"] for p in held}):
        group = sorted((p for p in held if p["underlying"] == oracle), key=lambda p: p["market"])
        scans.append(scan(group, oracle, settings))
    left = {u["oracle_market"]: u["scan_loss"] for u in scans}
    direction = {u["oracle_market"]: u["direction"] for u in scans}
    credits = []
    for c in settings["credits"]:
        a, b = c["first"], c["second"]
        if a not in left or b not in left or direction[a] == 0 or direction[a] != -direction[b]:
            continue
        m = min(left[a], left[b])
        if m == 0:
            continue
        left[a] -= m
        left[b] -= m
        credits.append({"first": a, "second": b, "offset_loss": m, "credit": m * c["credit_ppm"] // PPM})
    scan_loss = sum(u["scan_loss"] for u in scans)
    credit_total = sum(c["credit"] for c in credits)
    contingency = sum(u["hedged_delta_charge"] + u["short_option_charge"] + u["closeout_charge"] for u in scans)
    initial = scan_loss - credit_total + contingency
    maintenance = ceil_div(initial * settings["maintenance_ppm"], PPM)
    return {"underlyings": scans, "credits": credits, "scan_loss": scan_loss, "credit_total": credit_total,
            "contingency": contingency, "initial": initial, "maintenance": maintenance}


# --- instruments.md, "Standalone requirements" (the tiers: margin.md, via liquidation.py) -----------

def standalone(p, tiers, mark_price):
    """A position's (initial, maintenance) in a cross or isolated vault; mark_price = the option's mark."""
    units = abs(p["size"])
    if p["kind"] != "option":
        notional = ceil_div(units * p["spot"], NOTIONAL_DIVISOR)
        return requirement(notional, tiers, True), requirement(notional, tiers, False)
    if p["size"] >= 0:
        value = ceil_div(units * mark_price, NOTIONAL_DIVISOR)
        return value, value
    s, k = p["spot"], p["strike"]
    otm = max(k - s, 0) if p["is_call"] else max(s - k, 0)
    im, mm = tiers[0][1] * s, tiers[0][2] * s
    per_unit = max(im - otm * PPM, mm)
    return ceil_div(units * per_unit, NOTIONAL_DIVISOR * PPM), ceil_div(units * mm, NOTIONAL_DIVISOR * PPM)


# --- the cases ------------------------------------------------------------------------------------

SPOT_BTC = 60_000 * DOLLAR
SPOT_ETH = 3_000 * DOLLAR
VOL_BTC = 60_000_000               # BTC-IV 0.6
VOL_ETH = 70_000_000               # ETH-IV 0.7
TTE = 90 * DAY_MS                  # block time 2026-12-26T08:00:00Z, expiry 2027-03-26T08:00:00Z

BTC_TIERS = [(1_000_000 * USDC, 50_000, 30_000), (5_000_000 * USDC, 100_000, 50_000), (None, 200_000, 100_000)]
ETH_TIERS = [(500_000 * USDC, 50_000, 30_000), (2_500_000 * USDC, 100_000, 50_000), (None, 200_000, 100_000)]
OPTION_TIERS = [(None, 150_000, 75_000)]


def linear(market, kind, size, underlying, spot):
    return {"market": market, "kind": kind, "size": size, "strike": 0, "is_call": False, "underlying": underlying,
            "spot": spot, "vol": 0, "time_to_expiry_ms": 0, "mark_wad": 0}


def option(market, size, strike, is_call, underlying, spot, vol, time_ms=TTE):
    wad, _ = option_mark(spot, strike, vol, time_ms, is_call)
    return {"market": market, "kind": "option", "size": size, "strike": strike, "is_call": is_call,
            "underlying": underlying, "spot": spot, "vol": vol, "time_to_expiry_ms": time_ms, "mark_wad": wad}


def hedge_size(call):
    """The BTC-PERP short that hedges a long call's delta, on BTC-PERP's step of 0.0001 (rounded to nearest)."""
    step = 10_000
    d = delta(call)
    return -((d + step // 2) // step * step)


def cases():
    call = option(6, UNIT, SPOT_BTC, True, BTC_USD, SPOT_BTC, VOL_BTC)
    return [
        ("perp_future_spread", "1 BTC-PERP long and 1 BTC-26MAR27 short at 60000 (portfolio-margin.md, example a)",
         [linear(1, "perpetual", UNIT, BTC_USD, SPOT_BTC), linear(4, "future", -UNIT, BTC_USD, SPOT_BTC)]),
        ("naked_short_call", "1 BTC-26MAR27-60000-C short at 60000, BTC-IV 0.6, 90 days to expiry (example b)",
         [option(6, -UNIT, SPOT_BTC, True, BTC_USD, SPOT_BTC, VOL_BTC)]),
        ("delta_hedged_long_call", "1 BTC-26MAR27-60000-C long, its delta sold in BTC-PERP, same inputs (example c)",
         [call, linear(1, "perpetual", hedge_size(call), BTC_USD, SPOT_BTC)]),
        ("btc_eth_credit", "1 BTC-PERP long and 20 ETH-PERP short: worst scenarios opposite, the 50% credit applies",
         [linear(1, "perpetual", UNIT, BTC_USD, SPOT_BTC), linear(2, "perpetual", -20 * UNIT, ETH_USD, SPOT_ETH)]),
        ("btc_eth_same_direction", "1 BTC-PERP long and 20 ETH-PERP long: both lose when prices fall, no credit",
         [linear(1, "perpetual", UNIT, BTC_USD, SPOT_BTC), linear(2, "perpetual", 20 * UNIT, ETH_USD, SPOT_ETH)]),
        ("calendar_spread", "1 BTC 60000 call long at 90 days and 1 short at 180 days: the term-structure scenarios move them apart",
         [option(6, UNIT, SPOT_BTC, True, BTC_USD, SPOT_BTC, VOL_BTC),
          option(20, -UNIT, SPOT_BTC, True, BTC_USD, SPOT_BTC, VOL_BTC, 2 * TTE)]),
        ("empty", "no positions: nothing required", []),
    ]


def vectors():
    settings = DEVNET_SETTINGS
    out = []
    for name, title, positions in cases():
        r = evaluate(positions, settings)
        out.append({
            "name": name,
            "title": title,
            "positions": [{"market": s(p["market"]), "kind": p["kind"], "size": s(p["size"]), "strike": s(p["strike"]),
                           "is_call": p["is_call"], "underlying": s(p["underlying"]), "spot": s(p["spot"]),
                           "vol": s(p["vol"]), "time_to_expiry_ms": s(p["time_to_expiry_ms"]), "mark_wad": s(p["mark_wad"])}
                          for p in positions],
            "underlyings": [{
                "oracle_market": s(u["oracle_market"]), "spot": s(u["spot"]),
                "scenarios": [{k: s(v) for k, v in sc.items()} for sc in u["scenarios"]],
                "scan_loss": s(u["scan_loss"]), "worst": s(u["worst"]), "direction": s(u["direction"]),
                "long_delta": s(u["long_delta"]), "short_delta": s(u["short_delta"]),
                "hedged_delta_charge": s(u["hedged_delta_charge"]), "short_option_charge": s(u["short_option_charge"]),
                "closeout_charge": s(u["closeout_charge"]),
            } for u in r["underlyings"]],
            "credits": [{k: s(v) for k, v in c.items()} for c in r["credits"]],
            "scan_loss": s(r["scan_loss"]), "credit_total": s(r["credit_total"]), "contingency": s(r["contingency"]),
            "initial": s(r["initial"]), "maintenance": s(r["maintenance"]),
        })
    return {
        "version": "1",
        "settings": {
            **{k: s(v) for k, v in settings.items() if k != "credits"},
            "credits": [{k: s(v) for k, v in c.items()} for c in settings["credits"]],
            "price_moves_ppm": [s(m) for m in price_moves(settings)],
        },
        "cases": out,
    }


# --- examples: what the documents quote ----------------------------------------------------------

def usdc(q):
    sign = "-" if q < 0 else ""
    whole, frac = divmod(abs(q), USDC)
    return sign + str(whole) + ("." + ("%06d" % frac).rstrip("0") if frac else "")


def dollars(p):
    whole, frac = divmod(p, DOLLAR)
    return str(whole) + ("." + ("%08d" % frac).rstrip("0") if frac else "")


def size_text(x):
    sign = "-" if x < 0 else ""
    whole, frac = divmod(abs(x), UNIT)
    return sign + str(whole) + ("." + ("%08d" % frac).rstrip("0") if frac else "")


def examples():
    tiers = {1: BTC_TIERS, 2: ETH_TIERS, 4: BTC_TIERS, 6: OPTION_TIERS}
    for name, title, positions in cases():
        print("== %s: %s" % (name, title))
        si = sm = 0
        for p in positions:
            mark = option_mark(p["spot"], p["strike"], p["vol"], p["time_to_expiry_ms"], p["is_call"])[1] \
                if p["kind"] == "option" else p["spot"]
            im, mm = standalone(p, tiers[p["market"]], mark)
            si, sm = si + im, sm + mm
            extra = ""
            if p["kind"] == "option":
                extra = " mark_wad %d (%s USD), delta %s" % (p["mark_wad"], dollars(mark), size_text(delta(p)))
            print("  market %d %s size %s: standalone %s / %s%s" % (p["market"], p["kind"], size_text(p["size"]),
                                                                    usdc(im), usdc(mm), extra))
        r = evaluate(positions, DEVNET_SETTINGS)
        for u in r["underlyings"]:
            print("  oracle %d at %s: scan loss %s, worst %s, direction %d, long delta %s, short delta %s, "
                  "hedged-delta %s, short-option %s, closeout %s" % (u["oracle_market"], dollars(u["spot"]), usdc(u["scan_loss"]),
                                                         u["worst"], u["direction"], size_text(u["long_delta"]),
                                                         size_text(u["short_delta"]), usdc(u["hedged_delta_charge"]),
                                                         usdc(u["short_option_charge"]), usdc(u["closeout_charge"])))
            for i, sc in enumerate(u["scenarios"]):
                print("    %2d price %+8d vol %+8d cover %7d pnl %s" % (i, sc["price_move_ppm"], sc["vol_move_ppm"],
                                                                    sc["cover_ppm"], usdc(sc["pnl"])))
        for c in r["credits"]:
            print("  credit %d/%d: offset %s, credit %s" % (c["first"], c["second"], usdc(c["offset_loss"]), usdc(c["credit"])))
        print("  standalone %s / %s; portfolio: scan %s - credits %s + contingency %s = initial %s, maintenance %s"
              % (usdc(si), usdc(sm), usdc(r["scan_loss"]), usdc(r["credit_total"]), usdc(r["contingency"]),
                 usdc(r["initial"]), usdc(r["maintenance"])))
    return 0


def main(argv):
    if len(argv) == 2 and argv[1] == "vectors":
        sys.stdout.write(json.dumps(vectors(), sort_keys=True, indent=1) + "\n")
        return 0
    if len(argv) == 2 and argv[1] == "examples":
        return examples()
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
