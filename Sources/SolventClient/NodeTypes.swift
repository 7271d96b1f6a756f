/// The node's JSON replies as the client reads them (contracts-spec/openapi.yaml).

public struct StatusReply: Decodable, Sendable {
    public let chainId: String
    public let height: UInt64
    public let blockHash: String
    public let appHash: String
    public let blockTime: String
    public let blockTimeMs: UInt64
    public let blockMode: String
    public let mempoolSize: Int
    public let devnet: Bool
    /// The node's chain clock (absent from older nodes).
    public let chainTimeMs: UInt64?

    enum CodingKeys: String, CodingKey {
        case chainId = "chain_id", height, blockHash = "block_hash", appHash = "app_hash", blockTime = "block_time"
        case blockTimeMs = "block_time_ms", blockMode = "block_mode", mempoolSize = "mempool_size", devnet
        case chainTimeMs = "chain_time_ms"
    }
}

public struct AssetReply: Decodable, Sendable {
    public let id: UInt32
    public let symbol: String
    public let decimals: UInt8
}

public struct AmountReply: Decodable, Sendable {
    public let asset: String
    public let amount: String
}

public struct AccountReply: Decodable, Sendable {
    public let address: String
    public let exists: Bool
    public let nonce: UInt64
    public let nextNonce: UInt64
    public let wallet: [AmountReply]
    public let vaults: [UInt32]
    public let height: UInt64

    enum CodingKeys: String, CodingKey { case address, exists, nonce, nextNonce = "next_nonce", wallet, vaults, height }
}

public struct VaultReply: Decodable, Sendable {
    public let owner: String
    public let vault: UInt32
    public let mode: String
    public let market: String?
    public let quote: String
    public let collateral: [AmountReply]
    public let positions: [PositionReply]
    public let margin: MarginReply?
    public let openOrders: Int
    public let height: UInt64

    enum CodingKeys: String, CodingKey {
        case owner, vault, mode, market, quote, collateral, positions, margin, openOrders = "open_orders", height
    }
}

public struct EventReply: Decodable, Sendable {
    public let type: String
    public let attributes: [String: String]
}

public struct ReceiptReply: Decodable, Sendable {
    public let code: String
    public let codeNumber: Int
    public let message: String
    public let events: [EventReply]

    enum CodingKeys: String, CodingKey { case code, codeNumber = "code_number", message, events }
    public var succeeded: Bool { code == "ok" }
}

public struct SubmitReply: Decodable, Sendable {
    public let hash: String
    public let status: String
    public let height: UInt64?
    public let index: Int?
    public let blockTime: String?
    public let receipt: ReceiptReply?

    enum CodingKeys: String, CodingKey { case hash, status, height, index, blockTime = "block_time", receipt }
}

public struct BatchReply: Decodable, Sendable {
    public struct Item: Decodable, Sendable {
        public let index: Int
        public let hash: String?
        public let accepted: Bool
        public let error: ErrorBody?
    }
    public let accepted: Int
    public let rejected: Int
    public let results: [Item]
}

public struct ErrorBody: Decodable, Sendable {
    public let code: String
    public let message: String
}

struct ErrorReply: Decodable {
    let error: ErrorBody
}

public struct ReportReply: Decodable, Sendable {
    public let signer: String
    public let price: String
    public let timestampMs: UInt64
    enum CodingKeys: String, CodingKey { case signer, price, timestampMs = "timestamp_ms" }
}

/// A transaction's action: the fields of its kind are present, the others absent.
public struct ActionReply: Decodable, Sendable {
    public let type: String
    public let to: String?
    public let vault: UInt32?
    public let asset: String?
    public let amount: String?
    public let market: String?
    public let reports: [ReportReply]?
    public let signer: String?
    public let side: String?
    public let size: String?
    public let price: String?
    public let orderKind: String?
    public let orderId: UInt64?
    public let mode: String?
    public let marketId: UInt32?

    enum CodingKeys: String, CodingKey {
        case type, to, vault, asset, amount, market, reports, signer, side, size, price, orderKind = "order_kind"
        case orderId = "order_id", mode, marketId = "market_id"
    }

    /// One line for people: "send 100 USDC to sv1...", "oracle_update BTC-USD (3 reports)".
    public var summary: String {
        var parts = [type]
        if let amount, let asset { parts.append("\(amount) \(asset)") }
        if let to { parts.append("to \(to)") }
        if let vault { parts.append("vault \(vault)") }
        if let market { parts.append("\(market) (\(reports?.count ?? 0) reports)") }
        if let signer { parts.append(signer) }
        if let side, let size, let price { parts.append("\(side) \(size) @ \(price) in market \(marketId ?? 0)") }
        if let orderId { parts.append("order \(orderId)") }
        if let mode { parts.append(mode) }
        return parts.joined(separator: " ")
    }
}

public struct TransactionReply: Decodable, Sendable {
    public let hash: String
    public let sender: String
    public let nonce: UInt64
    public let action: ActionReply
    public let height: UInt64?
    public let index: UInt32?
    public let blockTime: String?
    public let status: String
    public let receipt: ReceiptReply?

    enum CodingKeys: String, CodingKey { case hash, sender, nonce, action, height, index, blockTime = "block_time", status, receipt }
}

public struct BlockReply: Decodable, Sendable {
    public let height: UInt64
    public let hash: String
    public let time: String
    public let previousHash: String
    public let appHash: String
    public let txCount: Int
    public let transactions: [TransactionReply]

    enum CodingKeys: String, CodingKey {
        case height, hash, time, previousHash = "previous_hash", appHash = "app_hash", txCount = "tx_count", transactions
    }
}

public struct MinedReply: Decodable, Sendable {
    public let mined: Int
    public let height: UInt64
    public let appHash: String
    enum CodingKeys: String, CodingKey { case mined, height, appHash = "app_hash" }
}

public struct OracleSettingsReply: Codable, Sendable {
    public let quorum: Int
    public let maxReportAgeMs: UInt64
    public let maxFutureSkewMs: UInt64
    public let minUpdateIntervalMs: UInt64
    public let maxMovePpm: UInt32
    public let staleAfterMs: UInt64

    enum CodingKeys: String, CodingKey {
        case quorum, maxReportAgeMs = "max_report_age_ms", maxFutureSkewMs = "max_future_skew_ms"
        case minUpdateIntervalMs = "min_update_interval_ms", maxMovePpm = "max_move_ppm", staleAfterMs = "stale_after_ms"
    }
}

public struct OracleMarketReply: Decodable, Sendable {
    public let id: UInt32
    public let symbol: String
    public let asset: String?
    public let price: String?
    public let median: String?
    public let status: String
    public let updatedAt: String?
    public let ageMs: UInt64?
    public let lastReportMs: UInt64
    public let reports: [ReportReply]

    enum CodingKeys: String, CodingKey {
        case id, symbol, asset, price, median, status, updatedAt = "updated_at", ageMs = "age_ms", lastReportMs = "last_report_ms", reports
    }
}

public struct OracleReply: Decodable, Sendable {
    public let height: UInt64
    public let blockTimeMs: UInt64
    public let config: OracleSettingsReply
    public let signers: [String]
    public let markets: [OracleMarketReply]

    enum CodingKeys: String, CodingKey { case height, blockTimeMs = "block_time_ms", config, signers, markets }
}

public struct MarketParamsReply: Decodable, Sendable {
    public let id: UInt32
    public let symbol: String
    public let oracleMarket: UInt32
    public let tickSize: String
    public let stepSize: String
    public let minOrderSize: String
    public let makerFeePpm: UInt32
    public let takerFeePpm: UInt32
    public let active: Bool
    public let marginTiers: [Tier]?
    public let fundingIntervalMs: UInt64?
    public let fundingSampleIntervalMs: UInt64?
    public let fundingRateCapPpm: UInt32?
    public let impactNotional: String?
    /// perpetual, future, call or put, and the dated markets' fields.
    public let kind: String?
    public let expiryMs: UInt64?
    public let expiry: String?
    public let strike: String?
    public let volatilityOracle: UInt32?

    public struct Tier: Decodable, Sendable {
        public let maxNotional: String?
        public let initialPpm: UInt32
        public let maintenancePpm: UInt32
        enum CodingKeys: String, CodingKey { case maxNotional = "max_notional", initialPpm = "initial_ppm", maintenancePpm = "maintenance_ppm" }
    }

    enum CodingKeys: String, CodingKey {
        case id, symbol, oracleMarket = "oracle_market", tickSize = "tick_size", stepSize = "step_size"
        case minOrderSize = "min_order_size", makerFeePpm = "maker_fee_ppm", takerFeePpm = "taker_fee_ppm", active
        case marginTiers = "margin_tiers", fundingIntervalMs = "funding_interval_ms", fundingSampleIntervalMs = "funding_sample_interval_ms"
        case fundingRateCapPpm = "funding_rate_cap_ppm", impactNotional = "impact_notional"
        case kind, expiryMs = "expiry_ms", expiry, strike, volatilityOracle = "volatility_oracle"
    }
}

public struct LevelReply: Decodable, Sendable {
    public let price: String
    public let size: String
    public let orders: Int
}

public struct FundingReply: Decodable, Sendable {
    public let index: String
    public let pool: String
    public let lastRatePpm: Int64
    public let nextFundingMs: UInt64
    public let premiumSamples: UInt32
    public let averagePremiumPpm: Int64
    public let currentPremiumPpm: Int64?

    enum CodingKeys: String, CodingKey {
        case index, pool, lastRatePpm = "last_rate_ppm", nextFundingMs = "next_funding_ms", premiumSamples = "premium_samples"
        case averagePremiumPpm = "average_premium_ppm", currentPremiumPpm = "current_premium_ppm"
    }
}

public struct MarketReply: Decodable, Sendable {
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
    public let markPrice: String?
    public let settlementPrice: String?
    public let settledAt: String?

    enum CodingKeys: String, CodingKey {
        case params, oraclePrice = "oracle_price", oracleStatus = "oracle_status", openInterest = "open_interest"
        case lastTradePrice = "last_trade_price", bestBid = "best_bid", bestAsk = "best_ask", funding, bids, asks
        case markPrice = "mark_price", settlementPrice = "settlement_price", settledAt = "settled_at"
    }
}

public struct OrderReply: Decodable, Sendable {
    public let orderId: UInt64
    public let owner: String
    public let vault: UInt32
    public let market: String
    public let side: String
    public let price: String
    public let size: String
    public let remaining: String
    public let reduceOnly: Bool

    enum CodingKeys: String, CodingKey {
        case orderId = "order_id", owner, vault, market, side, price, size, remaining, reduceOnly = "reduce_only"
    }
}

public struct PositionReply: Decodable, Sendable {
    public let market: String
    public let size: String
    public let side: String
    public let entryPrice: String
    public let oraclePrice: String
    public let notional: String
    public let unrealizedPnl: String
    public let realizedPnl: String
    public let unsettledFunding: String
    public let initialRequirement: String
    public let maintenanceRequirement: String
    public let liquidationPrice: String?

    enum CodingKeys: String, CodingKey {
        case market, size, side, entryPrice = "entry_price", oraclePrice = "oracle_price", notional, unrealizedPnl = "unrealized_pnl"
        case realizedPnl = "realized_pnl", unsettledFunding = "unsettled_funding", initialRequirement = "initial_requirement"
        case maintenanceRequirement = "maintenance_requirement", liquidationPrice = "liquidation_price"
    }
}

public struct MarginReply: Decodable, Sendable {
    public let equity: String
    public let initialRequirement: String
    public let maintenanceRequirement: String
    public let freeCollateral: String
    public let marginRatio: String?
    public let liquidatable: Bool
    public let pricesFresh: Bool

    enum CodingKeys: String, CodingKey {
        case equity, initialRequirement = "initial_requirement", maintenanceRequirement = "maintenance_requirement"
        case freeCollateral = "free_collateral", marginRatio = "margin_ratio", liquidatable, pricesFresh = "prices_fresh"
    }
}

public struct ProtocolReply: Decodable, Sendable {
    public let feePool: String
    public let insuranceFund: String
    enum CodingKeys: String, CodingKey { case feePool = "fee_pool", insuranceFund = "insurance_fund" }
}
