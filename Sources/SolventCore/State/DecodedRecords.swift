/// A read view of an unchanging state that decodes each market, oracle market, asset and settings
/// record at most once. Valuing many vaults reads the same few of them for every vault; decoding them
/// was three quarters of a liquidation index revaluation. Only for a state nothing writes while
/// the view is in use (a committed snapshot), and for one thread at a time.
public final class DecodedRecords: StateReader {
    public let base: any StateReader
    private var perpMarkets: [UInt32: PerpMarket?] = [:]
    private var oracleMarkets: [UInt32: OracleMarket?] = [:]
    private var assets: [AssetID: Asset?] = [:]
    private var singletons = DecodedSingletons()

    public init(_ base: any StateReader) { self.base = base }

    public func get(_ table: StateTable, _ key: [UInt8]) -> [UInt8]? { base.get(table, key) }

    public func scan(_ table: StateTable, prefix: [UInt8], from start: [UInt8]?, _ visit: ([UInt8], [UInt8]) -> Bool) {
        base.scan(table, prefix: prefix, from: start, visit)
    }

    public func perpMarket(_ id: UInt32) -> PerpMarket? { Self.memo(&perpMarkets, id) { base.perpMarket(id) } }
    public func oracleMarket(_ id: UInt32) -> OracleMarket? { Self.memo(&oracleMarkets, id) { base.oracleMarket(id) } }
    public func asset(_ id: AssetID) -> Asset? { Self.memo(&assets, id) { base.asset(id) } }
    public func singleton<Record: SingletonRecord>(_: Record.Type) -> Record? { singletons.memo(Record.self) { base.singleton(Record.self) } }

    /// The remembered answer (an absent record included), or the one `read` gives, remembered
    /// (StateOverlay keeps its decoded records the same way).
    static func memo<Key: Hashable, Record>(_ table: inout [Key: Record?], _ key: Key, _ read: () -> Record?) -> Record? {
        if let known = table[key] { return known }
        let record = read()
        table[key] = .some(record)
        return record
    }
}

/// Settings records as last decoded, by their state key: each is read for every order or vault
/// (the oracle configuration for a price's staleness, the insurance totals for every fee).
struct DecodedSingletons {
    /// A record (`Record`) or its absence (`Record?.none`), boxed.
    private var records: [StateKey: Any] = [:]

    mutating func memo<Record: SingletonRecord>(_: Record.Type, _ read: () -> Record?) -> Record? {
        if let known = records[Record.stateKey] { return known as? Record }
        let record = read()
        records[Record.stateKey] = record as Any
        return record
    }

    /// Keeps `record` as the one just written under its key.
    mutating func remember<Record: SingletonRecord>(_ record: Record) { records[Record.stateKey] = record }

    /// Forgets what is kept under `key`, if anything; only the settings tables hold singletons.
    mutating func forget(_ key: StateKey) {
        switch key.table {
        case .params, .oracleConfig, .protocolAccounts: records[key] = nil
        default: return
        }
    }

    mutating func forgetAll() { records.removeAll() }
}
