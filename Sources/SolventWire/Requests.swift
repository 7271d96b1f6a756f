// The JSON bodies the RPC takes (contracts-spec/openapi.yaml, "requestBody").

/// `POST /v1/txs` and `POST /v1/simulate`: the lowercase hex of a signed transaction.
public struct SubmitRequest: Codable, Sendable {
    public let tx: String

    public init(tx: String) {
        self.tx = tx
    }
}

/// `POST /v1/txs/batch`.
public struct BatchRequest: Codable, Sendable {
    public let txs: [String]

    public init(txs: [String]) {
        self.txs = txs
    }
}

/// `POST /v1/devnet/mine`: how many blocks (1 when absent).
public struct MineRequest: Codable, Sendable {
    public let blocks: Int?

    public init(blocks: Int?) {
        self.blocks = blocks
    }
}

/// `POST /v1/devnet/advance`: a duration like "8h"; prices are refreshed unless told not to.
public struct AdvanceRequest: Codable, Sendable {
    public let duration: String
    public let refreshPrices: Bool?

    public init(duration: String, refreshPrices: Bool? = nil) {
        (self.duration, self.refreshPrices) = (duration, refreshPrices)
    }
}

/// `POST /v1/devnet/time`: a UTC time or milliseconds.
public struct NextBlockTimeRequest: Codable, Sendable {
    public let nextBlockTime: String

    public init(nextBlockTime: String) {
        self.nextBlockTime = nextBlockTime
    }
}

/// `POST /v1/devnet/block-mode`.
public struct BlockModeRequest: Codable, Sendable {
    public let mode: String
    public let intervalMs: Int?

    public init(mode: String, intervalMs: Int? = nil) {
        (self.mode, self.intervalMs) = (mode, intervalMs)
    }
}

/// `POST /v1/devnet/oracle`: a market's price set by the admin, mined at once unless told not to.
public struct OracleOverrideRequest: Codable, Sendable {
    public let market: String
    public let price: String
    public let mine: Bool?

    public init(market: String, price: String, mine: Bool? = nil) {
        (self.market, self.price, self.mine) = (market, price, mine)
    }
}

/// `POST /v1/devnet/revert`.
public struct RevertRequest: Codable, Sendable {
    public let id: String

    public init(id: String) {
        self.id = id
    }

    enum CodingKeys: CodingKey { case id }

    /// The id as a string ("1") or a number (1).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let n = try? c.decode(UInt64.self, forKey: .id) { id = String(n) } else { id = try c.decode(String.self, forKey: .id) }
    }
}
