/// Expiry of dated futures and options (contracts-spec/options.md, "Settlement"): in the first
/// block whose time is at or after a market's expiry, before that block's transactions, the
/// market's resting orders are cancelled and every position is closed at the settlement price,
/// with no fee. Longs and shorts are equal in size, the settlement price is on the tick and every
/// size on the step, so what the longs receive is exactly what the shorts pay: USDC is conserved
/// to the quantum.
enum Settlement {
    /// The settlement price of one unit: the underlying's oracle price, through the instrument's
    /// payoff, rounded down to the tick. The price must be fresh and not clamped (the rule for
    /// anything that adds risk, oracle.md): while it is not, the market waits for the first
    /// block that has one, and stays closed to new risk meanwhile.
    static func price(of market: PerpMarket, state: some StateReader, at time: UInt64) -> (underlying: UInt64, price: UInt64)? {
        guard let s = try? OracleGuard.priceForRiskIncrease(market: market.params.oracleMarket, state: state, at: time) else { return nil }
        let tick = market.params.tickSize
        let value = market.params.instrument.settlementValue(underlying: s)
        return (s, value / tick * tick)
    }

    /// Begin-block work for every dated market in id order. Returns the events; writes to `state`.
    static func beginBlock(_ context: BlockContext, state: StateOverlay) -> [Event] {
        var events = [Event]()
        for var market in state.perpMarkets() {
            guard let expiry = market.params.instrument.expiryMs, !market.isSettled, context.timeMs >= expiry,
                  let (underlying, price) = price(of: market, state: state, at: context.timeMs) else { continue }
            let symbol = market.params.symbol
            var canceled = 0
            for side in [Side.buy, .sell] {
                var resting = [Order]()
                OrderBook.scan(market: market.id, side: side, state: state) { resting.append($0); return true }
                for o in resting {
                    OrderBook.remove(o, state)
                    events.append(Event("order_canceled", [("order_id", .number(o.id)), ("reason", "settlement"),
                                                           ("remaining", .size(Int64(o.remaining)))]))
                }
                canceled += resting.count
            }
            var longs: UInt64 = 0, paid: UInt128 = 0, received: UInt128 = 0
            // Longs first (they sell to settle), then shorts, each in vault key order.
            for long in [true, false] {
                for vault in MarketPositions.vaults(market: market.id, long: long, state: state) {
                    guard let position = state.position(vault, market.id), position.size != 0 else { continue }
                    let size = UInt64(position.size.magnitude)
                    let quote = UInt128(size) * UInt128(price) / PerpUnits.notionalDivisor
                    // Settlement cannot fail: the quote fits (size and price are 64-bit) and the
                    // position only shrinks to zero.
                    guard let fill = try? Fills.apply(vault: vault, side: long ? .sell : .buy, size: size, price: price, quote: quote,
                                                      feePpm: 0, market: &market, state: state) else { continue }
                    if long { longs += size; received += quote } else { paid += quote }
                    events.append(Event("settlement", [
                        ("market", .text(symbol)), ("vault", .vault(vault)), ("size", .size(position.size)),
                        ("price", .price(price)), ("quote", .quote(long ? Int128(quote) : -Int128(quote))),
                        ("realized_pnl", .quote(fill.realizedPnl)),
                    ]))
                }
            }
            market.settlementPrice = price
            market.settledAtMs = context.timeMs
            market.params.active = false
            state.putPerpMarket(market)
            events.append(Event("market_settled", [
                ("market", .text(symbol)), ("expiry_ms", .number(expiry)), ("underlying_price", .price(underlying)),
                ("settlement_price", .price(price)), ("settled_size", .size(Int64(longs))),
                ("paid_to_longs", .quote(Int128(received))), ("paid_by_shorts", .quote(Int128(paid))),
                ("orders_canceled", .number(canceled)),
            ]))
        }
        return events
    }
}
