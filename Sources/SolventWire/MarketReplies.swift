// Markets and orders (contracts-spec/openapi.yaml). Sizes are decimal strings in base units,
// prices in dollars, quote amounts in USDC; signed where a sign means something.

public struct MarginTierReply: Codable, Sendable {
    public let maxNotional: String?
    public let initialPpm: UInt32
    public let maintenancePpm: UInt32

    public init(maxNotional: String? = nil, initialPpm: UInt32, maintenancePpm: UInt32) {
        (self.maxNotional, self.initialPpm, self.maintenancePpm) = (maxNotional, initialPpm, maintenancePpm)
    }
}

public struct MarketParamsReply: Codable, Sendable {
    public let id: UInt32
    public let symbol: String
    public let oracleMarket: UInt32
    public let tickSize: String
    public let stepSize: String
    public let minOrderSize: String
    public let makerFeePpm: UInt32
    public let takerFeePpm: UInt32
    public let marginTiers: [MarginTierReply]
    public let fundingIntervalMs: UInt64
    public let fundingSampleIntervalMs: UInt64
    public let fundingRateCapPpm: UInt32
    public let impactNotional: String
    public let active: Bool
    /// perpetual, future, call or put; the expiry (ms and UTC text), strike and volatility feed
    /// of dated markets.
    public let kind: String
    public let expiryMs: UInt64?
    public let expiry: String?
    public let strike: String?
    public let volatilityOracle: UInt32?

    public init(id: UInt32, symbol: String, oracleMarket: UInt32, tickSize: String, stepSize: String, minOrderSize: String,
                makerFeePpm: UInt32, takerFeePpm: UInt32, marginTiers: [MarginTierReply], fundingIntervalMs: UInt64,
                fundingSampleIntervalMs: UInt64, fundingRateCapPpm: UInt32, impactNotional: String, active: Bool, kind: String,
                expiryMs: UInt64? = nil, expiry: String? = nil, strike: String? = nil, volatilityOracle: UInt32? = nil) {
        (self.id, self.symbol, self.oracleMarket, self.tickSize, self.stepSize, self.minOrderSize, self.makerFeePpm,
         self.takerFeePpm, self.marginTiers, self.fundingIntervalMs, self.fundingSampleIntervalMs, self.fundingRateCapPpm,
         self.impactNotional, self.active, self.kind, self.expiryMs, self.expiry, self.strike, self.volatilityOracle) =
            (id, symbol, oracleMarket, tickSize, stepSize, minOrderSize, makerFeePpm, takerFeePpm, marginTiers,
             fundingIntervalMs, fundingSampleIntervalMs, fundingRateCapPpm, impactNotional, active, kind, expiryMs, expiry,
             strike, volatilityOracle)
    }
}

public struct LevelReply: Codable, Sendable {
    public let price: String
    public let size: String
    public let orders: Int

    public init(price: String, size: String, orders: Int) {
        (self.price, self.size, self.orders) = (price, size, orders)
    }
}

public struct FundingReply: Codable, Sendable {
    public let index: String
    public let pool: String
    public let lastRatePpm: Int64
    public let nextFundingMs: UInt64
    public let premiumSamples: UInt32
    public let averagePremiumPpm: Int64
    public let currentPremiumPpm: Int64?

    public init(index: String, pool: String, lastRatePpm: Int64, nextFundingMs: UInt64, premiumSamples: UInt32,
                averagePremiumPpm: Int64, currentPremiumPpm: Int64? = nil) {
        (self.index, self.pool, self.lastRatePpm, self.nextFundingMs, self.premiumSamples, self.averagePremiumPpm,
         self.currentPremiumPpm) =
            (index, pool, lastRatePpm, nextFundingMs, premiumSamples, averagePremiumPpm, currentPremiumPpm)
    }
}

public struct MarketReply: Codable, Sendable {
    public let params: MarketParamsReply
    public let oraclePrice: String?
    public let oracleStatus: String
    public let openInterest: String
    public let lastTradePrice: String?
    public let bestBid: String?
    public let bestAsk: String?
    public let funding: FundingReply
    public let bids: [LevelReply]?
    public let asks: [LevelReply]?
    /// Options: the Black-Scholes mark at the latest prices (options.md, "Marking").
    public let markPrice: String?
    /// Dated markets once settled: the settlement price and when.
    public let settlementPrice: String?
    public let settledAt: String?

    public init(params: MarketParamsReply, oraclePrice: String? = nil, oracleStatus: String, openInterest: String,
                lastTradePrice: String? = nil, bestBid: String? = nil, bestAsk: String? = nil, funding: FundingReply,
                bids: [LevelReply]? = nil, asks: [LevelReply]? = nil, markPrice: String? = nil, settlementPrice: String? = nil,
                settledAt: String? = nil) {
        (self.params, self.oraclePrice, self.oracleStatus, self.openInterest, self.lastTradePrice, self.bestBid, self.bestAsk,
         self.funding, self.bids, self.asks, self.markPrice, self.settlementPrice, self.settledAt) =
            (params, oraclePrice, oracleStatus, openInterest, lastTradePrice, bestBid, bestAsk, funding, bids, asks, markPrice,
             settlementPrice, settledAt)
    }
}

public struct OrderReply: Codable, Sendable {
    public let orderId: UInt64
    public let owner: String
    public let vault: UInt32
    public let market: String
    public let side: String
    public let price: String
    public let size: String
    public let remaining: String
    public let reduceOnly: Bool
    public let placedAtHeight: UInt64

    public init(orderId: UInt64, owner: String, vault: UInt32, market: String, side: String, price: String, size: String,
                remaining: String, reduceOnly: Bool, placedAtHeight: UInt64) {
        (self.orderId, self.owner, self.vault, self.market, self.side, self.price, self.size, self.remaining, self.reduceOnly,
         self.placedAtHeight) =
            (orderId, owner, vault, market, side, price, size, remaining, reduceOnly, placedAtHeight)
    }
}

