/// Funding (contracts-spec/funding.md): every `funding_interval_ms` of block time, longs pay
/// shorts (or the reverse) rate × oracle price per unit held. The rate is the average of premium
/// samples taken every `funding_sample_interval_ms` from the book's impact bid and ask against
/// the oracle price, capped at ± `funding_rate_cap_ppm`. Payments accrue in a cumulative index and
/// each position settles lazily, when it next changes, through the market's funding pool.
public enum Funding {
    /// The index is in USDC quantums × 10^16 per size unit: a rate (ppm) times a price (8
    /// decimals) is directly an index increment.
    public static let indexScale: Int128 = 10_000_000_000_000_000

    /// What the position owes since it last settled, rounded up (a payer pays the remainder, a
    /// receiver is owed the remainder less): size × (index − position index) / 10^16.
    public static func owed(_ p: Position, index: Int128) throws(ProtocolError) -> Int128 {
        let delta = try index.subtracting(p.fundingIndex)
        guard delta != 0, p.size != 0 else { return 0 }
        guard let amount = FixedPoint.mulDiv(Int128(p.size), delta, indexScale, .up) else { throw .overflow }
        return amount
    }

    /// Settles the position's funding into the vault's quote through the market's pool.
    static func settle(_ position: inout Position, vault: inout Vault, market: inout PerpMarket) throws(ProtocolError) {
        let amount = try owed(position, index: market.fundingIndex)
        guard amount != 0 else {
            position.fundingIndex = market.fundingIndex
            return
        }
        let quote = try vault.quote.subtracting(amount)
        let pool = try market.fundingPool.adding(amount)
        let paid = try position.fundingPaid.adding(amount)
        position.fundingIndex = market.fundingIndex
        vault.quote = quote
        market.fundingPool = pool
        position.fundingPaid = paid
    }

    /// The most a premium sample counts for: ±100% (funding.md, "Premium samples").
    public static let maxPremiumPpm: Int64 = 1_000_000

    /// Premium (ppm) of the book against the oracle price: positive when a sell of the impact
    /// notional would fill above the oracle, negative when a buy would fill below it, else 0;
    /// within ±100%. Each impact price is the average price of filling the impact notional; a
    /// side too thin to fill it gives no impact price.
    public static func premiumPpm(market: PerpMarket, oraclePrice: UInt64, state: some StateReader) -> Int64 {
        let oracle = Int128(max(oraclePrice, 1))
        if let bid = OrderBook.impactPrice(market: market, side: .buy, state: state), Int128(bid) > oracle {
            return min(maxPremiumPpm, Int64(clamping: FixedPoint.mulDiv(Int128(bid) - oracle, 1_000_000, oracle, .down) ?? 0))
        }
        if let ask = OrderBook.impactPrice(market: market, side: .sell, state: state), Int128(ask) < oracle {
            return -min(maxPremiumPpm, Int64(clamping: FixedPoint.mulDiv(oracle - Int128(ask), 1_000_000, oracle, .down) ?? 0))
        }
        return 0
    }

    /// Begin-block work for every market in id order: take a premium sample when one is due and
    /// apply funding for every interval that has ended. Returns the events; writes to `state`.
    static func beginBlock(_ context: BlockContext, state: StateOverlay) -> [Event] {
        var events = [Event]()
        for var market in state.perpMarkets() where market.params.instrument.isPerpetual {
            let p = market.params
            let before = market
            // Times are at most Limits.maxTimeMs and intervals at most a year: no sum here overflows.
            if market.nextSampleMs == 0 {
                market.nextSampleMs = context.timeMs + p.fundingSampleIntervalMs
                market.nextFundingMs = context.timeMs + p.fundingIntervalMs
            }
            let price = try? OracleGuard.priceForRiskIncrease(market: p.oracleMarket, state: state, at: context.timeMs)
            if context.timeMs >= market.nextSampleMs, let price {
                // One sample per block, however many slots a jump in block time skipped; without a
                // fresh price the sample waits for the first block that has one.
                // Samples are within ±10^6 and fewer than 2^32: the sum fits 64 bits.
                market.premiumSumPpm += premiumPpm(market: market, oraclePrice: price, state: state)
                market.premiumSamples = market.premiumSamples == UInt32.max ? UInt32.max : market.premiumSamples + 1
                market.nextSampleMs = context.timeMs + p.fundingSampleIntervalMs
            }
            if context.timeMs >= market.nextFundingMs {
                // Every interval that has ended is paid at once, at one rate: after a jump in block
                // time (a devnet advancing the clock, a chain started long after its genesis) the
                // missed intervals are k of them, not k separate steps.
                let intervals = (context.timeMs - market.nextFundingMs) / p.fundingIntervalMs + 1
                var rate: Int64 = 0
                var status = "skipped_stale_price"
                if let price {
                    let samples = market.premiumSamples
                    let average = samples > 0 ? market.premiumSumPpm / Int64(samples)
                        : premiumPpm(market: market, oraclePrice: price, state: state)
                    let cap = Int64(p.fundingRateCapPpm)
                    rate = min(max(average, -cap), cap)
                    // |rate| ≤ 10^6, price ≤ 10^18 and intervals < 2^48 fit 128 bits; the index
                    // itself may not take it: then this funding is not applied (funding.md).
                    if let index = try? market.fundingIndex.adding(Int128(rate) * Int128(price) * Int128(intervals)) {
                        market.fundingIndex = index
                        status = "applied"
                    } else {
                        rate = 0
                        status = "skipped_overflow"
                    }
                }
                market.lastFundingRatePpm = rate
                events.append(Event("funding", [
                    ("market", .text(p.symbol)), ("rate_ppm", .number(rate)), ("intervals", .number(intervals)),
                    ("price", price.map(EventValue.price) ?? .absent), ("samples", .number(market.premiumSamples)),
                    ("index", .number(market.fundingIndex)), ("status", .text(status)),
                ]))
                market.premiumSumPpm = 0
                market.premiumSamples = 0
                market.nextFundingMs += intervals * p.fundingIntervalMs
            }
            if market != before { state.putPerpMarket(market) }
        }
        return events
    }
}
