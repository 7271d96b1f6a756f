#!/usr/bin/env python3
"""The volatility surface (vol-surface.md): an option's volatility from the points of its
underlying's surface, linear in total variance between expiries, flat outside, written from the
spec as a reference for the node. Integers only; standard library only.

    python3 vol_surface.py vectors      # print vectors/vol_surface.json
"""

import json
import math
import random
import sys

MAX_VOL = 10 ** 10          # 100.0 (10 000%) in 10^-8 units: a point above counts as this


def option_vol(points, expiry_ms, time_ms):
    """points: [(expiry_ms, vol)] with a value, any order. Returns (vol, the points used)."""
    live = sorted((t, min(v, MAX_VOL)) for t, v in points if t > time_ms)
    if not live:
        return None, []
    tau = max(expiry_ms - time_ms, 0)
    if tau <= live[0][0] - time_ms:
        return live[0][1], [live[0][0]]
    if tau >= live[-1][0] - time_ms:
        return live[-1][1], [live[-1][0]]
    for (ta, va), (tb, vb) in zip(live, live[1:]):
        a, b = ta - time_ms, tb - time_ms
        if tau == a:
            return va, [ta]
        if a < tau < b:
            wa, wb = va * va * a, vb * vb * b
            w = wa * (b - tau) // (b - a) + wb * (tau - a) // (b - a)
            return math.isqrt(w // tau), [ta, tb]
    raise AssertionError("unreachable")


T0 = 1_767_225_600_000
MAR27 = 1_806_048_000_000       # 2027-03-26T08:00:00Z
JUN27 = 1_813_910_400_000       # 2027-06-25T08:00:00Z
DEC26 = 1_798_185_600_000       # 2026-12-25T08:00:00Z


def cases():
    out = []
    pts = [(DEC26, 55_000_000), (JUN27, 70_000_000)]
    # vol-surface.md's example: the devnet's 26MAR27 options between a 25DEC26 and a 25JUN27 point.
    out.append(("between_points", pts, MAR27, T0))
    out.append(("at_a_point", pts, JUN27, T0))
    out.append(("before_the_first", pts, DEC26 - 86_400_000, T0))
    out.append(("after_the_last", pts, JUN27 + 86_400_000, T0))
    out.append(("first_point_expired", pts, MAR27, DEC26 + 1))
    out.append(("all_expired", pts, MAR27, JUN27))
    out.append(("one_point", [(MAR27, 60_000_000)], JUN27, T0))
    out.append(("above_the_cap", [(DEC26, 2 ** 64 - 1), (JUN27, 1)], MAR27, T0))
    rng = random.Random(26)
    for i in range(40):
        n = rng.randint(1, 6)
        pts = [(T0 + rng.randint(1, 10 ** rng.randint(3, 11)), rng.randint(1, 10 ** rng.randint(6, 11))) for _ in range(n)]
        pts = list({t: (t, v) for t, v in pts}.values())
        t = T0 + rng.choice([0, rng.randint(0, 10 ** 10)])
        out.append((f"random_{i}", pts, T0 + rng.randint(0, 10 ** rng.randint(3, 12)), t))
    return out


def vectors():
    rows = []
    for name, pts, expiry, t in cases():
        vol, used = option_vol(pts, expiry, t)
        rows.append({"name": name, "points": [[str(a), str(b)] for a, b in pts], "expiry_ms": str(expiry), "time_ms": str(t),
                     "vol": None if vol is None else str(vol), "used": [str(u) for u in used]})
    return {"description": "vol-surface.md: an option's volatility from its surface's points (expiry_ms, vol in 10^-8)", "cases": rows}


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "vectors":
        print(json.dumps(vectors(), indent=1))
    else:
        for name, pts, expiry, t in cases()[:8]:
            print(name, option_vol(pts, expiry, t))
