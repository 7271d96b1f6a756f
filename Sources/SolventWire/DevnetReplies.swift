// The devnet controls' replies (contracts-spec/devnet.md; rpc.md, "Devnet controls").

/// The chain's head after a control that mines or moves it (advance, revert).
public struct ClockReply: Codable, Sendable {
    public let height: UInt64
    public let blockTime: String
    public let blockTimeMs: UInt64
    public let appHash: String
    /// Blocks the control mined, the funding events they applied and the markets they settled.
    public let mined: Int?
    public let fundingEvents: Int?
    public let settledMarkets: [String]?

    public init(height: UInt64, blockTime: String, blockTimeMs: UInt64, appHash: String, mined: Int? = nil, fundingEvents: Int? = nil,
                settledMarkets: [String]? = nil) {
        (self.height, self.blockTime, self.blockTimeMs, self.appHash) = (height, blockTime, blockTimeMs, appHash)
        (self.mined, self.fundingEvents, self.settledMarkets) = (mined, fundingEvents, settledMarkets)
    }
}

/// `POST /v1/devnet/time`: the time the next block will carry.
public struct NextBlockTimeReply: Codable, Sendable {
    public let nextBlockTime: String
    /// Milliseconds as a decimal string.
    public let nextBlockTimeMs: String

    public init(nextBlockTime: String, nextBlockTimeMs: String) {
        (self.nextBlockTime, self.nextBlockTimeMs) = (nextBlockTime, nextBlockTimeMs)
    }
}

/// `POST /v1/devnet/block-mode`.
public struct BlockModeReply: Codable, Sendable {
    public let mode: String
    public let description: String

    public init(mode: String, description: String) {
        (self.mode, self.description) = (mode, description)
    }
}

/// `POST /v1/devnet/oracle`. Heights are JSON integers in every reply (rpc.md); `height` is
/// null, not absent, while the override waits unmined.
public struct OracleOverrideReply: Codable, Sendable {
    public let market: String
    public let price: String
    public let txHash: String
    public let height: UInt64?

    public init(market: String, price: String, txHash: String, height: UInt64?) {
        (self.market, self.price, self.txHash, self.height) = (market, price, txHash, height)
    }

    enum CodingKeys: CodingKey { case market, price, txHash, height }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(market, forKey: .market)
        try c.encode(price, forKey: .price)
        try c.encode(txHash, forKey: .txHash)
        try c.encode(height, forKey: .height)
    }
}

/// `POST /v1/devnet/snapshot`.
public struct SnapshotReply: Codable, Sendable {
    /// A decimal string, to pass to `revert`.
    public let id: String
    public let height: UInt64
    public let appHash: String
    public let blockTime: String

    public init(id: String, height: UInt64, appHash: String, blockTime: String) {
        (self.id, self.height, self.appHash, self.blockTime) = (id, height, appHash, blockTime)
    }
}
