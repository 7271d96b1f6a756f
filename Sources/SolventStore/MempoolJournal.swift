/// One transaction in the mempool journal (storage.md, "The mempool journal"): a transaction the
/// node accepted (answered 202) and has not yet put in a block.
public struct JournalEntry: Sendable, Equatable {
    /// The entry's key: the order the node accepted transactions in.
    public let key: UInt64
    /// The chain's height when the transaction was accepted (queued transactions expire from it).
    public let acceptedHeight: UInt64
    /// The signed transaction's bytes.
    public let transaction: [UInt8]

    public init(key: UInt64, acceptedHeight: UInt64, transaction: [UInt8]) {
        self.key = key
        self.acceptedHeight = acceptedHeight
        self.transaction = transaction
    }
}

extension ChainStore {
    /// Every journaled transaction, in key order.
    public func journal() throws -> [JournalEntry] {
        try environment.read { txn in
            var out = [JournalEntry]()
            var bad: [UInt8]?
            try txn.scan(Tables.mempool) { key, value in
                guard key.count == 8, value.count > 8 else { bad = key; return false }
                out.append(JournalEntry(key: Keys.readHeight(key), acceptedHeight: Keys.readHeight(value),
                                        transaction: Array(value[8...])))
                return true
            }
            if let bad { throw StoreError(.corrupt, "the mempool journal holds a malformed entry (key \(bad.count) bytes)") }
            return out
        }
    }

    /// The key the next journal entry gets: one past the largest key in the journal, 0 when empty.
    public func nextJournalKey() throws -> UInt64 {
        try environment.read { txn in try txn.last(Tables.mempool).map { Keys.readHeight($0.0) + 1 } ?? 0 }
    }

    /// Writes `adding` and deletes `removing` in one write transaction (adds first, so an entry
    /// added and removed before the write leaves nothing).
    public func updateJournal(adding: [JournalEntry], removing: [UInt64]) throws {
        guard !adding.isEmpty || !removing.isEmpty else { return }
        try environment.write { txn in
            for entry in adding {
                try txn.put(Tables.mempool, Keys.height(entry.key), Keys.height(entry.acceptedHeight) + entry.transaction)
            }
            try Self.removeFromJournal(removing, txn)
        }
    }

    static func removeFromJournal(_ keys: [UInt64], _ txn: LMDBTransaction) throws {
        for key in keys { try txn.delete(Tables.mempool, Keys.height(key)) }
    }
}
