import SolventCrypto

/// The oracle's limits, set in genesis and changed by the admin (contracts-spec/oracle.md, "Configuration").
public struct OracleSettings: Equatable, Sendable, Codable {
    /// Distinct signers' reports an update needs; odd, so the median is one of them.
    public var quorum: UInt8
    /// A report older than this, measured against block time, is refused.
    public var maxReportAgeMs: UInt64
    /// A report more than this ahead of block time is refused.
    public var maxFutureSkewMs: UInt64
    /// Block time that must pass between two accepted updates of a market.
    public var minUpdateIntervalMs: UInt64
    /// The most one update may move a fresh price, in parts per million; 0 means no limit.
    public var maxMovePpm: UInt32
    /// A price older than this (block time) is stale: not usable for anything that adds risk.
    public var staleAfterMs: UInt64

    public init(quorum: UInt8, maxReportAgeMs: UInt64, maxFutureSkewMs: UInt64, minUpdateIntervalMs: UInt64,
                maxMovePpm: UInt32, staleAfterMs: UInt64) {
        self.quorum = quorum
        self.maxReportAgeMs = maxReportAgeMs
        self.maxFutureSkewMs = maxFutureSkewMs
        self.minUpdateIntervalMs = minUpdateIntervalMs
        self.maxMovePpm = maxMovePpm
        self.staleAfterMs = staleAfterMs
    }

    enum CodingKeys: String, CodingKey {
        case quorum
        case maxReportAgeMs = "max_report_age_ms"
        case maxFutureSkewMs = "max_future_skew_ms"
        case minUpdateIntervalMs = "min_update_interval_ms"
        case maxMovePpm = "max_move_ppm"
        case staleAfterMs = "stale_after_ms"
    }

    /// The rules every configuration obeys, whoever sets it.
    public func validate(signerCount: Int) throws(ProtocolError) {
        guard quorum >= 1, quorum % 2 == 1 else {
            throw ProtocolError(.invalidOracleConfig, "quorum must be odd and at least 1, got \(quorum)")
        }
        guard Int(quorum) <= signerCount else {
            throw ProtocolError(.invalidOracleConfig, "quorum \(quorum) is more than the \(signerCount) signers")
        }
        guard Int(quorum) <= OracleUpdate.maxReports else {
            throw ProtocolError(.invalidOracleConfig, "quorum \(quorum) is more than an update can carry (\(OracleUpdate.maxReports))")
        }
        guard maxReportAgeMs > 0, staleAfterMs > 0 else {
            throw ProtocolError(.invalidOracleConfig, "max_report_age_ms and stale_after_ms must be positive")
        }
        guard maxMovePpm <= 1_000_000 else {
            throw ProtocolError(.invalidOracleConfig, "max_move_ppm is at most 1000000 (100%)")
        }
        for v in [maxReportAgeMs, maxFutureSkewMs, minUpdateIntervalMs, staleAfterMs] where v > 365 * 86_400_000 {
            throw ProtocolError(.invalidOracleConfig, "time limits are at most one year (\(v) ms given)")
        }
    }
}

/// The oracle limits in the config record and the `oracle_set_settings` payload (oracle.md).
extension OracleSettings: RecordLayout {
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(quorum: try c.u8(\.quorum, "quorum"), maxReportAgeMs: try c.u64(\.maxReportAgeMs, "max_report_age_ms"),
                  maxFutureSkewMs: try c.u64(\.maxFutureSkewMs, "max_future_skew_ms"),
                  minUpdateIntervalMs: try c.u64(\.minUpdateIntervalMs, "min_update_interval_ms"),
                  maxMovePpm: try c.u32(\.maxMovePpm, "max_move_ppm"), staleAfterMs: try c.u64(\.staleAfterMs, "stale_after_ms"))
    }
}

/// The whitelisted signers and the settings, one state entry (table `oracle_config`).
public struct OracleConfig: Equatable, Sendable {
    public var settings: OracleSettings
    /// Sorted by key bytes.
    public private(set) var signers: [Bytes32]

    public init(settings: OracleSettings, signers: [Bytes32]) {
        self.settings = settings
        self.signers = signers.sorted()
    }

    public func isSigner(_ key: Bytes32) -> Bool { signers.contains(key) }

    public mutating func add(_ key: Bytes32) {
        signers.append(key)
        signers.sort()
    }

    public mutating func remove(_ key: Bytes32) { signers.removeAll { $0 == key } }

    public static let stateKey = StateKey(.oracleConfig, Array("config".utf8))
}

extension OracleConfig: SingletonRecord {
    public static let recordName = "oracle config"

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(settings: try c.fields(\.settings),
                  signers: try c.list(\.signers, "signers", width: .u16, minElementSize: 32))
    }
}

extension StateReader {
    public func oracleConfig() -> OracleConfig? { singleton(OracleConfig.self) }
}
