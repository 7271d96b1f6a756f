import Foundation

/// GET /v1/auctions (contracts-spec/collateral-auctions.md, "Queries"; rpc.md).
public struct AuctionsReply: Decodable, Sendable {
    public struct Settings: Decodable, Sendable {
        public let bufPpm: UInt32
        public let cutPpm: UInt32
        public let stepSeconds: UInt32
        public let cuspPpm: UInt32
        public let tailSeconds: UInt32
        public let tip: String
        public let chipPpm: UInt32
        public let maxIncentive: String
        enum CodingKeys: String, CodingKey {
            case bufPpm = "buf_ppm", cutPpm = "cut_ppm", stepSeconds = "step_seconds", cuspPpm = "cusp_ppm", tailSeconds = "tail_seconds"
            case tip, chipPpm = "chip_ppm", maxIncentive = "max_incentive"
        }
    }

    public let height: UInt64
    public let blockTime: String
    public let priceTime: String
    public let settings: Settings
    public let count: Int
    public let auctions: [AuctionReply]
    public let candidates: [AuctionCandidateReply]
    enum CodingKeys: String, CodingKey {
        case height, blockTime = "block_time", priceTime = "price_time", settings, count, auctions, candidates
    }
}

public struct AuctionReply: Decodable, Sendable {
    public let owner: String
    public let vault: UInt32
    public let asset: String
    public let lot: String
    public let debt: String
    public let incentiveDue: String
    public let tab: String
    public let debtAtStart: String
    public let starter: String
    public let starterVault: UInt32
    public let top: String
    /// The price a take would pay in the next block.
    public let price: String
    public let oraclePrice: String?
    public let priceToOraclePpm: UInt64?
    public let lotCost: String?
    public let stale: Bool
    public let startedHeight: UInt64
    public let startedAt: String
    public let curveStartedAt: String
    public let elapsedSeconds: UInt64
    public let redos: UInt32
    public let sold: String
    public let raised: String

    enum CodingKeys: String, CodingKey {
        case owner, vault, asset, lot, debt, incentiveDue = "incentive_due", tab, debtAtStart = "debt_at_start", starter
        case starterVault = "starter_vault", top, price, oraclePrice = "oracle_price", priceToOraclePpm = "price_to_oracle_ppm"
        case lotCost = "lot_cost", stale, startedHeight = "started_height", startedAt = "started_at", curveStartedAt = "curve_started_at"
        case elapsedSeconds = "elapsed_seconds", redos, sold, raised
    }
}

public struct AuctionCandidateReply: Decodable, Sendable {
    public let owner: String
    public let vault: UInt32
    public let asset: String
    public let amount: String
    public let debt: String
    public let reason: String
}

extension RPCClient {
    /// `all`: also scan every vault for underwater ones never liquidated (O(vaults) on the node).
    public func auctions(limit: Int = 100, all: Bool = false) async throws -> Reply<AuctionsReply> {
        try await get("/v1/auctions?limit=\(limit)" + (all ? "&all=true" : ""))
    }
}
