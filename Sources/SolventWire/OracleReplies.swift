// The oracle (contracts-spec/oracle.md, "Queries").

public struct OracleMarketReply: Codable, Sendable {
    public let id: UInt32
    public let symbol: String
    public let asset: String?
    /// Absent until the market's first price.
    public let price: String?
    public let median: String?
    /// fresh, clamped, stale or none, as of the latest block's time.
    public let status: String
    public let updatedAt: String?
    public let updatedAtMs: UInt64?
    /// Latest block time minus the update's block time.
    public let ageMs: UInt64?
    public let lastReportMs: UInt64
    /// The reports of the update in force, each from a distinct whitelisted signer.
    public let reports: [ReportReply]

    public init(id: UInt32, symbol: String, asset: String? = nil, price: String? = nil, median: String? = nil, status: String,
                updatedAt: String? = nil, updatedAtMs: UInt64? = nil, ageMs: UInt64? = nil, lastReportMs: UInt64,
                reports: [ReportReply]) {
        (self.id, self.symbol, self.asset, self.price, self.median, self.status, self.updatedAt, self.updatedAtMs, self.ageMs,
         self.lastReportMs, self.reports) =
            (id, symbol, asset, price, median, status, updatedAt, updatedAtMs, ageMs, lastReportMs, reports)
    }
}

public struct OracleReply: Codable, Sendable {
    public let height: UInt64
    public let blockTimeMs: UInt64
    public let config: OracleSettingsReply
    public let signers: [String]
    public let markets: [OracleMarketReply]

    public init(height: UInt64, blockTimeMs: UInt64, config: OracleSettingsReply, signers: [String], markets: [OracleMarketReply]) {
        (self.height, self.blockTimeMs, self.config, self.signers, self.markets) = (height, blockTimeMs, config, signers, markets)
    }
}

/// The oracle's settings (oracle.md, "Configuration"), as `GET /v1/oracle` and the
/// `oracle_set_settings` action show them.
public struct OracleSettingsReply: Codable, Sendable {
    public let quorum: UInt8
    public let maxReportAgeMs: UInt64
    public let maxFutureSkewMs: UInt64
    public let minUpdateIntervalMs: UInt64
    public let maxMovePpm: UInt32
    public let staleAfterMs: UInt64

    public init(quorum: UInt8, maxReportAgeMs: UInt64, maxFutureSkewMs: UInt64, minUpdateIntervalMs: UInt64, maxMovePpm: UInt32,
                staleAfterMs: UInt64) {
        (self.quorum, self.maxReportAgeMs, self.maxFutureSkewMs, self.minUpdateIntervalMs, self.maxMovePpm, self.staleAfterMs) =
            (quorum, maxReportAgeMs, maxFutureSkewMs, minUpdateIntervalMs, maxMovePpm, staleAfterMs)
    }
}
