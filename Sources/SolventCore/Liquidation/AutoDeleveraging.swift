/// Auto-deleveraging (contracts-spec/insurance-and-adl.md, "Auto-deleveraging"): when the
/// insurance fund cannot pay the deficit a keeper's backstop would leave, the rest of the
/// bankrupt position is closed against positions on the other side of the market, at the
/// bankrupt vault's bankruptcy price, in the order of their ADL score (the BitMEX/Bybit rule):
///
///     profit   = ⌊ unrealized PnL × 10^6 / |cost basis| ⌋             (ppm, at the oracle price)
///     leverage = ⌊ notional × 10^6 / vault equity ⌋                   (ppm)
///     score    = ⌊ profit × leverage / 10^6 ⌋                          (ppm)
///
/// Only positions in profit, in vaults with positive equity, are deleveraged, highest score
/// first and ties in vault key order, each at most as far as it stays at or above its maintenance
/// requirement; a vault without an open position never shares a loss.
public enum AutoDeleveraging {
    /// One position's place in its side's queue.
    public struct Standing: Equatable, Sendable {
        public let vault: VaultID
        public let size: Int64
        public let unrealizedPnl: Int128
        public let equity: Int128
        public let notional: UInt128
        public let profitPpm: Int128
        public let leveragePpm: Int128
        public let score: Int128
        /// In profit in a vault with positive equity: in the queue.
        public let eligible: Bool
        /// 5 for the first fifth of the queue down to 1 for the last; 0 when not in the queue.
        public var rank: Int = 0
    }

    /// Every position on one side (`long`) of `market`, ranked: the queue first (highest score
    /// first, ties by vault key), then the positions not in it, in vault key order. Prices are
    /// the latest whatever their age (ranking only orders; the liquidation that calls on it has
    /// already required a fresh price for its own market).
    public static func ranking(market: UInt32, long: Bool, state: some StateReader, at time: UInt64) -> [Standing] {
        var all = [Standing]()
        for vault in MarketPositions.vaults(market: market, long: long, state: state) {
            guard let risk = try? Margin.risk(of: vault, state: state, at: time, prices: .latest),
                  let p = risk.positions.first(where: { $0.market == market }) else { continue }
            all.append(standing(vault: vault, position: p, equity: risk.equity))
        }
        var queue = all.filter(\.eligible).sorted { a, b in a.score != b.score ? a.score > b.score : a.vault < b.vault }
        let n = queue.count
        for i in queue.indices { queue[i].rank = 5 - (5 * i) / n }
        return queue + all.filter { !$0.eligible }
    }

    static func standing(vault: VaultID, position p: PositionRisk, equity: Int128) -> Standing {
        let pnl = p.unrealizedPnl
        let basis = p.position.costBasis.magnitude
        let profit = basis > 0 ? FixedPoint.mulDiv(pnl, 1_000_000, Int128(clamping: basis), .down) ?? 0 : 0
        let leverage = equity > 0 ? FixedPoint.mulDiv(Int128(clamping: p.notional), 1_000_000, equity, .down) ?? Int128.max / 2 : 0
        let eligible = pnl > 0 && equity > 0
        let score = eligible ? FixedPoint.mulDiv(profit, leverage, 1_000_000, .down) ?? Int128.max / 2 : 0
        return Standing(vault: vault, size: p.size, unrealizedPnl: pnl, equity: equity, notional: p.notional, profitPpm: profit,
                        leveragePpm: leverage, score: score, eligible: eligible)
    }

    /// Closes up to `size` of `bankrupt`'s position (it trades on `closing`) against the queue on
    /// the other side at `price`, no fees. The queue is ranked once per block (`BlockMemo`);
    /// each counterparty gives at most what it still holds on that side. Returns the size closed,
    /// its quote amount (less than `size` only if the queue runs out) and the queue position to
    /// start from next time, which the caller records once its transaction cannot fail any more.
    static func deleverage(bankrupt: VaultID, closing: Side, size: UInt64, price: UInt64, market: inout PerpMarket, context: BlockContext,
                           state: StateOverlay, events: inout [Event]) throws(ProtocolError) -> (filled: UInt64, quote: UInt128, cursor: Int) {
        // The bankrupt vault sells (closing a long): the counterparties are shorts that buy back.
        let long = closing == .buy
        let (queue, start) = context.memo.adlQueue(market: market.id, long: long) {
            ranking(market: market.id, long: long, state: state, at: context.timeMs)
        }
        var remaining = size
        var quote: UInt128 = 0
        var cursor = start
        while remaining > 0, cursor < queue.count {
            let s = queue[cursor]
            // An entry out of the queue, the bankrupt vault itself, or one with nothing left on
            // this side is passed over for the rest of the block.
            let held = state.position(s.vault, market.id)?.size ?? 0
            guard s.eligible, s.vault != bankrupt, held != 0, (held > 0) == long else {
                cursor += 1
                continue
            }
            let wanted = min(remaining, UInt64(held.magnitude))
            let take = try withinMaintenance(wanted, of: s.vault, side: closing.opposite, price: price,
                                             market: market, context: context, state: state)
            guard take > 0 else {
                cursor += 1
                continue
            }
            let q = UInt128(take) * UInt128(price) / PerpUnits.notionalDivisor
            _ = try Fills.apply(vault: bankrupt, side: closing, size: take, price: price, quote: q, feePpm: 0, market: &market, state: state)
            _ = try Fills.apply(vault: s.vault, side: closing.opposite, size: take, price: price, quote: q, feePpm: 0, market: &market, state: state)
            events.append(Event("adl", [
                ("market", .text(market.params.symbol)), ("bankrupt_vault", .vault(bankrupt)), ("vault", .vault(s.vault)),
                ("side", .text(closing.opposite.name)), ("size", .size(Int64(take))), ("price", .price(price)),
                ("quote", .quote(Int128(q))), ("score_ppm", .number(s.score)), ("rank", .number(s.rank)),
            ]))
            remaining -= take
            quote += q
            // Fully used, or cut by its maintenance: either way it gives nothing more in this block.
            if take == UInt64(held.magnitude) || take < wanted { cursor += 1 }
        }
        if remaining > 0 {
            events.append(Event("adl_exhausted", [("market", .text(market.params.symbol)), ("vault", .vault(bankrupt)),
                                                  ("unfilled", .size(Int64(remaining)))]))
        }
        return (size - remaining, quote, cursor)
    }

    /// The most of `size` (whole steps) the counterparty can take at `price` and still meet its
    /// maintenance requirement at the latest prices (insurance-and-adl.md, "A counterparty stays
    /// above maintenance"): all of it when it can, else found by bisection on a scratch copy of
    /// the state; 0 when not one step can be taken.
    static func withinMaintenance(_ size: UInt64, of vault: VaultID, side: Side, price: UInt64, market: PerpMarket,
                                  context: BlockContext, state: StateOverlay) throws(ProtocolError) -> UInt64 {
        let step = market.params.stepSize
        func keeps(_ take: UInt64) throws(ProtocolError) -> Bool {
            let trial = StateOverlay(base: state)
            var m = market
            let q = UInt128(take) * UInt128(price) / PerpUnits.notionalDivisor
            _ = try Fills.apply(vault: vault, side: side, size: take, price: price, quote: q, feePpm: 0, market: &m, state: trial)
            guard let after = try? Margin.risk(of: vault, state: trial, at: context.timeMs, prices: .latest) else { return false }
            return !after.isLiquidatable
        }
        if try keeps(size) { return size }
        var lo: UInt64 = 0, hi = size / step   // steps: lo keeps, hi does not
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if try keeps(mid * step) { lo = mid } else { hi = mid }
        }
        return lo * step
    }
}
