/// European cash-settled options by Black-Scholes at a zero interest rate
/// (contracts-spec/options.md, "Black-Scholes"). Crypto venues such as Deribit price options on
/// the forward without a rate; with r = 0 the forward is the spot, so
///
///     call = S Φ(d1) − K Φ(d2),   put = K Φ(−d2) − S Φ(−d1),
///     d1 = ln(S/K) / (σ√T) + σ√T / 2,   d2 = d1 − σ√T,
///
/// and call − put = S − K exactly (put-call parity): the option out of the money is computed from
/// the formula and the other one from it by parity, so parity holds to the unit and the smaller
/// price keeps its precision.
///
/// Inputs are the oracle's integers: `spot` and `strike` in price units (10^-8 USD), `vol` the
/// annualized volatility in 10^-8 (0.60 = 60_000_000), `timeMs` the time to expiry in
/// milliseconds, a year being 365 days. Outputs are wads (`FixedMath.one` = 1.0), rounded down
/// unless a field says otherwise.
public enum BlackScholes {
    /// The price and the sensitivities of one option on one unit of the underlying.
    public struct Greeks: Sendable, Equatable {
        /// USD per unit of underlying.
        public let price: Int128
        /// ∂price/∂spot, between −one and one: Φ(d1) for a call, Φ(d1) − 1 for a put.
        public let delta: Int128
        /// ∂delta/∂spot per USD of spot: φ(d1) / (S σ√T); the same for a call and a put.
        public let gamma: Int128
        /// ∂price/∂σ in USD per 1.00 of volatility: S φ(d1) √T; the same for a call and a put.
        public let vega: Int128
        /// ∂price/∂t in USD per year, never positive: −S φ(d1) σ / (2√T), rounded toward zero; the
        /// same for a call and a put at r = 0.
        public let theta: Int128

        /// Theta per day of 365 in a year, rounded toward zero.
        public var thetaPerDay: Int128 { theta / 365 }
    }

    /// Milliseconds in a year of 365 days.
    public static let yearMs: UInt64 = 31_536_000_000

    /// The price and the Greeks. At time 0, volatility 0, spot 0 or strike 0 the option is worth
    /// its payoff now, with delta 1 or 0 for a call (−1 or 0 for a put), ±1/2 at the money, and
    /// gamma, vega and theta 0. Nil only when gamma or theta (or a step on the way to them) does
    /// not fit 128 bits: σ√T below about 10^-13 near the money, or S φ(d1) σ/(2√T) above
    /// 1.7 × 10^20 USD a year; options.md, "Black-Scholes", gives the exact conditions.
    public static func evaluate(spot: UInt64, strike: UInt64, vol: UInt64, timeMs: UInt64, isCall: Bool) -> Greeks? {
        let v = valuation(spot: spot, strike: strike, vol: vol, timeMs: timeMs, withGreeks: true)
        let price = isCall ? v.call : v.put
        let delta = isCall ? v.callDelta : v.callDelta - FixedMath.one
        guard v.density != 0 else { return Greeks(price: price, delta: delta, gamma: 0, vega: 0, theta: 0) }

        // gamma = φ(d1) × 10^26 / (σ√T × spot): the first quotient must fit 128 bits.
        guard let gammaTimesSpot = FixedPoint.mulDiv(v.density, 100_000_000_000_000_000_000_000_000, v.stddev, .down)
        else { return nil }
        let gamma = gammaTimesSpot / UInt128(spot)
        // φ(d1)√T and φ(d1)σ/(2√T) = φ(d1)σ√T/(2T) in q96 first, then × S: S φ(d1) as a wad
        // would lose the digits of a tiny φ(d1) before the large factor 1/T.
        let spotWad = UInt128(spot) * priceToWad
        let vega = FixedMath.mulQ96(spotWad, FixedMath.mulQ96(v.density, v.rootYears))
        let halfDensityStddev = FixedMath.mulQ96(v.density, v.stddev) >> 1
        guard gamma <= UInt128(Int128.max),
              let thetaRate = FixedPoint.mulDiv(halfDensityStddev, UInt128(yearMs), UInt128(timeMs), .down),
              let thetaMagnitude = FixedMath.mulShift(spotWad, thetaRate, 96), thetaMagnitude <= UInt128(Int128.max)
        else { return nil }
        return Greeks(price: price, delta: delta, gamma: Int128(gamma), vega: Int128(vega), theta: -Int128(thetaMagnitude))
    }

    /// The price alone (what a margin scan calls for every scenario): the same value as
    /// `evaluate(...)?.price`, defined for every input.
    public static func price(spot: UInt64, strike: UInt64, vol: UInt64, timeMs: UInt64, isCall: Bool) -> Int128 {
        let v = valuation(spot: spot, strike: strike, vol: vol, timeMs: timeMs, withGreeks: false)
        return isCall ? v.call : v.put
    }

    /// Prices for a margin scan, where many options are priced at each scenario's spot and
    /// volatility: a call and a put of the same strike, volatility and expiry share one valuation
    /// (it gives both prices), the options of one expiry share √T, and the scenarios of one spot
    /// (its volatility moves) share ln(S/K). Each price is exactly `price(...)`'s; only work is
    /// saved.
    struct Pricer {
        private var roots: [(timeMs: UInt64, root: UInt128)] = []
        private var logs: [(spot: UInt64, strike: UInt64, log: Int128)] = []
        private var priced: [(spot: UInt64, strike: UInt64, vol: UInt64, timeMs: UInt64, value: Valuation)] = []

        /// Forgets the valuations, kept for one scenario, and the logarithms of other spots.
        mutating func nextScenario(spot: UInt64) {
            priced.removeAll(keepingCapacity: true)
            logs.removeAll { $0.spot != spot }
        }

        mutating func price(spot: UInt64, strike: UInt64, vol: UInt64, timeMs: UInt64, isCall: Bool) -> Int128 {
            let v: Valuation
            if let hit = priced.first(where: { $0.spot == spot && $0.strike == strike && $0.vol == vol && $0.timeMs == timeMs }) {
                v = hit.value
            } else {
                let root: UInt128
                if let known = roots.first(where: { $0.timeMs == timeMs }) {
                    root = known.root
                } else {
                    root = sqrtYearsQ96(timeMs)
                    roots.append((timeMs, root))
                }
                // The logarithm's domain is positive spots and strikes; at 0 the payoff needs none.
                var log: Int128?
                if let known = logs.first(where: { $0.spot == spot && $0.strike == strike }) {
                    log = known.log
                } else if spot != 0, strike != 0 {
                    log = FixedMath.lnQ96(UInt128(spot), UInt128(strike))
                    logs.append((spot, strike, log!))
                }
                v = valuation(spot: spot, strike: strike, vol: vol, timeMs: timeMs, withGreeks: false, rootYears: root, logMoneyness: log)
                priced.append((spot, strike, vol, timeMs, v))
            }
            return isCall ? v.call : v.put
        }
    }

    // MARK: - One pass of the formula

    /// Price units (10^-8 USD) to wads.
    static let priceToWad: UInt128 = 10_000_000_000
    /// Volatility units per 1.00.
    static let volOne: UInt128 = 100_000_000
    /// From σ√T = 64 on, d1 > 31 and d2 < −31 for any spot and strike: Φ(d1) = 1, Φ(d2) = 0 and
    /// φ(d1) = 0 exactly, the prices of infinite volatility.
    static let saturatedStddev: UInt128 = 64 << 96
    /// |ln(S/K)| / σ√T is clamped to 1024, far beyond where Φ is exactly 0 or 1.
    static let ratioClamp: UInt128 = 1024

    /// Both prices and what the Greeks are made of; the Greeks' fields only when asked for.
    struct Valuation {
        var call: Int128
        var put: Int128
        /// Φ(d1) as a wad (the intrinsic rule's 1, 0 or 1/2 at time 0).
        var callDelta: Int128 = 0
        /// φ(d1) in q96; 0 where gamma, vega and theta are 0.
        var density: UInt128 = 0
        /// √T in q96 (T in years).
        var rootYears: UInt128 = 0
        /// σ√T in q96.
        var stddev: UInt128 = 0
    }

    /// `rootYears` and `logMoneyness`, when given, are `sqrtYearsQ96(timeMs)` and
    /// `FixedMath.lnQ96(spot, strike)` computed before.
    static func valuation(spot: UInt64, strike: UInt64, vol: UInt64, timeMs: UInt64, withGreeks: Bool,
                          rootYears known: UInt128? = nil, logMoneyness knownLog: Int128? = nil) -> Valuation {
        let spotWad = Int128(spot) * Int128(priceToWad), strikeWad = Int128(strike) * Int128(priceToWad)
        guard timeMs != 0, vol != 0, spot != 0, strike != 0 else {
            return intrinsic(spotWad: spotWad, strikeWad: strikeWad)
        }
        let rootYears = known ?? sqrtYearsQ96(timeMs)
        guard let stddev = FixedPoint.mulDiv(UInt128(vol), rootYears, volOne, .down), stddev < saturatedStddev else {
            return Valuation(call: spotWad, put: strikeWad, callDelta: FixedMath.one)
        }

        let logMoneyness = knownLog ?? FixedMath.lnQ96(UInt128(spot), UInt128(strike))
        let ratio: Int128
        if logMoneyness.magnitude >= ratioClamp * stddev {
            ratio = logMoneyness > 0 ? Int128(ratioClamp << 96) : -Int128(ratioClamp << 96)
        } else {
            // ⌊ln(S/K) × 2^96 / σ√T⌋, toward minus infinity for a negative logarithm.
            let (q, r) = FixedMath.shiftedDivision(logMoneyness.magnitude, 96, stddev)
            ratio = logMoneyness >= 0 ? Int128(q) : -Int128(q) - (r == 0 ? 0 : 1)
        }
        let d1 = ratio + Int128(stddev >> 1)
        let d2 = d1 - Int128(stddev)
        let n1 = FixedMath.normalCDFQ96(d1), n2 = FixedMath.normalCDFQ96(d2)
        let q96One = FixedMath.q96One, spotU = UInt128(spotWad), strikeU = UInt128(strikeWad)

        // The option out of the money from the formula (never below 0), the other by parity.
        var v: Valuation
        if spot < strike {
            let call = max(0, Int128(FixedMath.mulQ96(spotU, n1)) - Int128(FixedMath.mulQ96(strikeU, n2)))
            v = Valuation(call: call, put: call - spotWad + strikeWad)
        } else {
            let put = max(0, Int128(FixedMath.mulQ96(strikeU, q96One - n2)) - Int128(FixedMath.mulQ96(spotU, q96One - n1)))
            v = Valuation(call: put + spotWad - strikeWad, put: put)
        }
        if withGreeks {
            v.callDelta = FixedMath.toWad(Int128(n1))
            v.density = FixedMath.normalPDFQ96(d1.magnitude)
            v.rootYears = rootYears
            v.stddev = stddev
        }
        return v
    }

    /// The payoff now: at time 0, volatility 0 (the forward is the spot), spot 0 or strike 0.
    static func intrinsic(spotWad: Int128, strikeWad: Int128) -> Valuation {
        let delta = spotWad > strikeWad ? FixedMath.one : spotWad < strikeWad ? 0 : FixedMath.one / 2
        return Valuation(call: max(spotWad - strikeWad, 0), put: max(strikeWad - spotWad, 0), callDelta: delta)
    }

    /// √(timeMs / yearMs) in q96, exactly rounded down: ⌊√⌊timeMs × 2^192 / yearMs⌋⌋.
    static func sqrtYearsQ96(_ timeMs: UInt64) -> UInt128 {
        // timeMs × 2^192 is (timeMs × 2^64) × 2^128: divide the high word, then the remainder and
        // the (zero) low word. The quotient is below 2^221.
        let year = UInt128(yearMs), high = UInt128(timeMs) << 64
        let low = year.fullWidthQuotient((high % year, 0)).quotient
        return FixedMath.squareRoot(high: high / year, low: low)
    }
}
