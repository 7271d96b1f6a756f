#!/usr/bin/env python3
"""The fixed-point math and the Black-Scholes formulas of options.md, bit for bit as the node
computes them (Python 3, standard library only, integers only).

    python3 options.py vectors      # print vectors/options.json
    python3 options.py check        # compare with float64 (the math module): worst errors
    python3 options.py errors       # measure the error bounds of options.md against `decimal`

Numbers are integers in two fixed-point formats: wads (value x 10^18), the public format, and
q96 (value x 2^96), the internal one. Every rounding is written out: `>>` and `//` round toward
minus infinity, as in the Swift code (`options.md`, "Fixed-point numbers"). `check` and `errors`
use floats and `decimal` only as references; nothing they compute goes into a result.
"""

import json
import math
import sys

WAD = 10 ** 18
Q = 1 << 96                       # one in q96
INT128_MAX = (1 << 127) - 1
UINT128_MAX = (1 << 128) - 1
LN2 = 54916777467707473351141471128            # floor(ln 2 x 2^96)
INV_SQRT_2PI = 31607463825455920808620519744   # floor(2^96 / sqrt(2 pi))

EXP_TERMS = 25                                  # e^r, 0 <= r < ln 2: degree 25
EXP_COEFFICIENTS = [Q // math.factorial(n) for n in range(EXP_TERMS + 1)]
LN_TERMS = 20                                   # atanh series, |z| <= 1/5: degree 20 in z^2
LN_COEFFICIENTS = [Q // (2 * n + 1) for n in range(LN_TERMS + 1)]
TAIL_CUTOFF = 12                                # 1 - Phi(a) is taken as 0 from a = 12 on
SERIES_LIMIT = 4                                # the series below a = 4, the fraction above
FRACTION_LEVELS = [36, 22, 14, 10, 6, 4, 2, 0]  # by floor(a) = 4 ... 11

YEAR_MS = 31_536_000_000                        # 365 days
PRICE_TO_WAD = 10 ** 10                         # price units (10^-8 USD) -> wad
VOL_ONE = 10 ** 8                               # volatility units: 10^-8
SATURATED_STDDEV = 64                           # vol x sqrt(T) from which prices stop moving
D_CLAMP = 1024                                  # |ln(S/K)| / (vol sqrt T) is clamped here


# --- options.md, "Fixed-point numbers" ----------------------------------------------------------

def mul(a, b):
    """floor(a x b / 2^96): the q96 product."""
    return (a * b) >> 96


def to_q96(x):
    """A wad as q96, rounded down."""
    return (x << 96) // WAD


def to_wad(y):
    """A q96 number as a wad, rounded down."""
    return (y * WAD) >> 96


# --- options.md, "Math functions" ---------------------------------------------------------------

def exp_parts(z):
    """e^z = m x 2^k for q96 z: k = floor(z / LN2), r = z - k LN2 in [0, LN2), m = e^r by Horner."""
    k = z // LN2
    r = z - k * LN2
    m = EXP_COEFFICIENTS[EXP_TERMS]
    for n in range(EXP_TERMS - 1, -1, -1):
        m = mul(m, r) + EXP_COEFFICIENTS[n]
    return m, k


def ln_q96(num, den):
    """ln(num / den) in q96 for integers num, den > 0."""
    # k: 3/4 <= num / (den 2^k) < 3/2. First j = floor(log2(num / den)), then one up from 3/2.
    j = num.bit_length() - den.bit_length()
    n, d = (num, den << j) if j >= 0 else (num << -j, den)
    if d > n:
        j -= 1
        n, d = (num, den << j) if j >= 0 else (num << -j, den)
    k = j + 1 if 2 * (n - d) >= d else j
    m = (num << (96 - k)) // den if k <= 96 else (num >> (k - 96)) // den
    z = (abs(m - Q) << 96) // (m + Q)
    z2 = mul(z, z)
    p = LN_COEFFICIENTS[LN_TERMS]
    for n in range(LN_TERMS - 1, -1, -1):
        p = mul(p, z2) + LN_COEFFICIENTS[n]
    atanh2 = 2 * mul(z, p)
    return k * LN2 + (atanh2 if m >= Q else -atanh2)


def scaled_pdf_q96(a):
    """phi(a) = g x 2^k for q96 a < 12: g = INV_SQRT_2PI x e^r (q96), k <= 0, from e^(-a^2/2)."""
    m, k = exp_parts(-((a * a) >> 97))
    return mul(INV_SQRT_2PI, m), k


def pdf_q96(a):
    """phi(a) in q96 for q96 a >= 0."""
    if a >= TAIL_CUTOFF * Q:
        return 0
    g, k = scaled_pdf_q96(a)
    return g >> -k


def tail_q96(a):
    """1 - Phi(a) in q96 for q96 a >= 0."""
    if a >= TAIL_CUTOFF * Q:
        return 0
    # Both branches carry phi(a) as g 2^k and shift by k last, keeping phi's relative precision.
    g, k = scaled_pdf_q96(a)
    a2 = mul(a, a)
    if a < SERIES_LIMIT * Q:
        # Phi(a) - 1/2 = phi(a) (a + a^3/3 + a^5/(3 5) + ...): terms u_n = u_(n-1) a^2 / (2n+1).
        u = mul(g, a)
        total, n = u, 0
        while u != 0:
            n += 1
            u = mul(u, a2) // (2 * n + 1)
            total += u
        return Q // 2 - (total >> -k)
    # 1 - Phi(a) = phi(a) a / (a^2+1 - 1 2/(a^2+5 - 3 4/(a^2+9 - ...))), from the bottom level up.
    levels = FRACTION_LEVELS[a // Q - SERIES_LIMIT]
    t = a2 + (4 * levels + 1) * Q
    for j in range(levels, 0, -1):
        t = a2 + (4 * j - 3) * Q - (((2 * j - 1) * (2 * j)) << 192) // t
    return mul(g, (a << 96) // t) >> -k


def cdf_q96(d):
    """Phi(d) in q96 for signed q96 d."""
    tail = tail_q96(abs(d))
    return tail if d < 0 else Q - tail


# The public functions, on wads: None where the Swift returns nil.

def exp(x):
    if x <= -42 * WAD:
        return 0
    if x >= 47 * WAD:
        return None
    m, k = exp_parts(to_q96(x))
    y = (m * WAD) >> (96 - k)
    return y if y <= INT128_MAX else None


def ln(x):
    return None if x <= 0 else to_wad(ln_q96(x, WAD))


def sqrt(x):
    return None if x < 0 else math.isqrt(x * WAD)


def normal_cdf(x):
    if x <= -TAIL_CUTOFF * WAD:
        return 0
    if x >= TAIL_CUTOFF * WAD:
        return WAD
    tail = tail_q96(to_q96(abs(x)))
    return to_wad(tail if x < 0 else Q - tail)


def normal_pdf(x):
    if abs(x) >= TAIL_CUTOFF * WAD:
        return 0
    return to_wad(pdf_q96(to_q96(abs(x))))


# --- options.md, "Black-Scholes" ----------------------------------------------------------------

def sqrt_years_q96(time_ms):
    """sqrt(time_ms / YEAR_MS) in q96, rounded down (exactly)."""
    return math.isqrt((time_ms << 192) // YEAR_MS)


def evaluate(spot, strike, vol, time_ms, is_call, greeks=True):
    """price, delta, gamma, vega, theta as wads (a dict), or None where a Greek overflows."""
    spot_wad, strike_wad = spot * PRICE_TO_WAD, strike * PRICE_TO_WAD
    if time_ms == 0 or vol == 0 or spot == 0 or strike == 0:
        return intrinsic(spot_wad, strike_wad, is_call)
    root_t = sqrt_years_q96(time_ms)
    stddev = vol * root_t // VOL_ONE
    if stddev >= SATURATED_STDDEV * Q:
        call_price, call_delta, phi1 = spot_wad, WAD, 0
        put_price = strike_wad
    else:
        log_moneyness = ln_q96(spot, strike)
        if abs(log_moneyness) >= D_CLAMP * stddev:
            ratio = D_CLAMP * Q if log_moneyness > 0 else -D_CLAMP * Q
        else:
            ratio = (log_moneyness << 96) // stddev
        d1 = ratio + (stddev >> 1)
        d2 = d1 - stddev
        c1, c2 = cdf_q96(d1), cdf_q96(d2)
        # The out-of-the-money option from the formula, the other by parity.
        if spot < strike:
            call_price = max(0, ((spot_wad * c1) >> 96) - ((strike_wad * c2) >> 96))
            put_price = call_price - spot_wad + strike_wad
        else:
            put_price = max(0, ((strike_wad * (Q - c2)) >> 96) - ((spot_wad * (Q - c1)) >> 96))
            call_price = put_price + spot_wad - strike_wad
        call_delta = to_wad(c1)
        phi1 = pdf_q96(abs(d1))
    price = call_price if is_call else put_price
    if not greeks:
        return {"price": price}
    delta = call_delta if is_call else call_delta - WAD
    if phi1 == 0:
        return {"price": price, "delta": delta, "gamma": 0, "vega": 0, "theta": 0}
    gamma_times_spot = (phi1 * 10 ** 26) // stddev
    gamma = gamma_times_spot // spot
    vega = (spot_wad * ((phi1 * root_t) >> 96)) >> 96
    # phi(d1) sigma / (2 sqrt T) = phi(d1) sigma sqrt(T) / (2T), in q96, then x S.
    theta_rate = ((phi1 * stddev) >> 97) * YEAR_MS // time_ms
    theta_magnitude = (spot_wad * theta_rate) >> 96
    if gamma_times_spot > UINT128_MAX or gamma > INT128_MAX or theta_rate > UINT128_MAX or theta_magnitude > INT128_MAX:
        return None
    return {"price": price, "delta": delta, "gamma": gamma, "vega": vega, "theta": -theta_magnitude}


def intrinsic(spot_wad, strike_wad, is_call):
    """Time 0, vol 0, spot 0 or strike 0: the payoff now; delta 1/2 at the money."""
    if is_call:
        price = max(spot_wad - strike_wad, 0)
        delta = WAD if spot_wad > strike_wad else 0 if spot_wad < strike_wad else WAD // 2
    else:
        price = max(strike_wad - spot_wad, 0)
        delta = 0 if spot_wad > strike_wad else -WAD if spot_wad < strike_wad else -WAD // 2
    return {"price": price, "delta": delta, "gamma": 0, "vega": 0, "theta": 0}


def price(spot, strike, vol, time_ms, is_call):
    return evaluate(spot, strike, vol, time_ms, is_call, greeks=False)["price"]


def theta_per_day(theta):
    """theta / 365, rounded toward zero (theta is never positive)."""
    return -((-theta) // 365)


# --- vectors ------------------------------------------------------------------------------------

def s(x):
    """Integers as decimal strings (the vectors' one number format); None stays null."""
    return None if x is None else str(x)


DOLLAR = 10 ** 8   # one dollar in price units
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


def option_cases():
    cases = []
    for spot in (55_000 * DOLLAR, 60_000 * DOLLAR, 65_000 * DOLLAR):
        for strike in (50_000 * DOLLAR, 60_000 * DOLLAR, 70_000 * DOLLAR):
            for vol in (30_000_000, 120_000_000):
                for time_ms in (7 * DAY_MS, 90 * DAY_MS):
                    for is_call in (True, False):
                        cases.append(("grid", spot, strike, vol, time_ms, is_call))
    edges = [
        ("expiry 0, in the money", 60_000 * DOLLAR, 50_000 * DOLLAR, 60_000_000, 0, True),
        ("expiry 0, at the money (delta 1/2)", 60_000 * DOLLAR, 60_000 * DOLLAR, 60_000_000, 0, True),
        ("expiry 0, at the money put", 60_000 * DOLLAR, 60_000 * DOLLAR, 60_000_000, 0, False),
        ("vol 0, out of the money", 60_000 * DOLLAR, 70_000 * DOLLAR, 0, 30 * DAY_MS, True),
        ("spot 0", 0, 60_000 * DOLLAR, 60_000_000, 30 * DAY_MS, False),
        ("strike 0", 60_000 * DOLLAR, 0, 60_000_000, 30 * DAY_MS, True),
        ("deep in the money call", 100_000 * DOLLAR, 20_000 * DOLLAR, 60_000_000, 30 * DAY_MS, True),
        ("deep out of the money call", 20_000 * DOLLAR, 100_000 * DOLLAR, 60_000_000, 30 * DAY_MS, True),
        ("deep out of the money put", 100_000 * DOLLAR, 20_000 * DOLLAR, 60_000_000, 30 * DAY_MS, False),
        ("one hour at the money", 60_000 * DOLLAR, 60_000 * DOLLAR, 60_000_000, HOUR_MS, True),
        ("one millisecond at the money", 60_000 * DOLLAR, 60_000 * DOLLAR, 60_000_000, 1, True),
        ("two years, vol 200%", 60_000 * DOLLAR, 90_000 * DOLLAR, 200_000_000, 730 * DAY_MS, False),
        ("vol x sqrt(T) >= 64: infinite vol", 60_000 * DOLLAR, 90_000 * DOLLAR, 6_400_000_000, 365 * DAY_MS, True),
        ("theta overflows: evaluate is nil", (1 << 64) - 1, (1 << 64) - 1, 17_800_000_000_000, 1, True),
        ("|ln(S/K)| / (vol sqrt T) clamped at 1024", 60_000 * DOLLAR, 30_000 * DOLLAR, 1, 1, True),
        ("gamma overflows: evaluate is nil", 1, 1, 1, 1, True),
        ("largest inputs, put", (1 << 64) - 1, 1, (1 << 64) - 1, (1 << 64) - 1, False),
    ]
    return cases + edges


def vectors():
    exps = [0, WAD, -WAD, WAD // 2, 10 ** 12, -10 ** 12, 7 * WAD // 10, 693147180559945309, 20 * WAD,
            -20 * WAD, 46_585_000_000_000_000_000, 46_600_000_000_000_000_000, 47 * WAD, -41_400_000_000_000_000_000,
            -42 * WAD, INT128_MAX, -INT128_MAX - 1]
    lns = [WAD, 2 * WAD, WAD // 2, 1, 10, 3 * WAD // 4, 3 * WAD // 2, 2718281828459045235, 10 ** 30, INT128_MAX,
           WAD + 1, WAD - 1, 0, -WAD]
    sqrts = [0, 1, 2, WAD, 2 * WAD, 4 * WAD, WAD // 100, 10 ** 30, INT128_MAX, -1]
    normals = [0, WAD // 4, -WAD // 4, WAD, -WAD, 196 * WAD // 100, -196 * WAD // 100, 3_999_999_999_999_999_999,
               4 * WAD, -4 * WAD, 5_500_000_000_000_000_000, -7 * WAD, 8 * WAD, -9 * WAD, 11_999_999_999_999_999_999,
               12 * WAD, -12 * WAD, INT128_MAX, -INT128_MAX - 1]
    options = []
    for name, spot, strike, vol, time_ms, is_call in option_cases():
        out = evaluate(spot, strike, vol, time_ms, is_call)
        row = {"name": name, "spot": s(spot), "strike": s(strike), "vol": s(vol), "time_ms": s(time_ms),
               "is_call": is_call, "price": s(price(spot, strike, vol, time_ms, is_call))}
        if out is None:
            row["greeks"] = None
        else:
            row["greeks"] = {k: s(v) for k, v in out.items() if k != "price"}
            row["greeks"]["theta_per_day"] = s(theta_per_day(out["theta"]))
            assert out["price"] == price(spot, strike, vol, time_ms, is_call)
        options.append(row)
    return {
        "version": "1",
        "exp": [{"x": s(x), "result": s(exp(x))} for x in exps],
        "ln": [{"x": s(x), "result": s(ln(x))} for x in lns],
        "sqrt": [{"x": s(x), "result": s(sqrt(x))} for x in sqrts],
        "normal_cdf": [{"x": s(x), "result": s(normal_cdf(x))} for x in normals],
        "normal_pdf": [{"x": s(x), "result": s(normal_pdf(x))} for x in normals],
        "black_scholes": options,
    }


# --- check: against float64 ---------------------------------------------------------------------

def float_black_scholes(spot, strike, vol, time_ms, is_call):
    """The same formulas in float64 (math.erfc), in dollars."""
    s_, k_, sigma, t = spot / DOLLAR, strike / DOLLAR, vol / VOL_ONE, time_ms / YEAR_MS
    v = sigma * math.sqrt(t)
    d1 = (math.log(s_ / k_) + v * v / 2) / v
    d2 = d1 - v
    cdf = lambda x: 0.5 * math.erfc(-x / math.sqrt(2))
    pdf = math.exp(-d1 * d1 / 2) / math.sqrt(2 * math.pi)
    if is_call:
        p, delta = s_ * cdf(d1) - k_ * cdf(d2), cdf(d1)
    else:
        p, delta = k_ * cdf(-d2) - s_ * cdf(-d1), -cdf(-d1)
    return {"price": p, "delta": delta, "gamma": pdf / (s_ * v), "vega": s_ * pdf * math.sqrt(t),
            "theta": -s_ * pdf * sigma / (2 * math.sqrt(t))}


class Worst:
    """The worst relative error where |reference| >= floor, and the worst absolute error below it."""

    def __init__(self, name, floor):
        self.name, self.floor, self.rel, self.abs, self.rel_at, self.abs_at = name, floor, 0.0, 0.0, None, None

    def add(self, got, want, at):
        err = abs(got - want)
        if abs(want) >= self.floor:
            if err / abs(want) > self.rel:
                self.rel, self.rel_at = err / abs(want), at
        elif err > self.abs:
            self.abs, self.abs_at = err, at

    def line(self):
        return "%-8s relative %.3g (where |value| >= %g) at %s; absolute %.3g below it at %s" % (
            self.name, self.rel, self.floor, self.rel_at, self.abs, self.abs_at)


def check():
    w = [Worst("exp", 1e-6), Worst("ln", 1e-3), Worst("cdf", 1e-6), Worst("pdf", 1e-6)]
    for i in range(-4000, 4600):
        x = i * WAD // 100 + 12_345_678_901
        w[0].add(exp(x) / WAD, math.exp(x / WAD), x)
    for i in range(-180, 200):
        x = 10 ** 18 * 10 ** (i / 10)
        x = int(x)
        w[1].add(ln(x) / WAD, math.log(x / WAD), x)
    for i in range(-1200, 1201):
        x = i * WAD // 100 + 7_654_321
        w[2].add(normal_cdf(x) / WAD, 0.5 * math.erfc(-(x / WAD) / math.sqrt(2)), x)
        w[3].add(normal_pdf(x) / WAD, math.exp(-(x / WAD) ** 2 / 2) / math.sqrt(2 * math.pi), x)
    for x in w:
        print(x.line())
    greeks = ["price", "delta", "gamma", "vega", "theta"]
    worst = {g: Worst(g, 0) for g in greeks}
    for spot_dollars in (20_000, 45_000, 100_000):
        for ratio in (0.5, 0.8, 1.0, 1.25, 2.0):
            strike = int(spot_dollars * ratio) * DOLLAR
            spot = spot_dollars * DOLLAR
            for vol in (10_000_000, 60_000_000, 200_000_000):
                for time_ms in (HOUR_MS, DAY_MS, 30 * DAY_MS, 730 * DAY_MS):
                    for is_call in (True, False):
                        got = evaluate(spot, strike, vol, time_ms, is_call)
                        want = float_black_scholes(spot, strike, vol, time_ms, is_call)
                        scale = {"price": spot_dollars, "delta": 1, "gamma": 1 / spot_dollars,
                                 "vega": spot_dollars, "theta": spot_dollars}
                        for g in greeks:
                            worst[g].floor = 1e-6 * scale[g]
                            worst[g].add(got[g] / WAD, want[g], (spot, strike, vol, time_ms, is_call))
    for g in greeks:
        print(worst[g].line())
    return 0


# --- errors: against decimal at 110 digits -----------------------------------------------------

class Measured:
    """The range of (result - exact) in wad units, how often the result is not the exact value
    rounded down, and the worst error of the q96 value before that rounding."""

    def __init__(self, name, internal):
        self.name, self.internal = name, internal
        self.low = self.high = self.worst_internal = 0
        self.count = self.not_floor = 0

    def add(self, result, exact_wad, internal_error=0):
        from decimal import Decimal as D
        err = D(result) - exact_wad
        self.low, self.high = min(self.low, err), max(self.high, err)
        self.count += 1
        self.not_floor += result != int(exact_wad.to_integral_value(rounding="ROUND_FLOOR"))
        self.worst_internal = max(self.worst_internal, internal_error)

    def line(self):
        return "%-4s %7d points: result - exact in [%.3g, %.3g] wad units, %d not the exact floor; q96 %s %.3g" % (
            self.name, self.count, self.low, self.high, self.not_floor, self.internal, self.worst_internal)


def errors(step=1):
    """Dense grids against `decimal` at 110 digits; `step` thins them (1: the figures of options.md)."""
    import decimal
    from decimal import Decimal as D
    decimal.getcontext().prec = 110
    wad, q = D(WAD), D(Q)

    # exp over [-42, 46.58]; the q96 error is relative (m 2^k against e^x).
    # Below 1 the error is counted in wad units; from 1 up, relative to e^x.
    m_exp = Measured("exp", "relative error")
    worst_relative = D(0)
    for i in range(-420_000, 465_800, 7 * step):
        x = i * 10 ** 14 + 123_456_789_012
        exact = (D(x) / wad).exp()
        m, k = exp_parts(to_q96(x))
        internal = abs(D(m) * D(2) ** k / q - exact) / exact
        if exact < 1:
            m_exp.add(exp(x), exact * wad, internal)
        else:
            m_exp.worst_internal = max(m_exp.worst_internal, internal)
            worst_relative = max(worst_relative, abs(D(exp(x)) / wad - exact) / exact)

    # ln over 1e-18 .. 1.7e20 (log-spaced) and densely around 1; the q96 error is absolute.
    m_ln = Measured("ln", "absolute error")
    points = [int(D(10) ** (D(i) / 1000)) for i in range(0, 38_230, 3 * step)]
    points += [WAD + i * 10 ** 13 + 987_654_321 for i in range(-50_000, 50_000, 7 * step)]
    points += [INT128_MAX, WAD + 1, WAD - 1]
    for x in points:
        exact = (D(x) / wad).ln()
        m_ln.add(ln(x), exact * wad, abs(D(ln_q96(x, WAD)) / q - exact))

    # sqrt: the floor of the exact square root, checked exactly.
    m_sqrt = Measured("sqrt", "(none)")
    for x in points + [0, 1, 2, 3]:
        r = sqrt(x)
        assert r * r <= x * WAD < (r + 1) * (r + 1)
        m_sqrt.add(r, (D(x) * wad).sqrt())

    # Phi and phi over [-12, 12]; the q96 errors are absolute (of 1 - Phi(|x|) and of phi(|x|)).
    m_cdf, m_pdf = Measured("cdf", "absolute error"), Measured("pdf", "absolute error")
    worst_tail, at_tail = D(0), None
    root_2pi = (2 * decimal_pi()).sqrt()
    for i in range(-120_000, 120_001, 3 * step):
        x = i * 10 ** 14 + 31_415_926_535
        xd = D(x) / wad
        a = to_q96(abs(x))
        ad = D(a) / q
        exact_tail = decimal_cdf(-ad)
        m_cdf.add(normal_cdf(x), decimal_cdf(xd) * wad, abs(D(tail_q96(a)) / q - exact_tail))
        m_pdf.add(normal_pdf(x), (-xd * xd / 2).exp() / root_2pi * wad,
                  abs(D(pdf_q96(a)) / q - (-ad * ad / 2).exp() / root_2pi))
        if exact_tail >= D("1e-15"):
            rel = abs(D(tail_q96(a)) / q - exact_tail) / exact_tail
            if rel > worst_tail:
                worst_tail, at_tail = rel, x
    for m in (m_exp, m_ln, m_sqrt, m_cdf, m_pdf):
        print(m.line())
    black_scholes_errors(step)
    print("exp relative error where e^x >= 1: %.3g" % worst_relative)
    print("tail relative error of the q96 value where 1 - Phi >= 1e-15: %.3g (at x = %s)" % (worst_tail, at_tail))
    return 0


def black_scholes_errors(step):
    """Price and Greeks over a grid against the formulas in `decimal`: the worst error in wad
    units (of USD, of delta, of 1/USD for gamma), and the worst relative error where the exact
    value is at least 10^-10 (10^8 wad units, so that one unit is at most 10^-8 of it)."""
    from decimal import Decimal as D
    wad, root_2pi = D(WAD), (2 * decimal_pi()).sqrt()
    names = ("price", "delta", "gamma", "vega", "theta")
    worst = {n: [D(0), D(0), None, None] for n in names}
    count = 0
    spots = (20_000, 35_000, 60_000, 100_000)
    for spot_dollars in spots[::step]:
        for ratio in ("0.5", "0.7", "0.9", "1", "1.1", "1.4", "2"):
            spot, strike = spot_dollars * DOLLAR, int(spot_dollars * D(ratio)) * DOLLAR
            for vol in (10_000_000, 30_000_000, 60_000_000, 100_000_000, 200_000_000):
                for time_ms in (HOUR_MS, DAY_MS, 7 * DAY_MS, 30 * DAY_MS, 182 * DAY_MS, 730 * DAY_MS):
                    s_, k_, sigma, t = D(spot) / DOLLAR, D(strike) / DOLLAR, D(vol) / VOL_ONE, D(time_ms) / YEAR_MS
                    v = sigma * t.sqrt()
                    d1 = ((s_ / k_).ln() + v * v / 2) / v
                    d2 = d1 - v
                    pdf = (-d1 * d1 / 2).exp() / root_2pi
                    common = {"gamma": pdf / (s_ * v), "vega": s_ * pdf * t.sqrt(), "theta": -s_ * pdf * sigma / (2 * t.sqrt())}
                    for is_call in (True, False):
                        got = evaluate(spot, strike, vol, time_ms, is_call)
                        if is_call:
                            exact = {"price": s_ * decimal_cdf(d1) - k_ * decimal_cdf(d2), "delta": decimal_cdf(d1)}
                        else:
                            exact = {"price": k_ * decimal_cdf(-d2) - s_ * decimal_cdf(-d1), "delta": -decimal_cdf(-d1)}
                        exact.update(common)
                        count += 1
                        for n in names:
                            err = abs(D(got[n]) - exact[n] * wad)
                            w = worst[n]
                            if err > w[0]:
                                w[0], w[2] = err, (spot, strike, vol, time_ms, is_call)
                            if abs(exact[n]) >= D("1e-10") and err / abs(exact[n] * wad) > w[1]:
                                w[1], w[3] = err / abs(exact[n] * wad), (spot, strike, vol, time_ms, is_call)
    for n in names:
        w = worst[n]
        print("%-5s %d options: worst %.3g wad units at %s; relative %.3g where |value| >= 1e-10 at %s" % (
            n, count, w[0], w[2], w[1], w[3]))


_PI = []


def decimal_pi():
    """pi by the recipe of the decimal module's documentation."""
    import decimal
    if not _PI:
        decimal.getcontext().prec += 2
        three = decimal.Decimal(3)
        lasts, t, s_, n, na, d, da = 0, three, 3, 1, 0, 0, 24
        while s_ != lasts:
            lasts = s_
            n, na = n + na, na + 8
            d, da = d + da, da + 32
            t = (t * n) / d
            s_ += t
        decimal.getcontext().prec -= 2
        _PI.append(+s_)
    return _PI[0]


def decimal_cdf(x):
    """Phi(x) by its everywhere-convergent series at the context's precision (|x| <= 12)."""
    from decimal import Decimal as D
    a = abs(x)
    term, total, n = a, a, 0
    while term > D("1e-100"):
        n += 1
        term = term * a * a / (2 * n + 1)
        total += term
    half = D(1) / 2
    inner = (-a * a / 2).exp() / (2 * decimal_pi()).sqrt() * total
    return half + inner if x >= 0 else half - inner


def main(argv):
    if len(argv) == 2 and argv[1] == "vectors":
        sys.stdout.write(json.dumps(vectors(), sort_keys=True, indent=1) + "\n")
        return 0
    if len(argv) == 2 and argv[1] == "check":
        return check()
    if len(argv) in (2, 3) and argv[1] == "errors":
        return errors(int(argv[2]) if len(argv) == 3 else 1)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
