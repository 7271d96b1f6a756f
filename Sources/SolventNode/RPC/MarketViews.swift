import SolventCore
import SolventCrypto
import SolventStore

// JSON shapes for markets, orders and vault margin (contracts-spec/openapi.yaml). Sizes are
// decimal strings in base units, prices in dollars, quote amounts in USDC; all signed where a
// sign means something (a short position, a negative quote, funding received).

struct TierView: Encodable {
    let maxNotional: String?
    let initialPpm: UInt32
    let maintenancePpm: UInt32
    enum CodingKeys: String, CodingKey { case maxNotional = "max_notional", initialPpm = "initial_ppm", maintenancePpm = "maintenance_ppm" }
}

struct MarketParamsView: Encodable {
    let id: UInt32
    let symbol: String
    let oracleMarket: UInt32
    let tickSize: String
    let stepSize: String
    let minOrderSize: String
    let makerFeePpm: UInt32
    let takerFeePpm: UInt32
    let marginTiers: [TierView]
    let fundingIntervalMs: UInt64
    let fundingSampleIntervalMs: UInt64
    let fundingRateCapPpm: UInt32
    let impactNotional: String
    let active: Bool
    /// perpetual, future, call or put; the expiry (ms and UTC text), strike and volatility feed
    /// of dated markets.
    let kind: String
    let expiryMs: UInt64?
    let expiry: String?
    let strike: String?
    let volatilityOracle: UInt32?

    enum CodingKeys: String, CodingKey {
        case id, symbol, oracleMarket = "oracle_market", tickSize = "tick_size", stepSize = "step_size", minOrderSize = "min_order_size"
        case makerFeePpm = "maker_fee_ppm", takerFeePpm = "taker_fee_ppm", marginTiers = "margin_tiers"
        case fundingIntervalMs = "funding_interval_ms", fundingSampleIntervalMs = "funding_sample_interval_ms"
        case fundingRateCapPpm = "funding_rate_cap_ppm", impactNotional = "impact_notional", active
        case kind, expiryMs = "expiry_ms", expiry, strike, volatilityOracle = "volatility_oracle"
    }

    init(_ p: PerpMarketParams) {
        id = p.id
        symbol = p.symbol
        oracleMarket = p.oracleMarket
        tickSize = OraclePrice.format(p.tickSize)
        stepSize = PerpUnits.formatSize(Int64(clamping: p.stepSize))
        minOrderSize = PerpUnits.formatSize(Int64(clamping: p.minOrderSize))
        makerFeePpm = p.makerFeePpm
        takerFeePpm = p.takerFeePpm
        marginTiers = p.tiers.map { TierView(maxNotional: $0.maxNotional.map { Amount.format($0, decimals: 6) },
                                             initialPpm: $0.initialPpm, maintenancePpm: $0.maintenancePpm) }
        fundingIntervalMs = p.fundingIntervalMs
        fundingSampleIntervalMs = p.fundingSampleIntervalMs
        fundingRateCapPpm = p.fundingRateCapPpm
        impactNotional = Amount.format(p.impactNotional, decimals: 6)
        active = p.active
        kind = p.instrument.kindName
        expiryMs = p.instrument.expiryMs
        expiry = p.instrument.expiryMs.map(UTCTime.format)
        if case .option(_, let k, _, let vol) = p.instrument {
            strike = OraclePrice.format(k)
            volatilityOracle = vol
        } else {
            strike = nil
            volatilityOracle = nil
        }
    }
}

struct LevelView: Encodable {
    let price: String
    let size: String
    let orders: Int
}

struct FundingView: Encodable {
    let index: String
    let pool: String
    let lastRatePpm: Int64
    let nextFundingMs: UInt64
    let premiumSamples: UInt32
    let averagePremiumPpm: Int64
    let currentPremiumPpm: Int64?

    enum CodingKeys: String, CodingKey {
        case index, pool, lastRatePpm = "last_rate_ppm", nextFundingMs = "next_funding_ms", premiumSamples = "premium_samples"
        case averagePremiumPpm = "average_premium_ppm", currentPremiumPpm = "current_premium_ppm"
    }
}

struct MarketView: Encodable {
    let params: MarketParamsView
    let oraclePrice: String?
    let oracleStatus: String
    let openInterest: String
    let lastTradePrice: String?
    let bestBid: String?
    let bestAsk: String?
    let funding: FundingView
    let bids: [LevelView]?
    let asks: [LevelView]?
    /// Options: the Black-Scholes mark at the latest prices (options.md, "Marking").
    let markPrice: String?
    /// Dated markets once settled: the settlement price and when.
    let settlementPrice: String?
    let settledAt: String?

    enum CodingKeys: String, CodingKey {
        case params, oraclePrice = "oracle_price", oracleStatus = "oracle_status", openInterest = "open_interest"
        case lastTradePrice = "last_trade_price", bestBid = "best_bid", bestAsk = "best_ask", funding, bids, asks
        case markPrice = "mark_price", settlementPrice = "settlement_price", settledAt = "settled_at"
    }

    init(_ m: PerpMarket, state: some StateReader, at timeMs: UInt64, depth: Int?) {
        params = MarketParamsView(m.params)
        let oracle = state.oracleMarket(m.params.oracleMarket)
        let settings = state.oracleConfig()?.settings
        oraclePrice = oracle.flatMap { $0.hasPrice ? OraclePrice.format($0.price) : nil }
        oracleStatus = (oracle.flatMap { o in settings.map { OracleGuard.status(of: o, settings: $0, at: timeMs).rawValue } }) ?? "none"
        openInterest = PerpUnits.formatSize(Int64(clamping: m.openInterest))
        lastTradePrice = m.lastTradePrice > 0 ? OraclePrice.format(m.lastTradePrice) : nil
        let topBid = OrderBook.depth(market: m.id, side: .buy, levels: max(1, depth ?? 1), state: state)
        let topAsk = OrderBook.depth(market: m.id, side: .sell, levels: max(1, depth ?? 1), state: state)
        bestBid = topBid.first.map { OraclePrice.format($0.price) }
        bestAsk = topAsk.first.map { OraclePrice.format($0.price) }
        let current = oracle.flatMap { $0.hasPrice ? Funding.premiumPpm(market: m, oraclePrice: $0.price, state: state) : nil }
        funding = FundingView(
            index: String(m.fundingIndex), pool: PerpUnits.formatQuote(m.fundingPool), lastRatePpm: m.lastFundingRatePpm,
            nextFundingMs: m.nextFundingMs, premiumSamples: m.premiumSamples,
            averagePremiumPpm: m.premiumSamples > 0 ? m.premiumSumPpm / Int64(m.premiumSamples) : 0, currentPremiumPpm: current)
        func levels(_ l: [(price: UInt64, size: UInt64, orders: Int)]) -> [LevelView] {
            l.map { LevelView(price: OraclePrice.format($0.price), size: PerpUnits.formatSize(Int64(clamping: $0.size)), orders: $0.orders) }
        }
        bids = depth.map { _ in levels(topBid) }
        asks = depth.map { _ in levels(topAsk) }
        var mark: String?
        if case .option(_, _, _, let volOracle) = m.params.instrument, let o = oracle, o.hasPrice,
           let v = state.oracleMarket(volOracle), v.hasPrice,
           case let priced = Margin.optionMark(m.params, underlying: o.price, vol: v.price, at: timeMs) {
            mark = OraclePrice.format(priced.price)
        }
        markPrice = mark
        settlementPrice = m.isSettled ? OraclePrice.format(m.settlementPrice) : nil
        settledAt = m.isSettled ? Timestamps.rfc3339(m.settledAtMs) : nil
    }
}

struct OrderView: Encodable {
    let orderId: UInt64
    let owner: String
    let vault: UInt32
    let market: String
    let side: String
    let price: String
    let size: String
    let remaining: String
    let reduceOnly: Bool
    let placedAtHeight: UInt64

    enum CodingKeys: String, CodingKey {
        case orderId = "order_id", owner, vault, market, side, price, size, remaining, reduceOnly = "reduce_only", placedAtHeight = "placed_at_height"
    }

    init(_ o: Order, symbol: String) {
        orderId = o.id
        owner = o.owner.text
        vault = o.vault
        market = symbol
        side = o.side.name
        price = OraclePrice.format(o.price)
        size = PerpUnits.formatSize(Int64(clamping: o.size))
        remaining = PerpUnits.formatSize(Int64(clamping: o.remaining))
        reduceOnly = o.reduceOnly
        placedAtHeight = o.placedAtHeight
    }
}

struct CollateralView: Encodable {
    let asset: String
    let amount: String
    let oraclePrice: String?
    let haircutPpm: UInt32?
    /// amount × price × (1 − haircut), USDC.
    let value: String?
    enum CodingKeys: String, CodingKey { case asset, amount, oraclePrice = "oracle_price", haircutPpm = "haircut_ppm", value }
}

struct PositionView: Encodable {
    let market: String
    let size: String
    let side: String
    let entryPrice: String
    let oraclePrice: String
    let notional: String
    let value: String
    let unrealizedPnl: String
    let realizedPnl: String
    let fundingPaid: String
    let unsettledFunding: String
    let initialRequirement: String
    let maintenanceRequirement: String
    let liquidationPrice: String?
    /// insurance-and-adl.md, "Ranks": 5 (first fifth of the queue) to 1, 0 when not in the queue.
    let adlRank: Int?
    let adlScorePpm: String?

    enum CodingKeys: String, CodingKey {
        case market, size, side, entryPrice = "entry_price", oraclePrice = "oracle_price", notional, value
        case unrealizedPnl = "unrealized_pnl", realizedPnl = "realized_pnl", fundingPaid = "funding_paid"
        case unsettledFunding = "unsettled_funding", initialRequirement = "initial_requirement"
        case maintenanceRequirement = "maintenance_requirement", liquidationPrice = "liquidation_price"
        case adlRank = "adl_rank", adlScorePpm = "adl_score_ppm"
    }
}

struct MarginView: Encodable {
    let equity: String
    let initialRequirement: String
    let maintenanceRequirement: String
    let freeCollateral: String
    /// Equity ÷ maintenance requirement (absent without positions); below 1 the vault is liquidatable.
    let marginRatio: String?
    let liquidatable: Bool
    /// Whether every price used was fresh; when not, the figures use the latest price regardless.
    let pricesFresh: Bool

    enum CodingKeys: String, CodingKey {
        case equity, initialRequirement = "initial_requirement", maintenanceRequirement = "maintenance_requirement"
        case freeCollateral = "free_collateral", marginRatio = "margin_ratio", liquidatable, pricesFresh = "prices_fresh"
    }
}

struct VaultView: Encodable {
    let owner: String
    let vault: UInt32
    let mode: String
    let market: String?
    /// The vault's USDC balance (signed).
    let quote: String
    /// Every asset the vault holds, USDC (the quote) first.
    let collateral: [CollateralView]
    let positions: [PositionView]
    let margin: MarginView?
    let marginError: ErrorBody?
    let openOrders: Int
    let height: UInt64

    enum CodingKeys: String, CodingKey {
        case owner, vault, mode, market, quote, collateral, positions, margin, marginError = "margin_error"
        case openOrders = "open_orders", height
    }

    init(_ id: VaultID, _ v: Vault, state: some StateReader, head: ChainHead, assets: AssetBook,
         adl: (PositionRisk) -> AutoDeleveraging.Standing? = { _ in nil }) {
        owner = id.owner.text
        vault = id.number
        mode = v.mode.name
        if case .isolated(let m) = v.mode { market = state.perpMarket(m)?.params.symbol ?? String(m) } else { market = nil }
        quote = PerpUnits.formatQuote(v.quote)
        height = head.height
        openOrders = OrderBook.orders(owner: id.owner, vault: id.number, state: state).count
        var fresh = true
        var risk: VaultRisk?
        var failure: ProtocolError?
        do {
            risk = try Margin.risk(of: id, state: state, at: head.timeMs, prices: .freshOnly)
        } catch {
            fresh = false
            do {
                risk = try Margin.risk(of: id, state: state, at: head.timeMs, prices: .latest)
            } catch {
                failure = error
            }
        }
        var collateral = [CollateralView(asset: "USDC", amount: quote, oraclePrice: OraclePrice.format(OraclePrice.one), haircutPpm: 0, value: quote)]
        for entry in v.collateral.entries {
            let c = risk?.collateral.first { $0.asset.id == entry.asset }
            collateral.append(CollateralView(
                asset: assets.symbol(entry.asset), amount: assets.format(entry.amount, entry.asset),
                oraclePrice: c.map { OraclePrice.format($0.oraclePrice) }, haircutPpm: c?.asset.haircutPpm,
                value: c.map { Amount.format($0.value, decimals: 6) }))
        }
        self.collateral = collateral
        positions = (risk?.positions ?? []).map { p in
            let tiers = state.perpMarket(p.market)?.params.tiers ?? []
            let standing = adl(p)
            return PositionView(
                market: p.symbol, size: PerpUnits.formatSize(p.size), side: p.size > 0 ? "long" : "short",
                entryPrice: OraclePrice.format(p.entryPrice), oraclePrice: OraclePrice.format(p.oraclePrice),
                notional: Amount.format(p.notional, decimals: 6), value: PerpUnits.formatQuote(p.value),
                unrealizedPnl: PerpUnits.formatQuote(p.unrealizedPnl), realizedPnl: PerpUnits.formatQuote(p.position.realizedPnl),
                fundingPaid: PerpUnits.formatQuote(p.position.fundingPaid), unsettledFunding: PerpUnits.formatQuote(p.unsettledFunding),
                initialRequirement: Amount.format(p.initial, decimals: 6), maintenanceRequirement: Amount.format(p.maintenance, decimals: 6),
                liquidationPrice: risk.flatMap { Margin.liquidationPrice(of: p, in: $0, tiers: tiers) }.map(OraclePrice.format),
                adlRank: standing?.rank, adlScorePpm: standing.map { String($0.score) })
        }
        margin = risk.map { r in
            MarginView(
                equity: PerpUnits.formatQuote(r.equity), initialRequirement: Amount.format(r.initial, decimals: 6),
                maintenanceRequirement: Amount.format(r.maintenance, decimals: 6), freeCollateral: PerpUnits.formatQuote(r.freeCollateral),
                marginRatio: r.marginRatioPpm.map { Amount.format(UInt128(clamping: max(0, $0)), decimals: 6) },
                liquidatable: r.isLiquidatable, pricesFresh: fresh)
        }
        marginError = failure.map { ErrorBody(code: $0.code.name, message: $0.message) }
    }
}

struct ProtocolView: Encodable {
    let feePool: String
    let insuranceFund: String
    let insuranceFeeSharePpm: UInt32
    let liquidation: LiquidationConfigView
    let height: UInt64
    enum CodingKeys: String, CodingKey {
        case feePool = "fee_pool", insuranceFund = "insurance_fund", insuranceFeeSharePpm = "insurance_fee_share_ppm", liquidation, height
    }
}
