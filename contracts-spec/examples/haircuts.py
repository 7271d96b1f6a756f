#!/usr/bin/env python3
"""Dynamic collateral haircuts (haircuts.md): the begin-block update of one asset's rule, written
from the spec as a reference for the node. The natural log is options.md's `ln_q96` (imported from
options.py, so both sides compute the same bits); everything else is integer arithmetic here.

    python3 haircuts.py vectors      # print vectors/haircuts.json
    python3 haircuts.py example      # print the worked examples of haircuts.md, block by block
"""

import json
import math
import random
import sys

from options import ln_q96, to_wad

WAD = 10 ** 18
YEAR_MS = 31_536_000_000
HOUR_MS = 3_600_000
MAX_SAMPLE_VARIANCE = 10 ** 24


def ceil_div(a, b):
    return -((-a) // b)


def volatility_of(variance):
    """sigma in ppm: ceil(sqrt(ceil(variance / 10^6)))."""
    v = ceil_div(variance, 10 ** 6)
    root = math.isqrt(v)
    return root if root * root == v else root + 1


def update(rule, floor, time, sample):
    """One begin-block step. `rule` is a dict (haircuts.md, "The rule"); `sample` the usable price
    (realized) or volatility feed value (implied) at `time`, or None when it is stale or missing."""
    r = dict(rule)
    # 1. Volatility.
    if sample is not None:
        if r["vol_market"] != 0:
            r["volatility_ppm"] = ceil_div(sample, 100)
        elif r["last_price"] == 0:
            r["last_price"], r["sampled_at_ms"] = sample, time
        elif time > r["sampled_at_ms"]:
            elapsed = time - r["sampled_at_ms"]
            ret = to_wad(ln_q96(sample, r["last_price"]))
            squared = ret * ret // WAD
            x = min(MAX_SAMPLE_VARIANCE, squared * YEAR_MS // elapsed)
            w = r["window_ms"]
            d = min(elapsed, w)
            r["variance"] = (r["variance"] * (w - d) + x * d) // w
            r["volatility_ppm"] = volatility_of(r["variance"])
            r["last_price"], r["sampled_at_ms"] = sample, time
    # 2. Target.
    r["target_ppm"] = min(r["cap_ppm"], max(floor, ceil_div(r["volatility_ppm"] * r["scale_ppm"], 10 ** 6)))
    # 3. Move at the bounded rate.
    gap = abs(r["target_ppm"] - r["haircut_ppm"])
    if gap == 0:
        r["moved_at_ms"] = time
    else:
        allowed = min(r["step_ppm"], r["rate_ppm_per_hour"] * (time - r["moved_at_ms"]) // HOUR_MS)
        move = min(allowed, gap)
        r["haircut_ppm"] += move if r["target_ppm"] > r["haircut_ppm"] else -move
        if move == gap or allowed == r["step_ppm"]:
            r["moved_at_ms"] = time
        else:
            # Rate-limited: the time the move used is spent, the remainder (less than one ppm's
            # worth) carries to the next block.
            r["moved_at_ms"] += ceil_div(move * HOUR_MS, r["rate_ppm_per_hour"])
    return r


def new_rule(floor, time, vol_market, window_ms, scale_ppm, cap_ppm, rate_ppm_per_hour, step_ppm):
    return {"vol_market": vol_market, "window_ms": window_ms, "scale_ppm": scale_ppm, "cap_ppm": cap_ppm,
            "rate_ppm_per_hour": rate_ppm_per_hour, "step_ppm": step_ppm, "haircut_ppm": floor, "target_ppm": floor,
            "volatility_ppm": 0, "variance": 0, "last_price": 0, "sampled_at_ms": time, "moved_at_ms": time}


T0 = 1_767_225_600_000
BTC = 60_000 * 10 ** 8


def implied_example():
    """haircuts.md, "Example: an implied-volatility spike" (BTC on BTC-IV)."""
    rule = new_rule(100_000, T0, 4, 0, 200_000, 500_000, 360_000, 5_000)
    steps = [(T0 + 1_000, 60_000_000), (T0 + 2_000, 150_000_000), (T0 + 62_000, 150_000_000),
             (T0 + 63_000, 150_000_000), (T0 + 3_663_000, None), (T0 + 3_723_000, 150_000_000),
             (T0 + 7_323_000, 60_000_000), (T0 + 7_324_000, 60_000_000)]
    return "implied_spike", 100_000, rule, steps


def realized_example():
    """haircuts.md, "Example: realized volatility" (ETH on its own price, a one-hour window)."""
    rule = new_rule(150_000, T0, 0, 3_600_000, 100_000, 600_000, 36_000, 10_000)
    eth = 3_000 * 10 ** 8
    steps = [(T0 + 1_000, eth), (T0 + 61_000, 2_850 * 10 ** 8), (T0 + 121_000, 2_850 * 10 ** 8),
             (T0 + 181_000, None), (T0 + 241_000, 2_700 * 10 ** 8), (T0 + 3_841_000, 2_700 * 10 ** 8)]
    return "realized_drop", 150_000, rule, steps


def random_case(rng, i):
    floor = rng.randint(0, 400_000)
    implied = rng.random() < 0.4
    rule = new_rule(floor, T0, 4 if implied else 0, 0 if implied else rng.choice([1_000, 60_000, 3_600_000, 2_592_000_000]),
                    rng.randint(1, 10_000_000), rng.randint(floor, 950_000), rng.randint(1, 1_000_000), rng.randint(1, 100_000))
    t, steps = T0, []
    price = rng.randint(1, 10 ** rng.randint(1, 19) - 1) if rng.random() < 0.2 else rng.randint(10 ** 8, 10 ** 14)
    for _ in range(rng.randint(3, 12)):
        t += rng.choice([0, 1, 999, 1_000, 60_000, 3_600_000, 86_400_000, 10 ** rng.randint(0, 11)])
        if rng.random() < 0.15:
            sample = None
        elif implied:
            sample = rng.randint(1, 10 ** rng.randint(6, 10))
        else:
            move = rng.choice([0, 1, 10, 1_000, 50_000, 500_000, 999_999])
            price = max(1, min(2 ** 64 - 1, price + rng.choice([-1, 1]) * price * move // 10 ** 6))
            if rng.random() < 0.05:
                price = rng.choice([1, 2 ** 64 - 1])
            sample = price
        steps.append((t, sample))
    return f"random_{i}", floor, rule, steps


def run(name, floor, rule, steps):
    out = {"name": name, "floor_ppm": floor, "rule": stringify(rule), "blocks": []}
    for time, sample in steps:
        rule = update(rule, floor, time, sample)
        out["blocks"].append({"time_ms": str(time), "sample": None if sample is None else str(sample), "after": stringify(rule)})
    return out


def stringify(rule):
    return {k: str(v) for k, v in rule.items()}


def vectors():
    rng = random.Random(24)
    cases = [run(*implied_example()), run(*realized_example())]
    cases += [run(*random_case(rng, i)) for i in range(40)]
    return {"description": "haircuts.md: one asset's rule after each begin-block update; amounts as decimal strings",
            "cases": cases}


def example():
    for name, floor, rule, steps in (implied_example(), realized_example()):
        print(name)
        for time, sample in steps:
            rule = update(rule, floor, time, sample)
            print(f"  t0+{(time - T0) / 1000:>8.0f} s  sample {sample}  vol {rule['volatility_ppm']:>9}  variance {rule['variance']:>22}"
                  f"  target {rule['target_ppm']:>7}  haircut {rule['haircut_ppm']:>7}  moved_at t0+{(rule['moved_at_ms'] - T0) / 1000:.0f} s")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "example"
    if what == "vectors":
        v = vectors()
        # One line per block keeps the file short and its diffs readable.
        lines = ['{"description": ' + json.dumps(v["description"]) + ',', ' "cases": [']
        for i, c in enumerate(v["cases"]):
            head = {k: c[k] for k in ("name", "floor_ppm", "rule")}
            lines.append('  ' + json.dumps(head)[:-1] + ', "blocks": [')
            lines += ['   ' + json.dumps(b) + (',' if j < len(c["blocks"]) - 1 else '') for j, b in enumerate(c["blocks"])]
            lines.append('  ]}' + (',' if i < len(v["cases"]) - 1 else ''))
        lines.append(' ]}')
        print("\n".join(lines))
    else:
        example()
