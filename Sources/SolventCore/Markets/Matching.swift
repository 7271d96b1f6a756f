/// Placing, matching and cancelling orders (contracts-spec/markets.md, "Matching").
///
/// Orders match in block order against the resting book at the resting order's price, best price
/// first and, at one price, oldest first. Self-trades are prevented by cancelling the resting
/// order. Fills pay the maker fee (resting side) and the taker fee (incoming side).
public struct OrderRequest: Equatable, Sendable {
    public enum Kind: UInt8, Sendable {
        /// Rests at `price` (subject to the time in force).
        case limit = 0
        /// Fills at once at prices no worse than `price`; never rests.
        case market = 1
    }

    public let vault: UInt32
    public let market: UInt32
    public let side: Side
    public let kind: Kind
    public let timeInForce: TimeInForce
    public let reduceOnly: Bool
    /// Size units; a multiple of the market's step, at least its minimum order.
    public let size: UInt64
    /// The limit price, or for a market order the worst acceptable price; a multiple of the tick.
    public let price: UInt64

    public init(vault: UInt32, market: UInt32, side: Side, kind: Kind, timeInForce: TimeInForce, reduceOnly: Bool,
                size: UInt64, price: UInt64) {
        self.vault = vault
        self.market = market
        self.side = side
        self.kind = kind
        self.timeInForce = timeInForce
        self.reduceOnly = reduceOnly
        self.size = size
        self.price = price
    }

    func encode(into w: inout ByteWriter) {
        w.u32(vault)
        w.u32(market)
        w.u8(side.rawValue)
        w.u8(kind.rawValue)
        w.u8(timeInForce.rawValue)
        w.bool(reduceOnly)
        w.u64(size)
        w.u64(price)
    }

    static func decode(from r: inout ByteReader) throws(ProtocolError) -> OrderRequest {
        let vault = try r.u32("vault"), market = try r.u32("market")
        guard let side = Side(rawValue: try r.u8("side")) else { throw ProtocolError(.invalidField, "side must be 0 (buy) or 1 (sell)") }
        guard let kind = Kind(rawValue: try r.u8("order kind")) else { throw ProtocolError(.invalidField, "order kind must be 0 (limit) or 1 (market)") }
        guard let tif = TimeInForce(rawValue: try r.u8("time in force")) else {
            throw ProtocolError(.invalidField, "time in force must be 0 (gtc), 1 (ioc) or 2 (post only)")
        }
        return OrderRequest(vault: vault, market: market, side: side, kind: kind, timeInForce: tif, reduceOnly: try r.bool("reduce only"),
                            size: try r.u64("size"), price: try r.u64("price"))
    }
}

enum Matching {
    static func place(_ req: OrderRequest, owner: Address, context: BlockContext, state: StateOverlay) throws(ProtocolError) -> [Event] {
        guard var market = state.perpMarket(req.market) else { throw ProtocolError(.unknownMarket, "market \(req.market) does not exist") }
        let p = market.params
        let vaultID = VaultID(owner: owner, number: req.vault)
        guard let account = state.account(owner), req.vault < account.vaultCount, let vault = state.vault(vaultID) else {
            throw ProtocolError(.vaultNotFound, "account \(owner) has no vault \(req.vault)")
        }
        if case .isolated(let only) = vault.mode, only != req.market {
            throw ProtocolError(.vaultMarketMismatch, "vault \(req.vault) is isolated to market \(only); open another vault for \(p.symbol)")
        }
        if market.isSettled {
            throw ProtocolError(.marketSettled, "\(p.symbol) expired and settled at \(OraclePrice.format(market.settlementPrice)); it takes no more orders")
        }
        if let expiry = p.instrument.expiryMs, context.timeMs >= expiry {
            throw ProtocolError(.marketSettled, "\(p.symbol) has expired; it settles in the first block with a fresh price for its underlying")
        }
        // Size and price rules.
        guard req.size <= Limits.maxSize else {
            throw ProtocolError(.invalidOrderSize,
                "size \(Amount.format(UInt128(req.size), decimals: PerpUnits.sizeDecimals)) is over the largest order size, \(PerpUnits.formatSize(Int64(Limits.maxSize))) (contracts-spec/limits.md)")
        }
        guard req.size >= p.minOrderSize, req.size % p.stepSize == 0 else {
            throw ProtocolError(.invalidOrderSize,
                "size \(PerpUnits.formatSize(Int64(req.size))) must be a multiple of \(PerpUnits.formatSize(Int64(clamping: p.stepSize))) and at least \(PerpUnits.formatSize(Int64(clamping: p.minOrderSize)))")
        }
        guard req.price <= Limits.maxPrice else {
            throw ProtocolError(.invalidOrderPrice,
                "price \(OraclePrice.format(req.price)) is over the largest price, \(OraclePrice.format(Limits.maxPrice)) (contracts-spec/limits.md)")
        }
        guard req.price > 0, req.price % p.tickSize == 0 else {
            throw ProtocolError(.invalidOrderPrice, "price \(OraclePrice.format(req.price)) must be a positive multiple of the tick \(OraclePrice.format(p.tickSize))")
        }
        if req.kind == .market, req.timeInForce != .immediateOrCancel {
            throw ProtocolError(.invalidOrder, "a market order is immediate-or-cancel; its price is the worst acceptable price")
        }
        // Reduce-only: only the part that shrinks the current position.
        var size = req.size
        let current = state.position(vaultID, req.market)?.size ?? 0
        if req.reduceOnly {
            guard current != 0, (current > 0) != (req.side == .buy) else {
                throw ProtocolError(.reduceOnlyWouldIncrease, "a reduce-only \(req.side.name) would not reduce the position (\(PerpUnits.formatSize(current)))")
            }
            size = min(size, UInt64(current.magnitude))
        } else {
            guard p.active else { throw ProtocolError(.marketPaused, "\(p.symbol) is paused: only cancellations and reduce-only orders") }
            // Adding risk needs a fresh price (and the margin checks below need it too).
            _ = try OracleGuard.priceForRiskIncrease(market: p.oracleMarket, state: state, at: context.timeMs)
            if case .option(let expiry, _, _, let volOracle) = p.instrument {
                _ = try Margin.optionVolatility(volOracle, expiry: expiry, surfaces: state.volSurfaces(), state, context.timeMs, .freshOnly)
            }
        }
        if req.timeInForce == .postOnly, crosses(req, market: market, state: state) {
            throw ProtocolError(.postOnlyWouldCross, "the post-only order at \(OraclePrice.format(req.price)) would fill at once")
        }
        // Initial margin, as if the whole order filled at its price with the taker fee. A
        // reduce-only order is checked after its fills only, at the latest prices (they may be
        // stale: reducing stays allowed), so that closing at a ruinous price cannot push a vault
        // below zero and leave its loss to the protocol.
        let prices: Margin.Prices = req.reduceOnly ? .latest : .freshOnly
        let before: VaultRisk
        if req.reduceOnly {
            before = try Margin.risk(of: vaultID, state: state, at: context.timeMs, prices: prices)
        } else {
            // size ≤ 10^18 and price ≤ 10^18: the quote is at most 10^26 quantums.
            let quote = UInt128(size) * UInt128(req.price) / PerpUnits.notionalDivisor
            let worst = Margin.Adjustment(market: req.market, size: Int64(size) * req.side.sign,
                                          quote: (req.side == .buy ? -Int128(quote) : Int128(quote)) - Int128(Fills.fee(quote, ppm: p.takerFeePpm)))
            let risks = try Margin.riskBeforeAndAfter(of: vaultID, state: state, at: context.timeMs, prices: .freshOnly, adjust: worst)
            try Margin.requireInitial(after: risks.after, before: risks.before, action: "this order")
            before = risks.before
        }

        let id = state.nextOrderID()
        state.setNextOrderID(id + 1)
        var events = [Event("order_placed", [
            ("order_id", .number(id)), ("owner", .address(owner)), ("vault", .number(req.vault)), ("market", .text(p.symbol)),
            ("side", .text(req.side.name)), ("kind", req.kind == .limit ? "limit" : "market"), ("time_in_force", .text(req.timeInForce.name)),
            ("reduce_only", .bool(req.reduceOnly)), ("price", .price(req.price)),
            ("size", .size(Int64(size))),
        ])]
        var remaining = size
        let unchanged = market
        if req.timeInForce != .postOnly {
            let taker = Taker(vault: vaultID, side: req.side, limit: req.price, feePpm: p.takerFeePpm, order: .number(id))
            remaining = try match(taker, size: size, market: &market, context: context, state: state, events: &events).remaining
        }
        // A fill moves open interest and the last trade price; an order that only rests changes nothing.
        if market != unchanged { state.putPerpMarket(market) }
        if remaining > 0 {
            if req.kind == .limit, req.timeInForce != .immediateOrCancel {
                OrderBook.insert(Order(id: id, owner: owner, vault: req.vault, market: req.market, side: req.side, price: req.price,
                                       size: size, remaining: remaining, reduceOnly: req.reduceOnly, placedAtHeight: context.height), state)
                events.append(Event("order_rested", [("order_id", .number(id)), ("remaining", .size(Int64(remaining)))]))
            } else {
                events.append(Event("order_canceled", [("order_id", .number(id)), ("reason", "immediate_or_cancel"),
                                                       ("remaining", .size(Int64(remaining)))]))
            }
        }
        // The margin the order actually left (its fills may differ from the worst case above).
        if remaining < size {
            let after = try Margin.risk(of: vaultID, state: state, at: context.timeMs, prices: prices)
            try Margin.requireInitial(after: after, before: before, action: "this order")
        }
        return events
    }

    static func crosses(_ req: OrderRequest, market: PerpMarket, state: some StateReader) -> Bool {
        var crosses = false
        OrderBook.scan(market: market.id, side: req.side.opposite, state: state) { best in
            crosses = req.side == .buy ? best.price <= req.price : best.price >= req.price
            return false
        }
        return crosses
    }

    /// The incoming side of a match: an order, or a liquidation closing a position.
    struct Taker {
        let vault: VaultID
        let side: Side
        /// The worst price it accepts.
        let limit: UInt64
        let feePpm: UInt32
        /// Its order id in fill events ("liquidation" for a liquidation, which has no order).
        let order: EventValue
        /// A liquidation past its bankruptcy price: what the insurance fund can pay for fills worse
        /// than that price (liquidation.md, "Execution", step 2). Nil for orders.
        var budget: DeficitBudget? = nil
    }

    /// How much of a liquidation's book fills may fall beyond the bankruptcy price: each fill
    /// better than that price adds ⌊size × gain / 10^10⌋ to the budget, each fill worse uses
    /// ⌈size × loss / 10^10⌉ of it, and a fill is cut to the whole steps the budget pays for.
    struct DeficitBudget {
        let bankruptcy: UInt64
        let closing: Side
        let step: UInt64
        var quantums: UInt128

        /// The part of `size` at `price` the budget can pay for, in whole steps.
        func allowed(_ size: UInt64, at price: UInt64) -> UInt64 {
            let loss = closing == .sell ? (bankruptcy > price ? bankruptcy - price : 0) : (price > bankruptcy ? price - bankruptcy : 0)
            guard loss > 0 else { return size }
            let units = FixedPoint.mulDiv(quantums, PerpUnits.notionalDivisor, UInt128(loss), .down) ?? UInt128(UInt64.max)
            return min(size, UInt64(clamping: units / UInt128(step) * UInt128(step)))
        }

        mutating func record(_ size: UInt64, at price: UInt64) {
            let better = closing == .sell ? price >= bankruptcy : price <= bankruptcy
            let gap = UInt128(price > bankruptcy ? price - bankruptcy : bankruptcy - price)
            // 64-bit size × 64-bit price difference fits 128 bits.
            if better {
                quantums = quantums.addingReportingOverflow(UInt128(size) * gap / PerpUnits.notionalDivisor).partialValue
            } else {
                let used = (UInt128(size) * gap + PerpUnits.notionalDivisor - 1) / PerpUnits.notionalDivisor
                quantums -= min(used, quantums)
            }
        }
    }

    /// Matches against the opposite side; returns the size left unfilled and the quote amount of
    /// what filled. Resting orders are read in batches (the book is not written while it is being
    /// scanned); an order that cannot fill now and stays on the book is remembered so the next
    /// batch passes over it.
    static func match(_ taker: Taker, size: UInt64, market: inout PerpMarket, context: BlockContext,
                      state: StateOverlay, events: inout [Event]) throws(ProtocolError) -> (remaining: UInt64, quote: UInt128) {
        var taker = taker
        var remaining = size
        var filledQuote: UInt128 = 0
        let owner = taker.vault.owner
        var passedOver = Set<UInt64>()
        var budgetSpent = false
        while remaining > 0, !budgetSpent {
            var batch = [Order]()
            var moreBeyondBatch = false
            OrderBook.scan(market: market.id, side: taker.side.opposite, state: state) { o in
                let crosses = taker.side == .buy ? o.price <= taker.limit : o.price >= taker.limit
                guard crosses else { return false }
                if passedOver.contains(o.id) { return true }
                if batch.count == 64 {
                    moreBeyondBatch = true
                    return false
                }
                batch.append(o)
                return true
            }
            if batch.isEmpty { break }
            for var maker in batch {
                guard remaining > 0 else { break }
                if maker.owner == owner {
                    // Self-trade prevention: the resting order is cancelled, the incoming one goes on.
                    OrderBook.remove(maker, state)
                    events.append(Event("order_canceled", [("order_id", .number(maker.id)), ("reason", "self_trade")]))
                    continue
                }
                var fill = min(remaining, maker.remaining)
                if maker.reduceOnly {
                    let held = state.position(maker.vaultID, market.id)?.size ?? 0
                    let reducible = held != 0 && (held > 0) == (maker.side == .sell) ? UInt64(held.magnitude) : 0
                    fill = min(fill, reducible)
                    if fill == 0 {
                        OrderBook.remove(maker, state)
                        events.append(Event("order_canceled", [("order_id", .number(maker.id)), ("reason", "reduce_only")]))
                        continue
                    }
                }
                if let budget = taker.budget {
                    // Later makers are at the same price or worse: an exhausted budget ends the match.
                    fill = budget.allowed(fill, at: maker.price)
                    if fill == 0 {
                        budgetSpent = true
                        break
                    }
                }
                let quote = UInt128(fill) * UInt128(maker.price) / PerpUnits.notionalDivisor
                // The resting side must still be able to carry the fill.
                switch makerMargin(maker, fill: fill, quote: quote, market: market, context: context, state: state) {
                case .ok:
                    break
                case .refused(let code):
                    OrderBook.remove(maker, state)
                    events.append(Event("order_canceled", [("order_id", .number(maker.id)), ("reason", .text(code.name))]))
                    continue
                case .priceUnavailable:
                    // Stale price: a resting order that would add risk waits on the book.
                    passedOver.insert(maker.id)
                    continue
                }
                let makerResult = try Fills.apply(vault: maker.vaultID, side: maker.side, size: fill, price: maker.price, quote: quote,
                                                  feePpm: market.params.makerFeePpm, market: &market, state: state, collectingFee: false)
                let takerResult = try Fills.apply(vault: taker.vault, side: taker.side, size: fill, price: maker.price, quote: quote,
                                                  feePpm: taker.feePpm, market: &market, state: state, collectingFee: false)
                try Fills.collect(makerResult.fee, takerResult.fee, state: state)
                maker.remaining -= fill
                remaining -= fill
                filledQuote = try filledQuote.adding(quote)
                taker.budget?.record(fill, at: maker.price)
                if maker.remaining == 0 { OrderBook.remove(maker, state) } else { OrderBook.update(maker, state) }
                market.lastTradePrice = maker.price
                events.append(Event("fill", [
                    ("market", .text(market.params.symbol)), ("price", .price(maker.price)), ("size", .size(Int64(fill))),
                    ("quote", .quote(Int128(quote))), ("taker_side", .text(taker.side.name)),
                    ("maker", .address(maker.owner)), ("maker_vault", .number(maker.vault)), ("maker_order", .number(maker.id)),
                    ("maker_fee", .quote(Int128(makerResult.fee))),
                    ("taker", .address(owner)), ("taker_vault", .number(taker.vault.number)), ("taker_order", taker.order),
                    ("taker_fee", .quote(Int128(takerResult.fee))),
                ]))
            }
            if !moreBeyondBatch { break }
        }
        return (remaining, filledQuote)
    }

    enum MakerCheck { case ok, refused(ProtocolError.Code), priceUnavailable }

    /// Whether the maker's vault may take the fill: at or above initial margin after it, or no
    /// riskier. Without a fresh price only a fill that shrinks the maker's position goes ahead,
    /// checked at the latest prices.
    static func makerMargin(_ maker: Order, fill: UInt64, quote: UInt128, market: PerpMarket, context: BlockContext,
                            state: some StateReader) -> MakerCheck {
        let fee = Fills.fee(quote, ppm: market.params.makerFeePpm)
        let change = Margin.Adjustment(market: market.id, size: Int64(fill) * maker.side.sign,
                                       quote: (maker.side == .buy ? -Int128(quote) : Int128(quote)) - Int128(fee))
        func check(_ prices: Margin.Prices) throws(ProtocolError) {
            let risks = try Margin.riskBeforeAndAfter(of: maker.vaultID, state: state, at: context.timeMs, prices: prices, adjust: change)
            try Margin.requireInitial(after: risks.after, before: risks.before, action: "the fill")
        }
        do {
            try check(.freshOnly)
            return .ok
        } catch let error where error.code == .oracleStale || error.code == .oracleNoPrice {
            let held = state.position(maker.vaultID, market.id)?.size ?? 0
            let reduces = held != 0 && (held > 0) == (maker.side == .sell) && fill <= UInt64(held.magnitude)
            guard reduces else { return .priceUnavailable }
            do {
                try check(.latest)
                return .ok
            } catch {
                return error.code == .oracleNoPrice ? .priceUnavailable : .refused(error.code)
            }
        } catch {
            return .refused(error.code)
        }
    }

    static func cancel(id: UInt64, by sender: Address, state: StateOverlay) throws(ProtocolError) -> [Event] {
        guard let order = OrderBook.order(id: id, state: state) else {
            throw ProtocolError(.orderNotFound, "no resting order \(id) (it may have filled or been cancelled)")
        }
        guard order.owner == sender else { throw ProtocolError(.notOrderOwner, "order \(id) belongs to \(order.owner)") }
        OrderBook.remove(order, state)
        return [Event("order_canceled", [("order_id", .number(id)), ("reason", "canceled"),
                                          ("remaining", .size(Int64(order.remaining)))])]
    }

    static func cancelAll(vault: UInt32, market: UInt32, by sender: Address, state: StateOverlay) throws(ProtocolError) -> [Event] {
        guard state.perpMarket(market) != nil else { throw ProtocolError(.unknownMarket, "market \(market) does not exist") }
        let orders = OrderBook.orders(owner: sender, vault: vault, market: market, state: state)
        for o in orders { OrderBook.remove(o, state) }
        return [Event("orders_canceled", [("owner", .address(sender)), ("vault", .number(vault)),
                                          ("market", .text(state.perpMarket(market)!.params.symbol)), ("count", .number(orders.count))])]
    }
}
