/// Value-at-Risk and expected shortfall beside the scenario margin (contracts-spec/risk-measures.md):
/// a vault revalued under each hourly move of the chain's price history (historical simulation),
/// and a delta-gamma-vega normal approximation from the same window. Shown, never checked: margin
/// stays the scenario requirement.
public enum RiskMeasures {
    /// VaR and ES at 99% and 97.5%, USDC quantums, never below 0.
    public struct Tail: Sendable, Equatable {
        public let var99: UInt128, es99: UInt128, var975: UInt128, es975: UInt128
    }

    public struct Historical: Sendable, Equatable {
        /// The vault's profit in each sample (negative: a loss), oldest first.
        public let pnls: [Int128]
        public let tail: Tail
        public var worstLoss: Int128 { max(0, -(pnls.min() ?? 0)) }
        public var bestGain: Int128 { max(0, pnls.max() ?? 0) }
    }

    public struct Parametric: Sendable, Equatable {
        public let var99: UInt128, var975: UInt128
        /// The first-order P&L's standard deviation (rounded up) and the gamma term's mean.
        public let sigma: UInt128
        public let gammaMean: Int128
    }

    static let z99: UInt128 = 2_326_348, z975: UInt128 = 1_959_964

    /// VaR_α = max(0, L_(m)) and ES_α = max(0, ⌈(L_(1) + … + L_(m)) / m⌉) over the losses sorted from
    /// the largest, m = ⌊n(1 − α)⌋ + 1; nil without a sample.
    public static func tail(_ pnls: [Int128]) throws(ProtocolError) -> Tail? {
        guard !pnls.isEmpty else { return nil }
        let losses = pnls.map { -$0 }.sorted(by: >)
        func measures(_ m: Int) throws(ProtocolError) -> (UInt128, UInt128) {
            let sum = try losses.prefix(m).checkedSum { $0 }
            let mean = FixedPoint.mulDiv(sum, 1, Int128(m), .up) ?? 0
            return (UInt128(max(0, losses[m - 1])), UInt128(max(0, mean)))
        }
        let (v99, e99) = try measures(min(losses.count, losses.count / 100 + 1))
        let (v975, e975) = try measures(min(losses.count, losses.count / 40 + 1))
        return Tail(var99: v99, es99: e99, var975: v975, es975: e975)
    }

    /// The vault's profit in every sample of the window (risk-measures.md, "Historical simulation").
    public static func historicalPnl(_ risk: VaultRisk, history: PriceHistory) throws(ProtocolError) -> [Int128] {
        try historicalPnl(positions: risk.positions.map(\.portfolioPosition), collateral: risk.collateral, history: history)
    }

    public static func historicalPnl(positions: [PortfolioMargin.Position], collateral: [CollateralRisk],
                                     history: PriceHistory) throws(ProtocolError) -> [Int128] {
        // Perpetuals and futures per underlying; options per (underlying, volatility feed).
        var linear = [UInt32: [PortfolioMargin.Position]]()
        var options = [UInt64: [PortfolioMargin.Position]]()
        for p in positions {
            if case .option(_, _, _, let vol) = p.instrument {
                options[UInt64(p.underlying) << 32 | UInt64(vol), default: []].append(p)
            } else {
                linear[p.underlying, default: []].append(p)
            }
        }
        var pricer = BlackScholes.Pricer()
        var pnls = [Int128]()
        pnls.reserveCapacity(history.sampleCount)
        for k in stride(from: 1, to: history.rows.count, by: 1) {
            let r = history.returns(sample: k)
            var pnl: Int128 = 0
            for u in linear.keys.sorted() {
                let group = linear[u]!
                pnl = try pnl.adding(try PortfolioMargin.linearPnl(group, to: PortfolioMargin.moved(group[0].spot, r[u] ?? 0)))
            }
            for key in options.keys.sorted() {
                let group = options[key]!
                let (u, v) = (UInt32(key >> 32), UInt32(truncatingIfNeeded: key))
                pnl = try pnl.adding(try PortfolioMargin.optionPnl(group, to: PortfolioMargin.moved(group[0].spot, r[u] ?? 0),
                                                                   volMovePpm: r[v] ?? 0, pricer: &pricer))
            }
            for c in collateral {
                guard let o = c.asset.oracleMarket else { continue }
                let moved = try CollateralRisk.value(c.amount, asset: c.asset, price: PortfolioMargin.moved(c.oraclePrice, r[o] ?? 0),
                                                     haircutPpm: c.haircutPpm)
                pnl = try pnl.adding(try Int128(checked: moved).subtracting(Int128(checked: c.value)))
            }
            pnls.append(pnl)
        }
        return pnls
    }

    /// The delta-gamma-vega normal VaR (risk-measures.md, "Parametric delta-gamma-vega VaR"); nil
    /// without a sample.
    public static func parametric(_ risk: VaultRisk, history: PriceHistory) throws(ProtocolError) -> Parametric? {
        try parametric(positions: risk.positions.map(\.portfolioPosition), collateral: risk.collateral, history: history)
    }

    public static func parametric(positions: [PortfolioMargin.Position], collateral: [CollateralRisk],
                                  history: PriceHistory) throws(ProtocolError) -> Parametric? {
        let n = history.sampleCount
        guard n > 0 else { return nil }
        var delta = [UInt32: Int128](), vega = [UInt32: Int128](), gamma = [UInt32: Int128]()
        for p in positions {
            let u = p.underlying, s = Int128(p.spot), size = Int128(p.size)
            guard case .option(_, let strike, let call, let volOracle) = p.instrument else {
                delta[u] = try delta[u, default: 0].adding(try mulDiv(size, s, Int128(PerpUnits.notionalDivisor)))
                continue
            }
            guard let g = BlackScholes.evaluate(spot: p.spot, strike: strike, vol: p.vol, timeMs: p.timeToExpiryMs, isCall: call) else {
                throw PortfolioMargin.unpriceable(p.symbol)
            }
            delta[u] = try delta[u, default: 0].adding(try mulDiv(try mulDiv(size, g.delta, 1), s, scale28))
            vega[volOracle] = try vega[volOracle, default: 0].adding(try mulDiv(try mulDiv(size, g.vega, 1), Int128(p.vol), scale28))
            gamma[u] = try gamma[u, default: 0].adding(try mulDiv(try mulDiv(try mulDiv(size, g.gamma, 1), s, FixedMath.one), s, FixedMath.one))
        }
        for c in collateral {
            guard let o = c.asset.oracleMarket else { continue }
            delta[o] = try delta[o, default: 0].adding(try Int128(checked: c.value))
        }
        let factors = Set(delta.keys).union(vega.keys).sorted()
        let gammaUnderlyings = gamma.keys.sorted()
        var squares: UInt128 = 0
        var returnSquares = [UInt32: Int128]()
        for k in stride(from: 1, to: history.rows.count, by: 1) {
            let r = history.returns(sample: k)
            var l: Int128 = 0
            for f in factors {
                let exposure = try (delta[f] ?? 0).adding(vega[f] ?? 0)
                l = try l.adding(try mulDiv(exposure, Int128(r[f] ?? 0), 1_000_000))
            }
            let (sq, overflow) = l.magnitude.multipliedReportingOverflow(by: l.magnitude)
            let (sum, overflow2) = squares.addingReportingOverflow(sq)
            guard !overflow, !overflow2 else { throw .overflow }
            squares = sum
            for u in gammaUnderlyings { returnSquares[u, default: 0] += Int128(r[u] ?? 0) * Int128(r[u] ?? 0) }
        }
        let variance = (squares + UInt128(n) - 1) / UInt128(n)
        let root = FixedMath.squareRoot(high: 0, low: variance)
        let sigma = root * root == variance ? root : root + 1
        var mean: Int128 = 0
        for u in gammaUnderlyings {
            mean = try mean.adding(try mulDiv(gamma[u]!, returnSquares[u] ?? 0, 2 * Int128(n) * 1_000_000_000_000))
        }
        func value(_ z: UInt128) -> UInt128 {
            let scaled = Int128(clamping: (z * sigma + 999_999) / 1_000_000)
            return UInt128(max(0, scaled.subtractingReportingOverflow(mean).overflow ? Int128.max : scaled - mean))
        }
        return Parametric(var99: value(z99), var975: value(z975), sigma: sigma, gammaMean: mean)
    }

    static let scale28: Int128 = 10_000_000_000_000_000_000_000_000_000

    /// ⌊a × b / c⌋ (c > 0) in full width, refused past 128 bits.
    static func mulDiv(_ a: Int128, _ b: Int128, _ c: Int128) throws(ProtocolError) -> Int128 {
        guard let v = FixedPoint.mulDiv(a, b, c, .down) else { throw .overflow }
        return v
    }
}
