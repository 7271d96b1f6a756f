#!/usr/bin/env python3
"""Open-interest scaled initial margin (margin.md, "Open-interest scaling") written the way dYdX v4
states it, in exact fractions, as a reference for the node's integer formula:

    open notional  = ceil(open_interest x price / 10^10)                      USDC quantums
    scaling        = (open notional - lower) / (upper - lower), within [0, 1]
    base           = the tiers' initial requirement before rounding: sum rate_k x band_k / 10^6
    initial        = min(notional, ceil(base + scaling x (notional - base)))

(for one tier, base = rate x notional and this is dYdX's min(1, base IMF + scaling x (1 - base IMF))
x notional, rounded up once). Standard library only.

    python3 open_interest.py vectors      # print vectors/open_interest.json
"""

import json
import random
import sys
from fractions import Fraction

NOTIONAL_DIVISOR = 10 ** 10
MAX_CAP = 10 ** 24


def ceil_div(a, b):
    return -((-a) // b)


def tier_sum(notional, tiers):
    """sum rate_k x (the part of the notional in band k), tiers as [(max_notional or None, rate_ppm)]."""
    lower, total = 0, 0
    for upper, rate in tiers:
        top = notional if upper is None else min(notional, upper)
        if top > lower:
            total += (top - lower) * rate
        if upper is None or notional <= upper:
            break
        lower = upper
    return total


def initial(size_units, price, tiers, open_interest, lower, upper):
    notional = ceil_div(size_units * price, NOTIONAL_DIVISOR)
    base = Fraction(tier_sum(notional, tiers), 10 ** 6)
    if upper == 0:
        return notional, ceil_div(base.numerator, base.denominator), None
    open_notional = ceil_div(open_interest * price, NOTIONAL_DIVISOR)
    if open_notional >= upper:
        return notional, notional, open_notional
    scaling = max(Fraction(0), Fraction(open_notional - lower, upper - lower)) if upper > lower else Fraction(0)
    effective = base + scaling * (notional - base)
    return notional, min(notional, ceil_div(effective.numerator, effective.denominator)), open_notional


BTC_TIERS = [(1_000_000 * 10 ** 6, 50_000), (5_000_000 * 10 ** 6, 100_000), (None, 200_000)]
ONE_TIER = [(None, 50_000)]


def case(name, size, price, tiers, oi, lower, upper):
    notional, im, open_notional = initial(size, price, tiers, oi, lower, upper)
    return {
        "name": name,
        "size": str(size), "price": str(price),
        "tiers": [{"max_notional": "0" if u is None else str(u), "initial_ppm": r} for u, r in tiers],
        "open_interest": str(oi), "oi_lower_cap": str(lower), "oi_upper_cap": str(upper),
        "notional": str(notional),
        "open_notional": None if open_notional is None else str(open_notional),
        "initial": str(im),
    }


def vectors():
    usdc = 10 ** 6
    btc = 10 ** 8
    p60k = 60_000 * 10 ** 8
    lo, hi = 10_000_000 * usdc, 20_000_000 * usdc
    out = [
        # margin.md's worked examples.
        case("halfway_2_btc", 2 * btc, p60k, BTC_TIERS, 250 * btc, lo, hi),
        case("halfway_25_btc_second_tier", 25 * btc, p60k, BTC_TIERS, 250 * btc, lo, hi),
        case("rounding_1_btc", 1 * btc, p60k, BTC_TIERS, 200 * btc + 1, lo, hi),
        case("below_lower_cap", 2 * btc, p60k, BTC_TIERS, 100 * btc, lo, hi),
        case("just_below_lower_cap", 2 * btc, p60k, BTC_TIERS, 10_000_000 * usdc * NOTIONAL_DIVISOR // p60k, lo, hi),
        case("just_below_upper_cap", 2 * btc, p60k, BTC_TIERS, 20_000_000 * usdc * NOTIONAL_DIVISOR // p60k, lo, hi),
        case("at_upper_cap", 2 * btc, p60k, BTC_TIERS, 20_000_000 * usdc * NOTIONAL_DIVISOR // p60k + 1, lo, hi),
        case("above_upper_cap", 2 * btc, p60k, BTC_TIERS, 1_000 * btc, lo, hi),
        case("no_caps", 2 * btc, p60k, BTC_TIERS, 1_000 * btc, 0, 0),
        case("step_caps", 2 * btc, p60k, BTC_TIERS, 250 * btc, hi, hi),
        case("lower_cap_zero", 3, 1, ONE_TIER, 7, 0, 1),
        case("one_tier_dydx", 123_456_789, 3_141_592_653_589, ONE_TIER, 22_281_692_033, 5_000_000 * usdc, 9_000_000 * usdc),
        case("largest", 10 ** 18, 10 ** 18, BTC_TIERS, 10 ** 18, 0, MAX_CAP),
    ]
    rng = random.Random(38)
    for i in range(40):
        tiers = BTC_TIERS if rng.random() < 0.5 else [(None, rng.randint(1, 10 ** 6))]
        size = rng.randint(1, 10 ** rng.randint(1, 18))
        price = rng.randint(1, 10 ** rng.randint(1, 18))
        lower = rng.randint(0, 10 ** rng.randint(0, 24))
        upper = rng.randint(max(lower, 1), MAX_CAP) if rng.random() < 0.5 else min(MAX_CAP, lower + rng.randint(1, 10 ** rng.randint(0, 24)))
        if lower > upper:
            lower = upper
        # Open interest around the caps, so that most cases fall between them.
        target = rng.randint(max(0, lower - (upper - lower)), upper + (upper - lower))
        oi = min(10 ** 19, target * NOTIONAL_DIVISOR // price + rng.randint(0, 3))
        out.append(case(f"random_{i}", size, price, tiers, oi, lower, upper))
    return {"open_interest_initial": out}


if __name__ == "__main__":
    if sys.argv[1:] == ["vectors"]:
        print(json.dumps(vectors(), indent=2))
    else:
        print(__doc__)
        sys.exit(2)
