#!/usr/bin/env python3
"""The liquidation formulas of liquidation.md and insurance-and-adl.md, written from those
documents alone (Python 3, standard library only).

    python3 liquidation.py vectors      # print vectors/liquidation.json
    python3 liquidation.py records      # the state records of a worked example, in hex
    python3 liquidation.py wire         # a signed `liquidate` (imports solvent_client.py: needs `cryptography`)

Every value is an integer in protocol units: USDC quantums (10^-6 USDC), size units (10^-8 of
the base asset), price units (10^-8 USD), rates in ppm. Python integers are exact, so every
product is taken in full before its one division, as the documents ask.

The model of a vault is the one the vectors use: one position (`position_size` at
`oracle_price`) with the vault's signed USDC `quote`, plus whatever else the vault holds, given
as two numbers that a liquidation of this position does not change: `other_equity` (the other
positions' values, the collateral values, minus the unsettled funding) and `other_maintenance`
(the other positions' maintenance requirements). The book is a list of resting orders on the
side the liquidation trades against, best first, each [price, size]; every maker is assumed to
pass its margin check. The ADL queue is the list of the sizes the counterparties hold, in queue
order.
"""

import json
import sys

NOTIONAL_DIVISOR = 10 ** 10  # size units x price units -> USDC quantums
PPM = 10 ** 6


def ceil_div(a, b):
    """a / b rounded toward plus infinity (b > 0)."""
    return -((-a) // b)


# --- margin.md ----------------------------------------------------------------------------------

def requirement(notional, tiers, initial=False):
    """Progressive tiers, one rounding up at the end. tiers: [(max_notional or None, initial_ppm, maintenance_ppm)]."""
    lower, total = 0, 0
    for upper, initial_ppm, maintenance_ppm in tiers:
        rate = initial_ppm if initial else maintenance_ppm
        top = notional if upper is None else min(notional, upper)
        if notional > lower:
            total += (top - lower) * rate
        if upper is None or notional <= upper:
            break
        lower = upper
    return ceil_div(total, PPM)


def notional(size, price):
    return ceil_div(abs(size) * price, NOTIONAL_DIVISOR)


def value(size, price):
    return (size * price) // NOTIONAL_DIVISOR


# --- liquidation.md -----------------------------------------------------------------------------

def backstop_price(oracle, long, discount_ppm, tick):
    """The keeper's price: below the oracle for a long (rounded up to the tick), above for a short (down)."""
    if long:
        steps = ceil_div(oracle * (PPM - discount_ppm), PPM * tick)
    else:
        steps = (oracle * (PPM + discount_ppm)) // (PPM * tick)
    return max(steps, 1) * tick


def fee_before_cap(delta, oracle, s):
    """min(ceil(ceil(delta x oracle / 10^10) x fee_ppm / 10^6), max_fee)."""
    return min(ceil_div(notional(delta, oracle) * s["fee_ppm"], PPM), s["max_fee"])


def slippage(delta, oracle, backstop):
    return ceil_div(delta * abs(oracle - backstop), NOTIONAL_DIVISOR)


def maintenance_after(v, delta):
    """The vault's maintenance requirement with `delta` of the position closed."""
    left = abs(v["position_size"]) - delta
    return v["other_maintenance"] + requirement(notional(left, v["oracle_price"]), v["tiers"])


def restores(v, s, delta, backstop):
    cost = fee_before_cap(delta, v["oracle_price"], s) + slippage(delta, v["oracle_price"], backstop)
    if v["equity"] <= cost:
        return False
    return (v["equity"] - cost) * PPM >= (PPM + s["buffer_ppm"]) * maintenance_after(v, delta)


def close_size(v, s):
    """The bisection of liquidation.md, "Size"."""
    whole = abs(v["position_size"])
    if v["equity"] <= 0:
        return whole
    long = v["position_size"] > 0
    backstop = backstop_price(v["oracle_price"], long, s["backstop_discount_ppm"], v["tick_size"])
    step = v["step_size"]
    lo, hi = 1, whole // step
    if hi < 1 or not restores(v, s, hi * step, backstop):
        return whole
    while lo < hi:
        mid = lo + (hi - lo) // 2
        if restores(v, s, mid * step, backstop):
            hi = mid
        else:
            lo = mid + 1
    return lo * step


def close_size_by_scan(v, s):
    """The same, by trying every step in turn (a check on the bisection; slow for big positions)."""
    whole = abs(v["position_size"])
    if v["equity"] <= 0:
        return whole
    long = v["position_size"] > 0
    backstop = backstop_price(v["oracle_price"], long, s["backstop_discount_ppm"], v["tick_size"])
    step = v["step_size"]
    if whole // step < 1 or not restores(v, s, (whole // step) * step, backstop):
        return whole
    for k in range(1, whole // step + 1):
        if restores(v, s, k * step, backstop):
            return k * step
    return whole


def cap_size(v, s, used_this_block):
    cap = min(s["max_position_notional_per_block"], max(s["max_vault_notional_per_block"] - used_this_block, 0))
    return (cap * NOTIONAL_DIVISOR // v["oracle_price"]) // v["step_size"] * v["step_size"]


def equity_share(v, delta):
    released = v["maintenance"] - maintenance_after(v, delta)
    return (v["equity"] * released) // v["maintenance"]


def bankruptcy_price(v, delta):
    share = equity_share(v, delta)
    per_unit = (share * NOTIONAL_DIVISOR) // delta
    oracle, tick = v["oracle_price"], v["tick_size"]
    if v["position_size"] > 0:
        on_tick = ceil_div(oracle - per_unit, tick) * tick
    else:
        on_tick = ((oracle + per_unit) // tick) * tick
    highest = (2 ** 64 - 1) // tick * tick
    return min(max(on_tick, tick), highest)


def bankruptcy_quote(size, planned, share, oracle, long):
    """What closing `size` of a planned close must bring to leave the vault its share: the least a
    long must receive, the most a short may pay. Rounded in the fund's favour."""
    part = ceil_div(share * size, planned)
    if long:
        return size * oracle // NOTIONAL_DIVISOR - part
    return ceil_div(size * oracle, NOTIONAL_DIVISOR) + part


def surplus(long, quote, size, planned, share, oracle):
    """What closing `size` for `quote` beat the bankruptcy quote by (negative: a deficit)."""
    due = bankruptcy_quote(size, planned, share, oracle, long)
    return quote - due if long else due - quote


def split_in_proportion(units, weights, caps):
    """insurance-and-adl.md, "Socialized loss": floor(units x w / total) each, then the units left
    one by one to the largest remainders (ties in list order, which is vault key order), never
    beyond a cap; a second pass if a cap stopped the first."""
    total = sum(weights)
    if total == 0 or units == 0:
        return [0] * len(weights)
    parts = [units * w // total for w in weights]
    remainders = [units * w % total for w in weights]
    left = units - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for _ in range(2):
        for i in order:
            if left > 0 and parts[i] < caps[i]:
                parts[i] += 1
                left -= 1
    return parts


def split_amount(amount, sizes):
    """A deficit shared in proportion to sizes, to the quantum (largest remainders, ties in order)."""
    total = sum(sizes)
    if total == 0:
        return [0] * len(sizes)
    parts = [amount * x // total for x in sizes]
    remainders = [amount * x % total for x in sizes]
    left = amount - sum(parts)
    for i in sorted(range(len(sizes)), key=lambda i: (-remainders[i], i)):
        if left > 0:
            parts[i] += 1
            left -= 1
    return parts


def trading_fee_to_fund(quote, fee_ppm, share_ppm):
    fee = ceil_div(quote * fee_ppm, PPM)
    return fee, fee * share_ppm // PPM


def liquidate(case):
    """The whole transaction on the vector model; returns the outputs."""
    s = case["settings"]
    v = dict(case["vault"])
    size, oracle = v["position_size"], v["oracle_price"]
    long = size > 0
    v["equity"] = v["quote"] + value(size, oracle) + v["other_equity"]
    v["maintenance"] = requirement(notional(size, oracle), v["tiers"]) + v["other_maintenance"]
    assert 0 < v["maintenance"] and v["equity"] < v["maintenance"], "the vault is not liquidatable"

    needed = close_size(v, s)
    if abs(size) // v["step_size"] <= 20_000:
        assert needed == close_size_by_scan(v, s), "bisection and scan disagree"
    planned = min(needed, cap_size(v, s, case["vault_notional_used_this_block"]))
    assert planned > 0, "liquidation_cap_reached"
    bankruptcy = bankruptcy_price(v, planned)
    share = equity_share(v, planned)
    backstop = backstop_price(oracle, long, s["backstop_discount_ppm"], v["tick_size"])
    fund = case["fund_before"]
    quote = v["quote"]

    # The book, wherever it beats the keeper's backstop price; the liquidation pays no taker fee,
    # the makers pay theirs (the fund takes its share). A fill beyond the bankruptcy price leaves a
    # deficit, so such fills go only as far as the deficit budget (the fund as it was before the
    # book, plus what earlier fills beat the bankruptcy price by) pays for, in whole steps.
    unit_deficit = bankruptcy - backstop if long else backstop - bankruptcy
    budget = case["fund_before"]
    remaining, book_quote = planned, 0
    for price, available in case["book"]:
        if remaining == 0 or (price < backstop if long else price > backstop):
            break
        fill = min(remaining, available)
        if unit_deficit > 0:
            loss = bankruptcy - price if long else price - bankruptcy
            if loss > 0:
                fill = min(fill, budget * NOTIONAL_DIVISOR // loss // v["step_size"] * v["step_size"])
                if fill == 0:
                    break
                budget -= ceil_div(fill * loss, NOTIONAL_DIVISOR)
            else:
                budget += fill * -loss // NOTIONAL_DIVISOR
        q = fill * price // NOTIONAL_DIVISOR
        _, to_fund = trading_fee_to_fund(q, case["maker_fee_ppm"], case["insurance_fee_share_ppm"])
        fund += to_fund
        remaining -= fill
        book_quote += q
        quote += q if long else -q
    book_size = planned - remaining
    book_surplus = surplus(long, book_quote, book_size, planned, share, oracle)

    # The keeper's backstop, as far as the fund (as it was before the book) and the book's surplus
    # (negative: its deficit) can pay the deficit it leaves.
    backstop_size = remaining
    if unit_deficit > 0 and remaining > 0:
        budget = max(case["fund_before"] + book_surplus, 0)
        affordable = budget * NOTIONAL_DIVISOR // unit_deficit
        backstop_size = min(remaining, affordable // v["step_size"] * v["step_size"])
    backstop_quote = backstop_size * backstop // NOTIONAL_DIVISOR
    quote += backstop_quote if long else -backstop_quote
    remaining -= backstop_size

    # Auto-deleveraging at the bankruptcy price, in queue order.
    adl_size, adl_quote = 0, 0
    for held in case["adl_queue"]:
        if remaining == 0:
            break
        take = min(remaining, held)
        q = take * bankruptcy // NOTIONAL_DIVISOR
        adl_size += take
        adl_quote += q
        remaining -= take
    quote += adl_quote if long else -adl_quote

    # Socialized loss: what nobody took, split among every other position on the other side in
    # proportion to its size, in whole steps (largest remainders, ties in vault key order), at the
    # oracle price.
    shares = split_in_proportion(remaining // v["step_size"], [h // v["step_size"] for h in case["other_side"]],
                                 caps=[h // v["step_size"] for h in case["other_side"]])
    shares = [x * v["step_size"] for x in shares]
    socialized_size = sum(shares)
    socialized_quote = sum(x * oracle // NOTIONAL_DIVISOR for x in shares)
    quote += socialized_quote if long else -socialized_quote
    remaining -= socialized_size
    closed = book_size + backstop_size + adl_size + socialized_size
    assert closed > 0, "invalid_liquidation: nothing could be closed"

    excess = surplus(long, book_quote + backstop_quote + adl_quote + socialized_quote, closed, planned, share, oracle)
    closed_notional = notional(closed, oracle)
    fee = deficit_paid = 0
    if excess >= 0:
        fee = min(fee_before_cap(closed, oracle, s), excess)
        quote -= fee
    else:
        deficit_paid = min(-excess, fund)
        fund -= deficit_paid
        quote += deficit_paid
    # The deficit the fund could not pay is shared by those who took the rest, to the quantum.
    socialized_loss = -excess - deficit_paid if socialized_size > 0 and excess < 0 else 0
    losses = split_amount(socialized_loss, shares)
    quote += socialized_loss
    deficit_deleveraged = adl_size * unit_deficit // NOTIONAL_DIVISOR if unit_deficit > 0 else 0
    # The bounty: from the fee, then from the rest of the surplus; never from the fund.
    promised = min(s["keeper_tip"] + fee * s["keeper_share_ppm"] // PPM, s["max_bounty"])
    from_fee = min(promised, fee)
    from_vault = min(promised - from_fee, excess - fee if excess > 0 else 0)
    bounty = from_fee + from_vault
    quote -= from_vault
    fund += fee - from_fee

    left = size - closed if long else size + closed
    after = dict(v, position_size=left)
    maintenance_left = requirement(notional(left, oracle), v["tiers"]) + v["other_maintenance"]
    return {
        "equity": v["equity"], "maintenance": v["maintenance"],
        "needed_size": needed, "planned_size": planned,
        "bankruptcy_price": bankruptcy, "backstop_price": backstop,
        "book_size": book_size, "book_quote": book_quote, "backstop_size": backstop_size, "backstop_quote": backstop_quote,
        "adl_size": adl_size, "adl_quote": adl_quote, "socialized_size": socialized_size, "socialized_loss": socialized_loss,
        "socialized": [[x, loss] for x, loss in zip(shares, losses)],
        "closed_size": closed, "closed_notional": closed_notional,
        "surplus": excess, "fee": fee, "bounty": bounty, "deficit_paid": deficit_paid,
        "deficit_deleveraged": deficit_deleveraged, "fund_after": fund,
        "quote_after": quote, "position_after": left,
        "equity_after": quote + value(left, oracle) + v["other_equity"], "maintenance_after": maintenance_left,
    }


# --- insurance-and-adl.md -----------------------------------------------------------------------

def adl_standing(p):
    """profit, leverage and score in ppm, and whether the position is in the queue."""
    val = value(p["size"], p["oracle_price"])
    pnl = val - p["cost_basis"]
    basis = abs(p["cost_basis"])
    profit = (pnl * PPM) // basis if basis > 0 else 0
    n = notional(p["size"], p["oracle_price"])
    equity = p["equity"]
    leverage = (n * PPM) // equity if equity > 0 else 0
    eligible = pnl > 0 and equity > 0
    score = (profit * leverage) // PPM if eligible else 0
    return {"unrealized_pnl": pnl, "notional": n, "profit_ppm": profit, "leverage_ppm": leverage, "score_ppm": score,
            "eligible": eligible}


def adl_ranking(positions):
    """The queue (score down, then vault key up) with ranks 5 - floor(5 i / n), then the rest in key order."""
    standings = [dict(p, **adl_standing(p)) for p in positions]
    queue = sorted((x for x in standings if x["eligible"]), key=lambda x: (-x["score_ppm"], bytes.fromhex(x["vault_key"])))
    n = len(queue)
    for i, x in enumerate(queue):
        x["rank"] = 5 - (5 * i) // n
    rest = sorted((x for x in standings if not x["eligible"]), key=lambda x: bytes.fromhex(x["vault_key"]))
    for x in rest:
        x["rank"] = 0
    return queue + rest


# --- vectors ------------------------------------------------------------------------------------

USD = 10 ** 6            # one USDC in quantums
BTC = 10 ** 8            # one BTC in size units
DOLLAR = 10 ** 8         # one dollar in price units
BTC_TIERS = [(1_000_000 * USD, 50_000, 30_000), (5_000_000 * USD, 100_000, 50_000), (None, 200_000, 100_000)]
DEVNET = {
    "fee_ppm": 5_000, "max_fee": 50_000 * USD, "keeper_tip": 1 * USD, "keeper_share_ppm": 200_000,
    "max_bounty": 5_000 * USD, "buffer_ppm": 100_000, "max_position_notional_per_block": 2_000_000 * USD,
    "max_vault_notional_per_block": 5_000_000 * USD, "backstop_discount_ppm": 5_000,
}
# The common setup of LiquidationTests.swift: dev0 bought 2 BTC at 60,000 as taker with 10,000
# USDC (quote -110,060); the fund holds 42 USDC (half of the 84 of trading fees).
DEV0_QUOTE = -110_060 * USD


def btc_case(name, title, quote, size, price, fund, book=(), adl=(), settings=None, used=0, other_equity=0,
             other_maintenance=0, other_side=()):
    return {
        "name": name, "title": title,
        "vault": {"quote": quote, "position_size": size, "oracle_price": price, "other_equity": other_equity,
                  "other_maintenance": other_maintenance, "tiers": BTC_TIERS, "step_size": 10_000, "tick_size": DOLLAR},
        "settings": dict(DEVNET, **(settings or {})),
        "vault_notional_used_this_block": used,
        "fund_before": fund, "maker_fee_ppm": 200, "insurance_fee_share_ppm": 500_000,
        "book": [list(level) for level in book], "adl_queue": list(adl), "other_side": list(other_side),
    }


def liquidation_cases():
    cases = [
        btc_case("book_long_partial",
                 "LiquidationTests closesAgainstTheBookJustEnoughToRestoreTheBuffer: 2 BTC long at 56,000, a bid of 2 at 55,950",
                 DEV0_QUOTE, 2 * BTC, 56_000 * DOLLAR, 42 * USD, book=[(55_950 * DOLLAR, 2 * BTC)]),
        btc_case("backstop_long_partial",
                 "LiquidationTests keeperTakesOverWhatTheBookCannot: the same vault, an empty book",
                 DEV0_QUOTE, 2 * BTC, 56_000 * DOLLAR, 42 * USD),
        btc_case("cap_long_first_block",
                 "LiquidationTests perBlockCapsLimitTheClose: max_position_notional_per_block 28,000 USDC",
                 DEV0_QUOTE, 2 * BTC, 56_000 * DOLLAR, 42 * USD, settings={"max_position_notional_per_block": 28_000 * USD}),
        btc_case("cap_long_next_block",
                 "the vault of cap_long_first_block in the next block (quote -110,060 + 27,860 - 140)",
                 -82_340 * USD, 150_000_000, 56_000 * DOLLAR, 153 * USD, settings={"max_position_notional_per_block": 28_000 * USD}),
        btc_case("vault_cap_binds",
                 "the backstop_long_partial vault after 50,000 USDC of other liquidations in this block (vault cap 60,000)",
                 DEV0_QUOTE, 2 * BTC, 56_000 * DOLLAR, 42 * USD, settings={"max_vault_notional_per_block": 60_000 * USD},
                 used=50_000 * USD),
        btc_case("book_then_backstop_long",
                 "the backstop_long_partial vault with a bid of 0.5 BTC at 55,800: the book first, the keeper the rest",
                 DEV0_QUOTE, 2 * BTC, 56_000 * DOLLAR, 42 * USD, book=[(55_800 * DOLLAR, 50_000_000)]),
        btc_case("bankrupt_fund_pays",
                 "LiquidationTests bankruptVaultsDeficitIsPaidByTheFund: a gap to 54,000, fund 100,042",
                 DEV0_QUOTE, 2 * BTC, 54_000 * DOLLAR, 100_042 * USD),
        btc_case("bankrupt_adl",
                 "LiquidationTests whatTheFundCannotCoverIsDeleveraged: a gap to 54,000, fund 42, dev1 short 2 BTC",
                 DEV0_QUOTE, 2 * BTC, 54_000 * DOLLAR, 42 * USD, adl=[2 * BTC]),
        btc_case("thin_equity_fund_pays",
                 "2 BTC long at 56,000 with 400 USDC of equity: thinner than the keeper's discount, so the fund pays 160",
                 -111_600 * USD, 2 * BTC, 56_000 * DOLLAR, 1_000 * USD),
        btc_case("bankrupt_off_tick",
                 "equity -2,061: the bankruptcy price 55,030.5 rounds up to the tick 55,031 for the book, but the deficit is the exact 2,601",
                 -110_061 * USD, 2 * BTC, 54_000 * DOLLAR, 100_042 * USD),
        btc_case("bankrupt_book_beats_backstop",
                 "0.1 BTC long, quote -5,100, oracle 50,000 (bankruptcy 51,000, backstop 49,750), a bid at 50,490: the book, not the keeper; the fund pays 51",
                 -5_100 * USD, 10_000_000, 50_000 * DOLLAR, 1_000 * USD, book=[(50_490 * DOLLAR, 1 * BTC)]),
        btc_case("bankrupt_book_at_49900",
                 "the same vault with the bid at 49,900: still better for the fund than the keeper's 49,750; the fund pays 110",
                 -5_100 * USD, 10_000_000, 50_000 * DOLLAR, 1_000 * USD, book=[(49_900 * DOLLAR, 1 * BTC)]),
        btc_case("bankrupt_book_fund_bound",
                 "the same vault and bid at 50,490 with a fund of 20: the book takes 0.0392 BTC, what the fund can pay for; the rest is deleveraged",
                 -5_100 * USD, 10_000_000, 50_000 * DOLLAR, 20 * USD, book=[(50_490 * DOLLAR, 1 * BTC)], adl=[1 * BTC]),
        btc_case("socialized_loss",
                 "a gap to 54,000 under dev0's 2 BTC long with a fund of 42, an empty book and no short in profit: the fund covers 0.0323 BTC of backstop, three shorts of 1, 0.7 and 0.3 BTC (opened under 54,000, so out of the ADL queue) take the other 1.9677 in proportion at 54,000 and share the 2,026.721 of deficit the fund's 42 does not cover",
                 DEV0_QUOTE, 2 * BTC, 54_000 * DOLLAR, 42 * USD, other_side=[100_000_000, 70_000_000, 30_000_000]),
        btc_case("short_book_better_than_backstop",
                 "a short of 1 BTC from 60,000 with 4,000 USDC, oracle 63,000; asks at 63,100 and 63,200",
                 63_970 * USD, -1 * BTC, 63_000 * DOLLAR, 500 * USD,
                 book=[(63_100 * DOLLAR, 30_000_000), (63_200 * DOLLAR, 50_000_000)]),
        btc_case("short_backstop_only",
                 "the same short with an empty book",
                 63_970 * USD, -1 * BTC, 63_000 * DOLLAR, 500 * USD),
        btc_case("short_bankrupt_fund_short",
                 "a short of 3 BTC at equity -500: the fund's 40 USDC covers 0.0826 BTC, 0.4 BTC is deleveraged against two longs, the rest stays",
                 190_000 * USD, -3 * BTC, 63_500 * DOLLAR, 40 * USD, adl=[30_000_000, 10_000_000]),
        btc_case("tier1_long",
                 "a 30 BTC long at 56,000 (notional 1,680,000: tier 1, the second), equity 50,000",
                 -1_630_000 * USD, 30 * BTC, 56_000 * DOLLAR, 42 * USD),
        btc_case("tier2_long_capped",
                 "a 100 BTC long at 56,000 (notional 5,600,000: tier 2, the third), equity 150,000; the 2,000,000 USDC position cap binds",
                 -5_450_000 * USD, 100 * BTC, 56_000 * DOLLAR, 42 * USD),
        btc_case("cross_vault_share",
                 "1 BTC long at 56,000 in a cross vault whose other positions require 1,000 USDC: the equity is shared",
                 -54_000 * USD, 1 * BTC, 56_000 * DOLLAR, 42 * USD, other_maintenance=1_000 * USD),
        btc_case("whole_no_size_restores",
                 "1 BTC long at 56,000 with 800 USDC of equity whose other positions require 3,000: no partial close restores the buffer",
                 -55_200 * USD, 1 * BTC, 56_000 * DOLLAR, 42 * USD, other_maintenance=3_000 * USD),
        btc_case("zero_equity_adl_exhausted",
                 "2 BTC long at 55,030 with equity exactly 0, fund 42, nobody to deleverage; a bid of 1 at 55,000 beats the keeper's 54,755: the book takes it for a deficit of 30, the keeper 0.0436 with the fund's other 12",
                 DEV0_QUOTE, 2 * BTC, 55_030 * DOLLAR, 42 * USD, book=[(55_000 * DOLLAR, 1 * BTC)]),
    ]
    return cases


def adl_cases():
    def key(owner_byte, number):
        return (bytes([owner_byte]) * 32 + number.to_bytes(4, "big")).hex()

    return [
        {"name": "adl_worked_example",
         "title": "insurance-and-adl.md: dev1 short 2 BTC from 60,000, equity 111,976, oracle 54,000",
         "positions": [{"label": "dev1", "vault_key": (DEV1 + (0).to_bytes(4, "big")).hex(), "size": -2 * BTC, "cost_basis": -120_000 * USD,
                        "equity": 111_976 * USD, "oracle_price": 54_000 * DOLLAR}]},
        {"name": "adl_queue_of_six",
         "title": "the shorts of one market at 54,000: four in profit (two with equal scores), one at a loss, one in profit with negative equity",
         "positions": [
             {"label": "a", "vault_key": key(0x10, 0), "size": -1 * BTC, "cost_basis": -60_000 * USD,
              "equity": 20_000 * USD, "oracle_price": 54_000 * DOLLAR},
             {"label": "b", "vault_key": key(0x20, 0), "size": -50_000_000, "cost_basis": -29_000 * USD,
              "equity": 3_000 * USD, "oracle_price": 54_000 * DOLLAR},
             {"label": "c", "vault_key": key(0x30, 1), "size": -1 * BTC, "cost_basis": -60_000 * USD,
              "equity": 20_000 * USD, "oracle_price": 54_000 * DOLLAR},
             {"label": "d", "vault_key": key(0x05, 0), "size": -4 * BTC, "cost_basis": -220_000 * USD,
              "equity": 500_000 * USD, "oracle_price": 54_000 * DOLLAR},
             {"label": "e", "vault_key": key(0x40, 0), "size": -1 * BTC, "cost_basis": -50_000 * USD,
              "equity": 10_000 * USD, "oracle_price": 54_000 * DOLLAR},
             {"label": "f", "vault_key": key(0x50, 0), "size": -30_000_000, "cost_basis": -18_000 * USD,
              "equity": -100 * USD, "oracle_price": 54_000 * DOLLAR},
         ]},
    ]


def s(x):
    """Integers as decimal strings (the vectors' one number format)."""
    return str(x)


def vectors():
    liquidations = []
    for case in liquidation_cases():
        out = liquidate(case)
        v, st = case["vault"], case["settings"]
        row = {"name": case["name"], "title": case["title"]}
        for k in ("quote", "position_size", "oracle_price", "other_equity", "other_maintenance", "step_size", "tick_size"):
            row[k] = s(v[k])
        row["tiers"] = [[None if upper is None else s(upper), s(i), s(m)] for upper, i, m in v["tiers"]]
        for k in DEVNET:
            row[k] = s(st[k])
        row["vault_notional_used_this_block"] = s(case["vault_notional_used_this_block"])
        row["fund_before"] = s(case["fund_before"])
        row["maker_fee_ppm"] = s(case["maker_fee_ppm"])
        row["insurance_fee_share_ppm"] = s(case["insurance_fee_share_ppm"])
        row["book"] = [[s(p), s(q)] for p, q in case["book"]]
        row["adl_queue"] = [s(q) for q in case["adl_queue"]]
        row["other_side"] = [s(q) for q in case["other_side"]]
        for k, x in out.items():
            row[k] = [[s(a), s(b)] for a, b in x] if k == "socialized" else s(x)
        liquidations.append(row)
    rankings = []
    for case in adl_cases():
        ranked = adl_ranking(case["positions"])
        rows = []
        for p in case["positions"]:
            r = next(x for x in ranked if x["label"] == p["label"])
            rows.append({"label": p["label"], "vault_key": p["vault_key"], "size": s(p["size"]), "cost_basis": s(p["cost_basis"]),
                         "equity": s(p["equity"]), "oracle_price": s(p["oracle_price"]),
                         "unrealized_pnl": s(r["unrealized_pnl"]), "notional": s(r["notional"]),
                         "profit_ppm": s(r["profit_ppm"]), "leverage_ppm": s(r["leverage_ppm"]), "score_ppm": s(r["score_ppm"]),
                         "in_queue": r["eligible"], "rank": s(r["rank"])})
        rankings.append({"name": case["name"], "title": case["title"], "positions": rows,
                         "order": [x["label"] for x in ranked]})
    return {"version": "1", "liquidations": liquidations, "adl_rankings": rankings, "records": records(), "transaction": wire()}


# --- state records and the transaction (insurance-and-adl.md, "State"; liquidation.md) -----------

def le(v, n):
    return v.to_bytes(n, "little", signed=v < 0)


def settings_bytes(st):
    """The liquidation_set_config payload; the `protocol` record is the version byte 01 and this."""
    return (le(st["fee_ppm"], 4) + le(st["max_fee"], 16) + le(st["keeper_tip"], 16) + le(st["keeper_share_ppm"], 4)
            + le(st["max_bounty"], 16) + le(st["buffer_ppm"], 4) + le(st["max_position_notional_per_block"], 16)
            + le(st["max_vault_notional_per_block"], 16) + le(st["backstop_discount_ppm"], 4))


def insurance_stats_bytes(seeded, trading, liquidation, bounties, deficits, deleveraged, log_count):
    return b"\x01" + b"".join(le(x, 16) for x in (seeded, trading, liquidation, bounties, deficits, deleveraged)) + le(log_count, 8)


def insurance_log_bytes(height, flow, amount, balance_after, owner, vault, market):
    return b"\x01" + le(height, 8) + bytes([flow]) + le(amount, 16) + le(balance_after, 16) + owner + le(vault, 4) + le(market, 4)


def liquidation_mark_bytes(height, notional_closed, markets):
    return b"\x01" + le(height, 8) + le(notional_closed, 16) + le(len(markets), 2) + b"".join(le(m, 4) for m in markets)


DEV0 = bytes.fromhex("6cfe016f6fa4d62e45c02a2d746b994abcebe7c3a1ceba6409bc6cf61e2cd2fc")
DEV1 = bytes.fromhex("aeb385dd7cba4eef9922907978cb73c2d26bef05bc3e6574f0ebfe593cf39c54")


def records():
    """The records of the worked example "the fund pays a deficit" (block 8 of LiquidationTests)."""
    vault_key = DEV0 + (0).to_bytes(4, "big")
    return {
        "liquidation_settings (protocol)": (b"\x01" + settings_bytes(DEVNET)).hex(),
        "insurance_fund (protocol)": (b"\x01" + le(97_442 * USD, 16)).hex(),
        "insurance_stats (protocol)": insurance_stats_bytes(100_000 * USD, 42 * USD, 0, 0, 2_600 * USD, 0, 1).hex(),
        "insurance_log key 0": (0).to_bytes(8, "big").hex(),
        "insurance_log 0": insurance_log_bytes(8, 3, 2_600 * USD, 97_442 * USD, DEV0, 0, 1).hex(),
        "liquidation_marks key": vault_key.hex(),
        "liquidation_marks": liquidation_mark_bytes(8, 108_000 * USD, [1]).hex(),
        "market_positions key (dev1 short BTC-PERP)": ((1).to_bytes(4, "big") + b"\x01" + DEV1 + (0).to_bytes(4, "big")).hex(),
    }


def wire():
    """dev3 liquidates dev0's vault 0 in BTC-PERP into its vault 0, nonce 1 (needs solvent_client.py and `cryptography`)."""
    import solvent_client as client
    seed = client.dev_key("dev/3")
    payload = DEV0 + le(0, 4) + le(1, 4) + le(0, 4)
    body = client.encode_body("solvent-devnet-1", client.public_key(seed), 1, 48, payload)
    signed, signature, tx_hash = client.sign(seed, body)
    return {"payload": payload.hex(), "unsigned_body": body.hex(), "signature": signature.hex(), "hash": tx_hash.hex(),
            "body_bytes": len(body), "signed_bytes": len(signed)}


def main(argv):
    if len(argv) == 2 and argv[1] == "vectors":
        sys.stdout.write(json.dumps(vectors(), sort_keys=True, indent=1) + "\n")
        return 0
    if len(argv) == 2 and argv[1] == "records":
        sys.stdout.write(json.dumps(records(), indent=1) + "\n")
        return 0
    if len(argv) == 2 and argv[1] == "wire":
        sys.stdout.write(json.dumps(wire(), indent=1) + "\n")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
