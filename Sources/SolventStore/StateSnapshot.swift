import CLMDB
import SolventCore
import SolventCrypto

/// A committed-state snapshot held open across calls (an LMDB read transaction). Not thread-safe:
/// the owner serialises its use. Readers never block the writer; the snapshot keeps seeing the
/// state as of when it was opened until it is closed.
public final class StateSnapshot: StateReader, @unchecked Sendable {
    private let environment: LMDBEnvironment
    private var txn: OpaquePointer?

    init(environment: LMDBEnvironment) throws {
        self.environment = environment
        var t: OpaquePointer?
        try check(mdb_txn_begin(environment.env, nil, UInt32(MDB_RDONLY), &t), "beginning a snapshot")
        txn = t
    }

    public func get(_ table: StateTable, _ key: [UInt8]) -> [UInt8]? {
        guard let txn else { preconditionFailure("snapshot used after close") }
        return LMDBTransaction(txn: txn, environment: environment).get(numbered: table.rawValue, key)
    }

    public func scan(_ table: StateTable, prefix: [UInt8], from start: [UInt8]?, _ visit: ([UInt8], [UInt8]) -> Bool) {
        guard let txn else { preconditionFailure("snapshot used after close") }
        do {
            try LMDBTransaction(txn: txn, environment: environment).scan(numbered: table.rawValue, name: table.name, prefix: prefix,
                                                                         from: start, visit)
        } catch {
            fatalError("state is unreadable: scanning \(table.name) failed (\(error))")
        }
    }

    /// Whether a transaction with this hash is in a committed block (as of the snapshot).
    public func isCommitted(_ hash: Bytes32) -> Bool {
        guard let txn else { preconditionFailure("snapshot used after close") }
        return LMDBTransaction(txn: txn, environment: environment).get(Tables.txs, hash.bytes) != nil
    }

    /// The head the snapshot shows.
    public func head() throws -> ChainHead {
        guard let txn else { preconditionFailure("snapshot used after close") }
        return try ChainStore.readHead(LMDBTransaction(txn: txn, environment: environment))
    }

    public func close() {
        if let txn { mdb_txn_abort(txn) }
        txn = nil
    }

    deinit { close() }
}
