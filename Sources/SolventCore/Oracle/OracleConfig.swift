import SolventCrypto

/// The oracle's limits, set in genesis and changed by the admin (contracts-spec/oracle.md,
/// "Configuration"); the fields are generated from their layout (state.md, "oracle limits").
extension OracleSettings {
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
