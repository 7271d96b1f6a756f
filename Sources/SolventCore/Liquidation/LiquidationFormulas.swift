/// The formulas of a liquidation (liquidation.md, "Size", "Bankruptcy price", "Backstop price",
/// "Portfolio vaults and options"): pure functions of a vault's risk, which `execute` and its
/// steps apply.
extension Liquidation {
    /// The vault's maintenance requirement if `delta` of the position were closed (at the oracle price).
    /// For a portfolio vault, the whole portfolio is evaluated again with the position reduced.
    public static func maintenance(afterClosing delta: UInt64, of p: PositionRisk, in vault: VaultRisk,
                                   market: PerpMarketParams) throws(ProtocolError) -> UInt128 {
        // |size| < 2^63 and delta ≤ |size|.
        let left = Int64(p.size.magnitude - UInt64(min(delta, p.size.magnitude)))
        let size = p.size > 0 ? left : -left
        if vault.portfolio != nil, let settings = vault.portfolioSettings {
            var positions = vault.positions.map(\.portfolioPosition)
            if let i = positions.firstIndex(where: { $0.market == p.market }) { positions[i].size = size }
            return (try? PortfolioMargin.evaluate(positions, settings: settings).maintenance) ?? vault.maintenance
        }
        return try (vault.maintenance - min(p.maintenance, vault.maintenance)).adding(Margin.requirements(market, size: size, mark: p.mark).maintenance)
    }

    /// A portfolio vault is liquidated first in the market whose whole close lowers its
    /// maintenance requirement most (the lowest market id among equals); nil for other vaults.
    public static func firstMarketToClose(_ vault: VaultRisk, state: some StateReader) throws(ProtocolError) -> UInt32? {
        guard vault.portfolio != nil else { return nil }
        var best: (market: UInt32, mm: UInt128)?
        for p in vault.positions {
            guard let market = state.perpMarket(p.market) else { continue }
            let mm = try maintenance(afterClosing: UInt64(p.size.magnitude), of: p, in: vault, market: market.params)
            if best == nil || mm < best!.mm { best = (p.market, mm) }
        }
        return best?.market
    }

    /// The liquidation fee on closing `delta` at the oracle price, before the surplus cap:
    /// min(⌈⌈delta × price / 10^10⌉ × fee rate / 10^6⌉, max fee).
    public static func fee(closing delta: UInt64, at price: UInt64, settings: LiquidationSettings) -> UInt128 {
        let notional = FixedPoint.mulDiv(UInt128(delta), UInt128(price), PerpUnits.notionalDivisor, .up) ?? UInt128.max / 2
        return min(FixedPoint.mulDiv(notional, UInt128(settings.feePpm), 1_000_000, .up) ?? UInt128.max, settings.maxFee)
    }

    /// The most closing `delta` can cost the vault beyond its fee: the whole close executed at
    /// the keeper's backstop price, |oracle − backstop| × delta / 10^10, rounded up.
    public static func slippage(closing delta: UInt64, at price: UInt64, backstop: UInt64) -> UInt128 {
        let gap = price > backstop ? price - backstop : backstop - price
        return FixedPoint.mulDiv(UInt128(delta), UInt128(gap), PerpUnits.notionalDivisor, .up) ?? UInt128.max / 2
    }

    /// The least multiple of `step` such that, after its fee and executed at worst at the
    /// backstop price, the close leaves (equity − fee − slippage) × 10^6 ≥ (10^6 + buffer) ×
    /// maintenance; the whole position if no close does. Cost grows and maintenance falls with the
    /// size closed, and the fee rate plus the discount is at most any market's lowest maintenance
    /// rate (a listing rule), so the condition holds from some size on and bisection finds it.
    public static func closeSize(vault: VaultRisk, position p: PositionRisk, market: PerpMarketParams, settings: LiquidationSettings,
                                 step: UInt64, tick: UInt64) throws(ProtocolError) -> UInt64 {
        let whole = UInt64(p.size.magnitude)
        guard vault.equity > 0 else { return whole }
        let backstop = backstopPrice(oracle: p.oraclePrice, closing: p.size > 0 ? .sell : .buy, discountPpm: settings.backstopDiscountPpm, tick: tick)
        func restores(_ delta: UInt64) throws(ProtocolError) -> Bool {
            let left = UInt128(vault.equity)
            let (fee, overflow) = fee(closing: delta, at: p.oraclePrice, settings: settings)
                .addingReportingOverflow(slippage(closing: delta, at: p.oraclePrice, backstop: backstop))
            guard !overflow, left > fee else { return false }
            let mm = try maintenance(afterClosing: delta, of: p, in: vault, market: market)
            guard let needed = FixedPoint.mulDiv(mm, UInt128(1_000_000 + UInt64(settings.bufferPpm)), 1, .up),
                  let have = FixedPoint.mulDiv(left - fee, 1_000_000, 1, .down) else { return false }
            return have >= needed
        }
        var lo: UInt64 = 1, hi = whole / step   // in steps
        guard hi >= 1, try restores(hi * step) else { return whole }
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if try restores(mid * step) { hi = mid } else { lo = mid + 1 }
        }
        return lo * step
    }

    /// The equity the closed part takes with it: equity × (maintenance it releases ÷ the vault's
    /// maintenance), rounded down. In a portfolio vault the shares follow the positions' notionals
    /// instead: closing one leg of a hedge can raise the portfolio requirement, yet that leg still
    /// carries its part of the equity, and what closing a leg costs (fee and keeper's discount) is
    /// in proportion to its notional, which is what the closeout contingency charges for
    /// (liquidation.md, "Soundness").
    public static func equityShare(vault: VaultRisk, position p: PositionRisk, closing delta: UInt64,
                                   market: PerpMarketParams) throws(ProtocolError) -> Int128 {
        if vault.portfolio != nil {
            // Notionals at each position's own price (an option's mark, not its underlying's), the
            // price its fee and discount are taken on.
            func atMark(_ size: UInt64, _ price: UInt64) -> UInt128 {
                FixedPoint.mulDiv(UInt128(size), UInt128(price), PerpUnits.notionalDivisor, .up) ?? UInt128(Int128.max)
            }
            let closed = atMark(delta, p.oraclePrice)
            var total: UInt128 = 0
            for q in vault.positions { total = total.addingReportingOverflow(atMark(UInt64(q.size.magnitude), q.oraclePrice)).partialValue }
            guard total > 0, total <= UInt128(Int128.max) else { return 0 }
            // closed ≤ this position's part of the total: the share is at most the equity.
            return FixedPoint.mulDiv(vault.equity, Int128(min(closed, total)), Int128(total), .down) ?? 0
        }
        let after = try maintenance(afterClosing: delta, of: p, in: vault, market: market)
        let released = vault.maintenance > after ? vault.maintenance - after : 0
        return FixedPoint.mulDiv(vault.equity, Int128(released), Int128(vault.maintenance), .down) ?? 0
    }

    /// The price at which closing `delta` leaves the vault with equity minus the closed part's
    /// share: oracle − share × 10^10 / delta for a long (rounded up, then up to the tick), oracle
    /// + share × 10^10 / delta for a short (rounded down, then down to the tick); at least one tick.
    public static func bankruptcyPrice(vault: VaultRisk, position p: PositionRisk, closing delta: UInt64, market: PerpMarketParams,
                                       tick: UInt64) throws(ProtocolError) -> UInt64 {
        let share = try equityShare(vault: vault, position: p, closing: delta, market: market)
        let perUnit = FixedPoint.mulDiv(share, Int128(PerpUnits.notionalDivisor), Int128(delta), .down) ?? (share > 0 ? Int128.max / 4 : Int128.min / 4)
        let oracle = Int128(p.oraclePrice), t = Int128(tick)
        let raw = p.size > 0 ? oracle - perUnit : oracle + perUnit
        let onTick = p.size > 0 ? FixedPoint.divide(raw, t, .up) * t : FixedPoint.divide(raw, t, .down) * t
        let highest = Int128(UInt64.max) / t * t
        return UInt64(min(max(onTick, t), highest))
    }

    /// The keeper's price for taking over: oracle × (1 − discount) when it buys a long (rounded up
    /// to the tick), oracle × (1 + discount) when it takes a short (rounded down to the tick).
    public static func backstopPrice(oracle: UInt64, closing: Side, discountPpm: UInt32, tick: UInt64) -> UInt64 {
        // The discount is at most 100% (a liquidation-settings rule); min() keeps a stray one from trapping.
        let discount = UInt128(min(discountPpm, 1_000_000))
        let rate = closing == .sell ? 1_000_000 - discount : 1_000_000 + discount
        let divisor = 1_000_000 * UInt128(tick)
        let steps = FixedPoint.mulDiv(UInt128(oracle), rate, divisor, closing == .sell ? .up : .down) ?? 0
        return UInt64(clamping: max(steps, 1) * UInt128(tick))
    }

    /// What closing `size` of a planned close of `planned` must bring to leave the vault its
    /// share: for a long, the least it must receive, ⌊size × oracle / 10^10⌋ − ⌈share × size /
    /// planned⌉; for a short, the most it may pay, ⌈size × oracle / 10^10⌉ + ⌈share × size /
    /// planned⌉. Both round in the fund's favour (a deficit never comes out larger than it is),
    /// and closing everything at exactly this amount leaves the vault's equity at zero.
    public static func bankruptcyQuote(closing size: UInt64, of planned: UInt64, share: Int128, oracle: UInt64,
                                       long: Bool) throws(ProtocolError) -> Int128 {
        guard let part = FixedPoint.mulDiv(share, Int128(size), Int128(planned), .up) else { throw .overflow }
        // 64-bit size × 64-bit price fits 128 bits.
        if long {
            let value = Int128(UInt128(size) * UInt128(oracle) / PerpUnits.notionalDivisor)
            return try value.subtracting(part)
        }
        let value = Int128(FixedPoint.mulDiv(UInt128(size), UInt128(oracle), PerpUnits.notionalDivisor, .up) ?? 0)
        return try value.adding(part)
    }
}
