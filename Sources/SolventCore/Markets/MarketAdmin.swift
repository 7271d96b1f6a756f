/// The admin's market controls (contracts-spec/markets.md, "Listing"): list a market, change its
/// parameters. Every change is an event; a market whose parameters break the listing rules is refused.
enum MarketAdmin {
    static func list(_ params: PerpMarketParams, by sender: Address, context: BlockContext, state: StateOverlay) throws(ProtocolError) -> [Event] {
        try AdminKey.require(sender, state, to: "list markets")
        guard state.perpMarket(params.id) == nil else {
            throw ProtocolError(.invalidMarket, "market \(params.id) already exists")
        }
        guard !state.perpMarkets().contains(where: { $0.params.symbol == params.symbol }) else {
            throw ProtocolError(.invalidMarket, "a market named \(params.symbol) already exists")
        }
        try checked(params, state)
        if let expiry = params.instrument.expiryMs, expiry <= context.timeMs {
            throw ProtocolError(.invalidMarket, "\(params.symbol): the expiry is not after this block's time")
        }
        var market = PerpMarket(params: params)
        market.nextSampleMs = context.timeMs + params.fundingSampleIntervalMs
        market.nextFundingMs = context.timeMs + params.fundingIntervalMs
        state.putPerpMarket(market)
        return [Event("market_listed", describe(params))]
    }

    static func update(_ params: PerpMarketParams, by sender: Address, state: StateOverlay) throws(ProtocolError) -> [Event] {
        try AdminKey.require(sender, state, to: "change markets")
        guard var market = state.perpMarket(params.id) else { throw ProtocolError(.unknownMarket, "market \(params.id) does not exist") }
        guard params.symbol == market.params.symbol, params.oracleMarket == market.params.oracleMarket,
              params.tickSize == market.params.tickSize, params.stepSize == market.params.stepSize,
              params.instrument == market.params.instrument else {
            // Resting orders and positions sit on the tick and step grid: changing it would break
            // the exact quote amount of their fills.
            throw ProtocolError(.invalidMarket, "a market's symbol, oracle market, tick size, step size and instrument (kind, expiry, strike) cannot change")
        }
        try checked(params, state)
        market.params = params
        state.putPerpMarket(market)
        return [Event("market_updated", describe(params))]
    }

    static func checked(_ params: PerpMarketParams, _ state: some StateReader) throws(ProtocolError) {
        try params.validate()
        try state.liquidationSettings().checkSoundness(markets: [params])
        guard let underlying = state.oracleMarket(params.oracleMarket) else {
            throw ProtocolError(.invalidMarket, "\(params.symbol): oracle market \(params.oracleMarket) does not exist")
        }
        guard !underlying.symbol.hasSuffix("-IV") else {
            throw ProtocolError(.invalidMarket, "\(params.symbol): \(underlying.symbol) is a volatility feed, not a price to trade")
        }
        if case .option(_, _, _, let vol) = params.instrument {
            guard let feed = state.oracleMarket(vol), feed.symbol.hasSuffix("-IV") else {
                throw ProtocolError(.invalidMarket, "\(params.symbol): oracle market \(vol) is not a volatility feed (like BTC-IV)")
            }
        }
    }

    static func describe(_ p: PerpMarketParams) -> [(String, EventValue)] {
        [("market", .text(p.symbol)), ("id", .number(p.id)), ("oracle_market", .number(p.oracleMarket)),
         ("tick_size", .price(p.tickSize)), ("step_size", .size(Int64(p.stepSize))),
         ("maker_fee_ppm", .number(p.makerFeePpm)), ("taker_fee_ppm", .number(p.takerFeePpm)),
         ("tiers", .marginTiers(p.tiers)), ("active", .bool(p.active)), ("kind", .text(p.instrument.kindName))]
            + (p.instrument.expiryMs.map { [("expiry", EventValue.time($0))] } ?? [])
            + { if case .option(_, let k, _, let vol) = p.instrument { return [("strike", .price(k)), ("volatility_oracle", .number(vol))] } else { return [] } }()
    }
}
