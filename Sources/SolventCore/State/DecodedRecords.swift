/// A read view of an unchanging state that decodes each market, oracle market and asset record
/// at most once. Valuing many vaults reads the same few of them for every vault; decoding them
/// was three quarters of a liquidation index revaluation. Only for a state nothing writes while
/// the view is in use (a committed snapshot), and for one thread at a time.
public final class DecodedRecords: StateReader {
    public let base: any StateReader
    private var perpMarkets: [UInt32: PerpMarket?] = [:]
    private var oracleMarkets: [UInt32: OracleMarket?] = [:]
    private var assets: [AssetID: Asset?] = [:]

    public init(_ base: any StateReader) { self.base = base }

    public func get(_ table: StateTable, _ key: [UInt8]) -> [UInt8]? { base.get(table, key) }

    public func scan(_ table: StateTable, prefix: [UInt8], from start: [UInt8]?, _ visit: ([UInt8], [UInt8]) -> Bool) {
        base.scan(table, prefix: prefix, from: start, visit)
    }

    public func perpMarket(_ id: UInt32) -> PerpMarket? { Self.memo(&perpMarkets, id) { base.perpMarket(id) } }
    public func oracleMarket(_ id: UInt32) -> OracleMarket? { Self.memo(&oracleMarkets, id) { base.oracleMarket(id) } }
    public func asset(_ id: AssetID) -> Asset? { Self.memo(&assets, id) { base.asset(id) } }

    /// The remembered answer (an absent record included), or the one `read` gives, remembered
    /// (StateOverlay keeps its decoded records the same way).
    static func memo<Key: Hashable, Record>(_ table: inout [Key: Record?], _ key: Key, _ read: () -> Record?) -> Record? {
        if let known = table[key] { return known }
        let record = read()
        table[key] = .some(record)
        return record
    }
}
