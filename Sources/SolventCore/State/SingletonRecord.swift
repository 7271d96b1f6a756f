/// A record stored alone under one fixed key of one table (contracts-spec/state.md, "params",
/// "oracle_config" and "protocol"): the chain params, the oracle's config, a mechanism's
/// settings, the insurance fund's totals. Each says where it lives; reading and writing it is the
/// same for all of them.
protocol SingletonRecord: StoredRecord where Key == Void {
    /// `protocol` unless the record says otherwise.
    static var table: StateTable { get }
    static var key: [UInt8] { get }
}

extension SingletonRecord {
    static var table: StateTable { .protocolAccounts }
}

extension StateReader {
    /// The stored record, nil when there is none; one that does not decode stops the node
    /// (`decodeStored`): state is written only by this code, so it is corrupt.
    func singleton<Record: SingletonRecord>(_: Record.Type) -> Record? {
        get(Record.table, Record.key).map { bytes in decodeStored(bytes, Record.recordName, Record.decode) }
    }
}

extension StateOverlay {
    func putSingleton<Record: SingletonRecord>(_ record: Record) { put(Record.table, Record.key, record.encoded()) }
}
