import SolventCore
import SolventStore
import SolventWire

/// A market as `GET /v1/markets` shows it: its parameters, oracle status, top of book (or
/// `depth` levels each side), funding state with the current premium, and an option's mark.
enum MarketReadModel {
    static func market(_ m: PerpMarket, state: some StateReader, at timeMs: UInt64, depth: Int?) -> MarketReply {
        let oracle = state.oracleMarket(m.params.oracleMarket)
        let settings = state.oracleConfig()?.settings
        let topBid = OrderBook.depth(market: m.id, side: .buy, levels: max(1, depth ?? 1), state: state)
        let topAsk = OrderBook.depth(market: m.id, side: .sell, levels: max(1, depth ?? 1), state: state)
        func levels(_ l: [(price: UInt64, size: UInt64, orders: Int)]) -> [LevelReply] {
            l.map { LevelReply(price: OraclePrice.format($0.price), size: PerpUnits.formatSize(Int64(clamping: $0.size)), orders: $0.orders) }
        }
        return MarketReply(
            params: MarketParamsReply(m.params),
            oraclePrice: oracle.flatMap { $0.hasPrice ? OraclePrice.format($0.price) : nil },
            oracleStatus: (oracle.flatMap { o in settings.map { OracleGuard.status(of: o, settings: $0, at: timeMs).rawValue } }) ?? "none",
            openInterest: PerpUnits.formatSize(Int64(clamping: m.openInterest)),
            lastTradePrice: m.lastTradePrice > 0 ? OraclePrice.format(m.lastTradePrice) : nil,
            bestBid: topBid.first.map { OraclePrice.format($0.price) },
            bestAsk: topAsk.first.map { OraclePrice.format($0.price) },
            funding: funding(m, oracle: oracle, state: state),
            bids: depth.map { _ in levels(topBid) },
            asks: depth.map { _ in levels(topAsk) },
            markPrice: optionMark(m, oracle: oracle, state: state, at: timeMs).map(OraclePrice.format),
            volatility: optionVolatility(m, state: state, at: timeMs).map { OraclePrice.format($0.vol) },
            volatilityFeeds: optionVolatility(m, state: state, at: timeMs).map { $0.feeds.map { state.oracleMarket($0)?.symbol ?? "market\($0)" } },
            settlementPrice: m.isSettled ? OraclePrice.format(m.settlementPrice) : nil,
            settledAt: m.isSettled ? UTCTime.rfc3339(m.settledAtMs) : nil,
            oiCaps: state.openInterestCaps().caps(of: m.id).map { oiCaps($0, m, oracle: oracle) },
            depthAddon: state.depthAddOns().addOn(of: m.id).map { d in
                MarketDepthAddonReply(bandPpm: d.bandPpm, windowMs: d.windowMs, addonPpm: d.addonPpm,
                                      bidDepth: PerpUnits.formatSize(Int64(clamping: d.bidDepth)),
                                      askDepth: PerpUnits.formatSize(Int64(clamping: d.askDepth)), sampledAt: UTCTime.rfc3339(d.sampledAtMs))
            })
    }

    /// The market's open-interest caps and where its open notional stands between them.
    static func oiCaps(_ caps: OpenInterestCaps.Entry, _ m: PerpMarket, oracle: OracleMarket?) -> MarketOiCapsReply {
        let open = oracle.flatMap { $0.hasPrice ? OpenInterestCaps.openNotional(openInterest: m.openInterest, price: $0.price) : nil }
        let scaling = open.map { caps.scalingPpm(open: $0) }
        return MarketOiCapsReply(oiLowerCap: Amount.format(caps.lower, decimals: 6), oiUpperCap: Amount.format(caps.upper, decimals: 6),
                                 openNotional: open.map { Amount.format($0, decimals: 6) }, scalingPpm: scaling)
    }

    /// The funding state, with the premium the book shows now against the oracle (funding.md).
    static func funding(_ m: PerpMarket, oracle: OracleMarket?, state: some StateReader) -> FundingReply {
        let current = oracle.flatMap { $0.hasPrice ? Funding.premiumPpm(market: m, oraclePrice: $0.price, state: state) : nil }
        return FundingReply(
            index: String(m.fundingIndex), pool: PerpUnits.formatQuote(m.fundingPool), lastRatePpm: m.lastFundingRatePpm,
            nextFundingMs: m.nextFundingMs, premiumSamples: m.premiumSamples,
            averagePremiumPpm: m.premiumSamples > 0 ? m.premiumSumPpm / Int64(m.premiumSamples) : 0, currentPremiumPpm: current)
    }

    /// Options: the Black-Scholes mark at the latest prices (options.md, "Marking").
    static func optionMark(_ m: PerpMarket, oracle: OracleMarket?, state: some StateReader, at timeMs: UInt64) -> UInt64? {
        guard let o = oracle, o.hasPrice, let (vol, _) = optionVolatility(m, state: state, at: timeMs) else { return nil }
        return Margin.optionMark(m.params, underlying: o.price, vol: vol, at: timeMs).price
    }

    /// An option's volatility and the feeds it came from (vol-surface.md, "Marking").
    static func optionVolatility(_ m: PerpMarket, state: some StateReader, at timeMs: UInt64) -> (vol: UInt64, feeds: [UInt32])? {
        guard case .option(let expiry, _, _, let volOracle) = m.params.instrument else { return nil }
        return try? Margin.optionVolatility(volOracle, expiry: expiry, surfaces: state.volSurfaces(), state, timeMs, .latest)
    }
}
