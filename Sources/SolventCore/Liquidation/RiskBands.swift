/// Price bands for finding liquidatable vaults without revaluing every vault on every price move
/// (contracts-spec/liquidation.md, "Finding liquidatable vaults"). Not part of consensus: nodes
/// and keepers use it to keep an index; every answer is then checked exactly.
///
/// A vault's excess = equity − maintenance is split between the oracle markets it is exposed to
/// (its positions' markets and its collateral's), in proportion to the notional each carries.
/// Each market's band is the price range in which that market alone cannot use up more than its
/// part of the excess. While every price stays strictly inside its band, the vault's excess
/// stays ≥ 0, so it is not liquidatable; a vault needs looking at again only when a price leaves
/// its band, when the vault itself changes, or when funding or market parameters change.
///
/// A market's contribution to the excess, as a function of its price P, is linear in P (position
/// values, collateral values) minus the convex maintenance requirement, so it is concave, and the
/// set of prices where it has not fallen by more than its part is an interval around the current
/// price. The integer roundings add a few quantums of noise per term; each part is reduced by a
/// margin of 8 quantums per term so that noise can never carry the vault past its part.
public struct RiskBands: Sendable, Equatable {
    public struct Band: Sendable, Equatable {
        public let oracleMarket: UInt32
        /// The price the band was computed at.
        public let price: UInt64
        /// The vault needs looking at when the price is ≤ `low` (0: no price that low)...
        public let low: UInt64
        /// ... or ≥ `high` (UInt64.max: no price that high).
        public let high: UInt64

        public func contains(_ p: UInt64) -> Bool { p > low && p < high }
    }

    /// Equity − maintenance at the prices used (negative: liquidatable now).
    public let excess: Int128
    /// One band per oracle market the vault is exposed to, in oracle market order.
    public let bands: [Band]

    public var liquidatable: Bool { excess < 0 }

    /// How closely a band's ends are found, relative to the price (a band is only ever narrower
    /// than the exact one, by at most this).
    static let precisionDivisor: UInt64 = 10_000
    static let highest: UInt64 = 1 << 62

    /// The bands of `vault` at the latest prices; nil when it has no position (it cannot be
    /// liquidated) or a price it needs is missing.
    public static func compute(vault: VaultID, state: some StateReader, at time: UInt64) -> RiskBands? {
        guard let risk = try? Margin.risk(of: vault, state: state, at: time, prices: .latest), !risk.positions.isEmpty else { return nil }
        return compute(risk: risk, state: state)
    }

    public static func compute(risk: VaultRisk, state: some StateReader) -> RiskBands {
        // Saturated: an excess past 128 bits only needs its sign (and a vault that far out is
        // looked at again on any move, below).
        let excess = (try? risk.equity.subtracting(Int128(risk.maintenance))) ?? (risk.equity < 0 ? Int128.min : Int128.max)
        // Options and portfolio requirements are not linear-minus-convex in one price: such a
        // vault gets empty bands, so any move of a price it depends on (an underlying, a
        // volatility feed, a collateral price) has it valued again.
        if risk.portfolio != nil || risk.positions.contains(where: { $0.instrument.isOption }) {
            var prices = [UInt32: UInt64]()
            for p in risk.positions {
                prices[p.underlyingOracle] = p.underlyingPrice
                for f in p.volFeeds { prices[f.market] = f.value }
            }
            for c in risk.collateral { if let o = c.asset.oracleMarket { prices[o] = c.oraclePrice } }
            return RiskBands(excess: excess, bands: prices.keys.sorted().map { Band(oracleMarket: $0, price: prices[$0]!, low: prices[$0]!, high: prices[$0]!) })
        }
        // Exposures by oracle market.
        var exposures = [UInt32: Exposure]()
        for p in risk.positions {
            guard let market = state.perpMarket(p.market) else { continue }
            let oracle = market.params.oracleMarket
            exposures[oracle, default: Exposure(price: p.underlyingPrice)].positions.append((p.size, market.params.tiers))
            exposures[oracle]!.weight = exposures[oracle]!.weight.addingReportingOverflow(p.notional).overflow ? UInt128.max : exposures[oracle]!.weight + p.notional
        }
        for c in risk.collateral {
            guard let oracle = c.asset.oracleMarket else { continue }
            exposures[oracle, default: Exposure(price: c.oraclePrice)].collateral.append((c.amount, c.asset, c.haircutPpm))
            exposures[oracle]!.weight = exposures[oracle]!.weight.addingReportingOverflow(c.value).overflow ? UInt128.max : exposures[oracle]!.weight + c.value
        }
        // A saturating sum: exact, or UInt128.max once any partial sum overflows, so the
        // dictionary's per-process order cannot change it.
        let total = exposures.values.reduce(UInt128(0)) { $0.addingReportingOverflow($1.weight).overflow ? UInt128.max : $0 + $1.weight }
        var bands = [Band]()
        for oracle in exposures.keys.sorted() {
            let e = exposures[oracle]!
            var part: Int128 = -1
            if excess >= 0, total > 0 {
                part = (FixedPoint.mulDiv(excess, Int128(clamping: e.weight), Int128(clamping: total), .down) ?? 0).subtractingReportingOverflow(8 * Int128(e.terms)).partialValue
            }
            bands.append(e.band(oracle: oracle, part: part))
        }
        return RiskBands(excess: excess, bands: bands)
    }

    /// What one oracle market moves in a vault: positions valued at its price, collateral priced by it.
    struct Exposure {
        let price: UInt64
        var positions: [(size: Int64, tiers: [MarginTier])] = []
        var collateral: [(amount: UInt128, asset: Asset, haircutPpm: UInt32)] = []
        var weight: UInt128 = 0

        init(price: UInt64) { self.price = price }

        var terms: Int { positions.count + collateral.count }

        /// The exposure's contribution to equity − maintenance at price `p`, with the margin
        /// rules' own roundings (funding owed does not depend on the price and is left out).
        func contribution(at p: UInt64) throws(ProtocolError) -> Int128 {
            var sum: Int128 = 0
            for (size, tiers) in positions {
                guard let value = FixedPoint.mulDiv(Int128(size), Int128(p), Int128(PerpUnits.notionalDivisor), .down),
                      let notional = FixedPoint.mulDiv(UInt128(size.magnitude), UInt128(p), PerpUnits.notionalDivisor, .up) else { throw .overflow }
                let requirement = try Int128(checked: Margin.requirement(notional: notional, tiers: tiers, initial: false))
                sum = try sum.adding(try value.subtracting(requirement))
            }
            for (amount, asset, haircut) in collateral {
                sum = try sum.adding(Int128(checked: try CollateralRisk.value(amount, asset: asset, price: p, haircutPpm: haircut)))
            }
            return sum
        }

        func band(oracle: UInt32, part: Int128) -> Band {
            // A figure past 128 bits anywhere: no band, the vault is looked at on every move.
            guard part >= 0, let base = try? contribution(at: price) else { return Band(oracleMarket: oracle, price: price, low: price, high: price) }
            // How far the contribution at p stays above the fall the part allows (nil past 128 bits).
            func slack(_ p: UInt64) -> Int128? {
                guard let c = try? contribution(at: p), let drop = try? c.subtracting(base) else { return nil }
                return try? drop.adding(part)
            }
            let precision = max(price / RiskBands.precisionDivisor, 1)
            // Low end: the lowest price found to be within the part; the band starts just above it.
            var low: UInt64 = 0
            if let s = slack(1), s >= 0 {} else { low = Self.edge(good: price, bad: 1, precision: precision, slack) - 1 }
            // High end: none when the highest price is within the part (the contribution is
            // concave, so every price between is too: most longs, one evaluation instead of a
            // doubling up to 2^62); else double until outside, then narrow.
            var high = UInt64.max
            if let s = slack(RiskBands.highest), s >= 0 { return Band(oracleMarket: oracle, price: price, low: low, high: high) }
            var good = price, probe = max(price, 1)
            while probe < RiskBands.highest {
                probe = min(probe * 2, RiskBands.highest)
                guard let s = slack(probe), s >= 0 else { break }
                good = probe
            }
            if probe > good { high = Self.edge(good: good, bad: probe, precision: precision, slack) + 1 }
            return Band(oracleMarket: oracle, price: price, low: low, high: high)
        }

        /// The end of the part's interval between `good` (within it) and `bad` (outside), found to
        /// within `precision`: returns a price within it at most `precision` from one outside.
        /// Each round aims at where the slack, straight between the two ends, reaches zero (the
        /// contribution is linear between tier boundaries, so the aim is close) and tests a
        /// point either side of it, `precision` apart (each test moves one end of the bracket);
        /// after three such rounds the rest is bisection (liquidation.md, "Price bands").
        static func edge(good: UInt64, bad: UInt64, precision: UInt64, _ slack: (UInt64) -> Int128?) -> UInt64 {
            var good = good, bad = bad
            let up = bad > good
            func distance() -> UInt64 { up ? bad - good : good - bad }
            func toward(_ d: UInt64) -> UInt64 { up ? good + d : good - d }
            guard var slackGood = slack(good), slackGood >= 0 else { return good }
            var slackBad = slack(bad)
            var rounds = 0
            while distance() > precision {
                // Test points, nearest the good end first; each moves one end of the bracket.
                var tests = [toward(distance() / 2)]
                if rounds < 3, let sb = slackBad, sb < 0 {
                    rounds += 1
                    let fall = UInt128(slackGood) + UInt128(sb.magnitude)
                    if let d = FixedPoint.mulDiv(UInt128(distance()), UInt128(slackGood), fall, .down) {
                        let aim = UInt64(clamping: d)
                        let before = aim > precision / 2 ? aim - precision / 2 : 1
                        let after = min(before + precision, distance() - 1)
                        tests = before < distance() ? [toward(before), toward(max(after, before))] : tests
                    }
                }
                for p in tests {
                    let s = slack(p)
                    if let s, s >= 0 {
                        good = p
                        slackGood = s
                    } else {
                        bad = p
                        slackBad = s
                        break
                    }
                }
            }
            return good
        }
    }
}
