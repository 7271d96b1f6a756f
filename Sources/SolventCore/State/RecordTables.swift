/// Where a record lives: which table, under which key (contracts-spec/state.md). Reading and
/// writing a record is the same for every record of one kind, so it is written here once.

/// A record stored alone under one fixed key of one table (state.md, "params", "oracle_config" and
/// "protocol"): the chain params, the oracle's config, a mechanism's settings, the insurance
/// fund's totals.
public protocol SingletonRecord: StoredRecord where Key == Void {
    /// Its table and key.
    static var stateKey: StateKey { get }
}

/// A record kept in its table under its id, a u32 big-endian that the bytes do not repeat
/// (state.md, "assets", "oracle_prices" and "perp_markets").
protocol NumberedRecord: StoredRecord where Key == UInt32 {
    static var table: StateTable { get }
}

extension StateReader {
    /// The stored record, nil when there is none. Here and below, a record that does not decode
    /// stops the node (`decodeStored`): only this code writes state, so the store is damaged.
    public func singleton<Record: SingletonRecord>(_: Record.Type) -> Record? { decodedSingleton(Record.self) }

    /// The stored record decoded, without any reader's cache (readers that keep records decoded
    /// call this on a miss).
    func decodedSingleton<Record: SingletonRecord>(_: Record.Type) -> Record? {
        get(Record.stateKey.table, Record.stateKey.key).map { bytes in decodeStored(bytes, Record.recordName, Record.decode) }
    }

    /// A record every genesis writes: a state without it was never initialised, and the node stops.
    func genesisSingleton<Record: SingletonRecord>(_: Record.Type) -> Record {
        guard let record = singleton(Record.self) else {
            fatalError("state has no \(Record.recordName): the store was not initialised from a genesis")
        }
        return record
    }

    func numbered<Record: NumberedRecord>(_: Record.Type, _ id: UInt32) -> Record? {
        get(Record.table, BigEndianKey.u32(id)).map { bytes in decodeNumbered(bytes, id) }
    }

    /// Every record of the kind, in id order.
    func allNumbered<Record: NumberedRecord>(_: Record.Type) -> [Record] {
        entries(Record.table, prefix: []).map { e in decodeNumbered(e.value, BigEndianKey.readU32(e.key, at: 0)) }
    }

    private func decodeNumbered<Record: NumberedRecord>(_ bytes: [UInt8], _ id: UInt32) -> Record {
        decodeStored(bytes, "\(Record.recordName) \(id)") { (b) throws(ProtocolError) in try Record.decode(b, key: id) }
    }
}

extension StateOverlay {
    func putNumbered<Record: NumberedRecord>(_ record: Record) {
        putTyped(Record.table, BigEndianKey.u32(record.layoutKey), record.encoded())
    }
}
