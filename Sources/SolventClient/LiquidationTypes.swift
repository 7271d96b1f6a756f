import Foundation

/// Replies of the liquidation endpoints (contracts-spec/rpc.md, "Liquidations").

public struct LiquidatableReply: Decodable, Sendable {
    public struct Index: Decodable, Sendable {
        public let tracked: Int
        public let liquidatable: Int
        public let lastUpdateUs: UInt64
        public let lastLeftBands: Int
        public let timeQueue: Int
        public let lastTimeRevalued: Int
        public let lastRevalued: Int
        enum CodingKeys: String, CodingKey {
            case tracked, liquidatable, lastUpdateUs = "last_update_us", lastLeftBands = "last_left_bands", lastRevalued = "last_revalued"
            case timeQueue = "time_queue", lastTimeRevalued = "last_time_revalued"
        }
    }

    public let height: UInt64
    public let count: Int
    public let vaults: [LiquidatableVaultReply]
    public let index: Index
}

public struct LiquidatableVaultReply: Decodable, Sendable {
    public let owner: String
    public let vault: UInt32
    public let equity: String
    public let maintenanceRequirement: String
    public let shortfall: String
    public let marginRatio: String?
    public let pricesFresh: Bool
    public let positions: [LiquidatablePositionReply]

    enum CodingKeys: String, CodingKey {
        case owner, vault, equity, maintenanceRequirement = "maintenance_requirement", shortfall, marginRatio = "margin_ratio"
        case pricesFresh = "prices_fresh", positions
    }
}

/// A refusal: the stable code and the message.
public struct RefusalReply: Decodable, Sendable {
    public let code: String
    public let message: String
}

public struct LiquidatablePositionReply: Decodable, Sendable {
    public let market: String
    public let size: String
    public let oraclePrice: String
    public let liquidationPrice: String?
    public let closeSize: String?
    public let bankruptcyPrice: String?
    public let bookSize: String?
    public let backstopSize: String?
    public let backstopPrice: String?
    public let adlSize: String?
    public let socializedSize: String?
    public let fee: String?
    public let bounty: String?
    public let deficit: String?
    public let refusal: RefusalReply?

    enum CodingKeys: String, CodingKey {
        case market, size, oraclePrice = "oracle_price", liquidationPrice = "liquidation_price", closeSize = "close_size"
        case bankruptcyPrice = "bankruptcy_price", bookSize = "book_size", backstopSize = "backstop_size"
        case backstopPrice = "backstop_price", adlSize = "adl_size", socializedSize = "socialized_size", fee, bounty, deficit, refusal
    }
}

public struct SimulationReply: Decodable, Sendable {
    public let hash: String
    public let height: UInt64
    public let simulatedHeight: UInt64
    public let receipt: ReceiptReply
    public let stateChanges: Int

    enum CodingKeys: String, CodingKey {
        case hash, height, simulatedHeight = "simulated_height", receipt, stateChanges = "state_changes"
    }
}

public struct ShockReply: Decodable, Sendable {
    public struct Move: Decodable, Sendable {
        public let market: String
        public let move: String
        public let from: String
        public let to: String
    }

    public struct Shortfall: Decodable, Sendable {
        public let owner: String
        public let vault: UInt32
        public let equity: String
        public let maintenanceRequirement: String
        public let shortfall: String
        enum CodingKeys: String, CodingKey { case owner, vault, equity, maintenanceRequirement = "maintenance_requirement", shortfall }
    }

    public struct Outcome: Decodable, Sendable {
        public let owner: String
        public let vault: UInt32
        public let market: String
        public let closedSize: String
        public let bankruptcyPrice: String
        public let fee: String
        public let bounty: String
        public let deficitPaid: String
        public let adlSize: String
        public let socializedSize: String?
        public let socializedLoss: String?
        enum CodingKeys: String, CodingKey {
            case owner, vault, market, closedSize = "closed_size", bankruptcyPrice = "bankruptcy_price", fee, bounty
            case deficitPaid = "deficit_paid", adlSize = "adl_size", socializedSize = "socialized_size", socializedLoss = "socialized_loss"
        }
    }

    public let height: UInt64
    public let moves: [Move]
    public let candidates: Int
    public let liquidatableCount: Int
    public let liquidatable: [Shortfall]
    public let liquidationCount: Int
    public let liquidations: [Outcome]
    public let closedNotional: String
    public let totalFees: String
    public let totalBounties: String
    public let insuranceFundBefore: String
    public let insuranceFundDraw: String
    public let insuranceFundAfter: String
    public let deficitsPaid: String
    public let adlVolume: String
    public let adlSize: [String: String]
    public let socializedLosses: String?
    public let stillLiquidatable: Int

    enum CodingKeys: String, CodingKey {
        case height, moves, candidates, liquidatableCount = "liquidatable_count", liquidatable, liquidationCount = "liquidation_count"
        case liquidations, closedNotional = "closed_notional", totalFees = "total_fees", totalBounties = "total_bounties"
        case insuranceFundBefore = "insurance_fund_before", insuranceFundDraw = "insurance_fund_draw"
        case insuranceFundAfter = "insurance_fund_after", deficitsPaid = "deficits_paid", adlVolume = "adl_volume", adlSize = "adl_size"
        case socializedLosses = "socialized_losses"
        case stillLiquidatable = "still_liquidatable"
    }
}

public struct InsuranceReply: Decodable, Sendable {
    public struct Entry: Decodable, Sendable {
        public let sequence: UInt64
        public let height: UInt64
        public let flow: String
        public let amount: String
        public let balanceAfter: String
        public let owner: String
        public let vault: UInt32
        public let market: String
        enum CodingKeys: String, CodingKey { case sequence, height, flow, amount, balanceAfter = "balance_after", owner, vault, market }
    }

    public let balance: String
    public let seeded: String
    public let tradingFeesIn: String
    public let liquidationFeesIn: String
    public let bountyTopUps: String
    public let deficitsPaid: String
    public let deficitsDeleveraged: String
    public let entryCount: UInt64
    public let entries: [Entry]
    public let height: UInt64

    enum CodingKeys: String, CodingKey {
        case balance, seeded, tradingFeesIn = "trading_fees_in", liquidationFeesIn = "liquidation_fees_in", bountyTopUps = "bounty_top_ups"
        case deficitsPaid = "deficits_paid", deficitsDeleveraged = "deficits_deleveraged", entryCount = "entry_count", entries, height
    }
}

public struct ADLReply: Decodable, Sendable {
    public struct Standing: Decodable, Sendable {
        public let owner: String
        public let vault: UInt32
        public let size: String
        public let unrealizedPnl: String
        public let equity: String
        public let scorePpm: String
        public let rank: Int
        public let inQueue: Bool
        enum CodingKeys: String, CodingKey {
            case owner, vault, size, unrealizedPnl = "unrealized_pnl", equity, scorePpm = "score_ppm", rank, inQueue = "in_queue"
        }
    }

    public let market: String
    public let height: UInt64
    public let longs: [Standing]
    public let shorts: [Standing]
}

public struct SupplyReply: Decodable, Sendable {
    public struct AssetLine: Decodable, Sendable {
        public let asset: String
        public let genesis: String
        public let wallets: String
        public let vaults: String
        public let pools: String
        public let total: String
        public let conserved: Bool
    }

    public struct MarketLine: Decodable, Sendable {
        public let market: String
        public let longs: String
        public let shorts: String
        public let openInterest: String
        public let fundingCovered: Bool
        public let balanced: Bool
        enum CodingKeys: String, CodingKey {
            case market, longs, shorts, openInterest = "open_interest", fundingCovered = "funding_covered", balanced
        }
    }

    public let height: UInt64
    public let holds: Bool
    public let assets: [AssetLine]
    public let markets: [MarketLine]
    public let insuranceFund: String
    public let insuranceAccounted: Bool

    enum CodingKeys: String, CodingKey {
        case height, holds, assets, markets, insuranceFund = "insurance_fund", insuranceAccounted = "insurance_accounted"
    }
}

extension RPCClient {
    public func liquidatable(limit: Int = 100, market: String? = nil) async throws -> Reply<LiquidatableReply> {
        try await get("/v1/liquidatable?limit=\(limit)" + (market.map { "&market=\($0)" } ?? ""))
    }

    public func simulate(hex: String) async throws -> Reply<SimulationReply> {
        try await post("/v1/simulate", json: try JSONSerialization.data(withJSONObject: ["tx": hex]))
    }

    /// `moves`: (market, move) pairs, the move a fraction like "-0.2" or a percentage like "-20%".
    public func shock(_ moves: [(market: String, move: String)], keeper: String? = nil, limit: Int = 100) async throws -> Reply<ShockReply> {
        func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._"))) ?? s }
        var query = moves.map { "market=\(escape($0.market))&move=\(escape($0.move))" }
        if let keeper { query.append("keeper=\(escape(keeper))") }
        query.append("limit=\(limit)")
        return try await get("/v1/risk/shock?" + query.joined(separator: "&"))
    }

    public func insurance(limit: Int = 20, before: UInt64? = nil) async throws -> Reply<InsuranceReply> {
        try await get("/v1/insurance?limit=\(limit)" + (before.map { "&before=\($0)" } ?? ""))
    }

    public func adl(_ market: String, limit: Int = 20) async throws -> Reply<ADLReply> { try await get("/v1/adl/\(market)?limit=\(limit)") }

    public func supply() async throws -> Reply<SupplyReply> { try await get("/v1/supply") }
}
