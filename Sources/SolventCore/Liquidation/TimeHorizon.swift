/// How long the passage of block time alone cannot make a vault liquidatable
/// (contracts-spec/liquidation.md, "Time"). Not part of consensus: the node's index uses it to
/// know when a vault holding options must be valued again although no price moved.
///
/// Only options depend on time (a future is marked at its underlying's price, a perpetual's
/// funding is a state change), and an option's Black-Scholes price at r = 0 falls as its expiry
/// comes closer, never faster than its theta bound:
///
///     |∂price/∂T| = S φ(d1) σ / (2√T) ≤ S σ / (2√(2π T))
///     price(T) − price(T − w) ≤ S σ (√T − √(T − w)) / √(2π)          (T, w in years)
///
/// `bound(w)` adds such terms up into a bound on how far the vault's excess (equity − maintenance)
/// can fall while `w` ms pass with every price and the vault itself unchanged. A vault whose
/// excess is at least `bound(w)` cannot be liquidatable at any block time within `w` of now.
public enum TimeHorizon {
    /// 1/√(2π) = 0.3989422804... rounded up, in ppm.
    static let invSqrtTwoPiPpm: UInt128 = 398_943
    /// √(milliseconds in a year of 365 days) = 177 583.78... rounded down.
    static let sqrtYearMs: UInt128 = 177_583

    /// The time after `time` by which the vault must be valued again: nil when its margin does
    /// not depend on time (it holds no option before its expiry), else a time in
    /// `time + 1 ... min(cap, its nearest option expiry)`, the latest before which `bound` stays
    /// within `excess` (`time + 1`, the next block, when it never does).
    public static func deadline(risk: VaultRisk, excess: Int128, at time: UInt64, cap: UInt64) -> UInt64? {
        let options = risk.positions.filter { $0.instrument.isOption && $0.timeToExpiryMs > 0 }
        guard let nearest = options.map({ time &+ $0.timeToExpiryMs }).min() else { return nil }
        let last = max(min(cap, nearest), time + 1)
        guard excess >= 0 else { return time + 1 }
        let budget = UInt128(excess)
        func safe(_ w: UInt64) -> Bool { bound(risk: risk, options: options, elapsed: w) <= budget }
        // Safe for every block time up to `time + 1 + w` exclusive: the deadline is `time + 1 + w`.
        let widest = last - time - 1
        if safe(widest) { return last }
        guard safe(0) else { return time + 1 }
        var good: UInt64 = 0, bad = widest
        while bad - good > 1 {
            let mid = good + (bad - good) / 2
            if safe(mid) { good = mid } else { bad = mid }
        }
        return time + 1 + good
    }

    /// How far the vault's excess can fall, in USDC quantums, while `elapsed` ms pass (saturating).
    public static func bound(risk: VaultRisk, elapsed: UInt64) -> UInt128 {
        bound(risk: risk, options: risk.positions.filter { $0.instrument.isOption && $0.timeToExpiryMs > 0 }, elapsed: elapsed)
    }

    static func bound(risk: VaultRisk, options: [PositionRisk], elapsed w: UInt64) -> UInt128 {
        var total = Saturating()
        guard let settings = risk.portfolioSettings, risk.portfolio != nil else {
            // Cross or isolated: a long option's value and requirement are the same mark (value
            // rounded down, requirement up: at most 1 quantum apart, whatever the mark); a short
            // option's requirement does not depend on time and its value only rises as the
            // option decays, but for the mark's last unit of rounding.
            for p in options {
                total += p.size > 0 ? 0 : quantums(p.size, 1)
                total += 1
            }
            return total.value
        }
        // Equity: a long option's value falls by at most its decay; a short's rises but for rounding.
        for p in options {
            let fall = p.size > 0 ? Saturating(decay(spot: p.underlyingPrice, vol: p.vol, timeMs: p.timeToExpiryMs, elapsed: w)) + 1 : Saturating(1)
            total += quantums(p.size, fall.value)
            total += 1
        }
        // Maintenance: each scenario profit of an option moves by at most the decay of its
        // scenario price plus that of its mark (the largest scenario price and volatility bound
        // every scenario's); a scan loss, the largest scenario loss, by at most the sum over its
        // options. The credits can vanish (a worst scenario changing direction) and the hedged
        // delta charge can move by the options' whole delta, unless nothing on the underlying
        // can offset a delta of the other sign.
        let widest = Int64(max(settings.priceRangePpm, settings.extremeMovePpm))
        var initial = Saturating(risk.portfolio!.creditTotal)
        for u in Set(options.map(\.underlyingOracle)).sorted() {
            let held = risk.positions.filter { $0.underlyingOracle == u }
            var scan = Saturating(1), hedged = Saturating()
            for p in options where p.underlyingOracle == u {
                let high = PortfolioMargin.moved(p.underlyingPrice, widest)
                let vol = UInt64(clamping: UInt128(p.vol) * UInt128(1_000_000 + UInt64(settings.volMovePpm)) / 1_000_000)
                let moves = Saturating(decay(spot: high, vol: vol, timeMs: p.timeToExpiryMs, elapsed: w))
                    + decay(spot: p.underlyingPrice, vol: p.vol, timeMs: p.timeToExpiryMs, elapsed: w) + 2
                scan += quantums(p.size, moves.value)
                scan += 1
                hedged += UInt128(p.size.magnitude)
            }
            initial += scan.value
            let positiveDelta = held.contains { deltaSign($0) > 0 }, negativeDelta = held.contains { deltaSign($0) < 0 }
            if positiveDelta && negativeDelta, let spot = held.first?.underlyingPrice {
                initial += FixedPoint.mulDiv(hedged.value, UInt128(spot) * UInt128(settings.hedgedDeltaPpm),
                                             PerpUnits.notionalDivisor * 1_000_000, .up) ?? UInt128.max
                initial += 1
            }
        }
        total += FixedPoint.mulDiv(initial.value, UInt128(settings.maintenancePpm), 1_000_000, .up) ?? UInt128.max
        total += 1
        return total.value
    }

    /// The sign a position's delta always has: a call's is its size's, a put's the opposite,
    /// a perpetual's or future's its size's.
    static func deltaSign(_ p: PositionRisk) -> Int64 {
        if case .option(_, _, let call, _) = p.instrument, !call { return -p.size.signum() }
        return p.size.signum()
    }

    /// ⌈|size| × price units / 10^10⌉ in USDC quantums (saturating).
    static func quantums(_ size: Int64, _ price: UInt128) -> UInt128 {
        FixedPoint.mulDiv(UInt128(size.magnitude), price, PerpUnits.notionalDivisor, .up) ?? UInt128.max
    }

    /// An upper bound, in price units, on how much a Black-Scholes price at `spot` and `vol`
    /// with `timeMs` to expiry falls while `elapsed` ms pass (none once it has expired):
    /// ⌈S × σ/10^8 × (⌈√T⌉ − ⌊√(T − w)⌋) × 398 943 / (10^6 × 177 583)⌉, T and w in ms.
    public static func decay(spot: UInt64, vol: UInt64, timeMs t: UInt64, elapsed: UInt64) -> UInt128 {
        let w = min(elapsed, t)
        guard w > 0 else { return 0 }
        let root = UInt128(ceilSqrt(t) - floorSqrt(t - w))
        guard let sv = FixedPoint.mulDiv(UInt128(spot), UInt128(vol), 100_000_000, .up),
              let d = FixedPoint.mulDiv(sv, root * invSqrtTwoPiPpm, 1_000_000 * sqrtYearMs, .up) else { return UInt128.max }
        return d
    }

    /// ⌊√n⌋ by Newton's method from above.
    static func floorSqrt(_ n: UInt64) -> UInt64 {
        guard n > 1 else { return n }
        var x = UInt64(1) << ((64 - n.leadingZeroBitCount + 1) / 2)
        while true {
            let y = (x + n / x) / 2
            if y >= x { return x }
            x = y
        }
    }

    static func ceilSqrt(_ n: UInt64) -> UInt64 {
        let r = floorSqrt(n)
        return r * r < n ? r + 1 : r
    }

    /// A sum that sticks at UInt128.max.
    struct Saturating {
        var value: UInt128 = 0
        init(_ v: UInt128 = 0) { value = v }
        static func += (a: inout Saturating, b: UInt128) {
            let (s, o) = a.value.addingReportingOverflow(b)
            a.value = o ? UInt128.max : s
        }
        static func + (a: Saturating, b: UInt128) -> Saturating {
            var c = a
            c += b
            return c
        }
    }
}

extension TimeHorizon {
    /// `bound` takes each option's volatility as fixed; read from a surface
    /// (vol-surface.md) it is not always: interpolated between two points it drifts with time
    /// (valued again at the next block), and on one point of another expiry (flat outside the
    /// points) it holds until a point of the surface expires and the live points change.
    public static func surfaceDeadline(_ risk: VaultRisk, state: some StateReader, at time: UInt64) -> UInt64? {
        var due: UInt64?
        for p in risk.positions where p.instrument.isOption && p.timeToExpiryMs > 0 {
            guard let base = p.volOracle, p.volFeeds.map(\.market) != [base] else { continue }
            if p.volFeeds.count > 1 { return time + 1 }
            guard let point = p.volFeeds.first, let symbol = state.oracleMarket(point.market)?.symbol,
                  VolSurfaces.expiry(ofFeed: symbol) != p.instrument.expiryMs else { continue }
            let expiries = (state.volSurfaces().surface(of: base)?.points ?? []).compactMap { id in
                state.oracleMarket(id).flatMap { VolSurfaces.expiry(ofFeed: $0.symbol) }
            }
            if let next = expiries.filter({ $0 > time }).min() { due = min(due ?? .max, next) }
        }
        return due
    }
}
