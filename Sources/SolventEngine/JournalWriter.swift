import Foundation
import SolventStore
import Synchronization

/// The one writer of the mempool journal (storage.md, "The mempool journal").
///
/// The mempool hands it each accepted transaction (`add`, which gives the entry its key, in
/// acceptance order) and each key to forget (`remove`) while holding its own lock, so the
/// writer's queue is in the mempool's order. A submission then calls `sync(through:)` with its
/// last key before the node answers 202. Writes are grouped: a caller that finds no write in
/// progress becomes the writer and puts everything queued so far into one LMDB write transaction;
/// callers arriving meanwhile wait for the next one. So concurrent submissions share commits,
/// and since the queue is written in key order, every key below `written` is in the store.
final class JournalWriter: @unchecked Sendable {
    /// A write of the journal failed: the transactions in it were not acknowledged.
    struct WriteFailed: Error, CustomStringConvertible {
        let keys: Range<UInt64>
        let underlying: String
        var description: String { "writing the mempool journal failed: \(underlying)" }
    }

    private let store: ChainStore
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var nextKey: UInt64
    private var adds: [JournalEntry] = []
    private var removes: [UInt64] = []
    private var writing = false
    private var failures: [WriteFailed] = []
    /// Every key below this was written (or failed and was withdrawn from the mempool).
    private let writtenBelow: Atomic<UInt64>

    init(store: ChainStore) throws {
        self.store = store
        let next = try store.nextJournalKey()
        self.nextKey = next
        self.writtenBelow = Atomic(next)
    }

    /// Whether the entry with `key` is in the store, so a block may include its transaction.
    func isWritten(_ key: UInt64) -> Bool { key < writtenBelow.load(ordering: .acquiring) }

    /// Queues a new entry and returns its key.
    func add(_ transaction: [UInt8], acceptedHeight: UInt64) -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        let key = nextKey
        nextKey += 1
        adds.append(JournalEntry(key: key, acceptedHeight: acceptedHeight, transaction: transaction))
        return key
    }

    /// Queues the removal of entries; they go with the next write.
    func remove(_ keys: [UInt64]) {
        guard !keys.isEmpty else { return }
        condition.lock()
        removes += keys
        condition.unlock()
    }

    /// Returns once every entry up to `key` is in the store. If the write holding it fails, the
    /// writer calls `withdraw` with the keys it held (before any block could include them) and
    /// throws `WriteFailed`.
    func sync(through key: UInt64, withdraw: (Range<UInt64>) -> Void) throws {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let failure = failures.first(where: { $0.keys.contains(key) }) { throw failure }
            if writtenBelow.load(ordering: .relaxed) > key { return }
            if writing {
                condition.wait()
            } else {
                try writeQueued(withdraw: withdraw)
            }
        }
    }

    /// Writes whatever is queued (removals after evictions), unless a write is under way, which
    /// takes them anyway.
    func flush(withdraw: (Range<UInt64>) -> Void) throws {
        condition.lock()
        defer { condition.unlock() }
        guard !writing, !adds.isEmpty || !removes.isEmpty else { return }
        try writeQueued(withdraw: withdraw)
    }

    /// Called with `condition` locked and no write under way; unlocks it during the write.
    private func writeQueued(withdraw: (Range<UInt64>) -> Void) throws {
        writing = true
        let batch = adds, gone = removes, upTo = nextKey
        let from = writtenBelow.load(ordering: .relaxed)
        adds.removeAll(keepingCapacity: true)
        removes.removeAll(keepingCapacity: true)
        condition.unlock()
        var failure: WriteFailed?
        do {
            try store.updateJournal(adding: batch, removing: gone)
        } catch {
            failure = WriteFailed(keys: from..<upTo, underlying: "\(error)")
            withdraw(from..<upTo)
        }
        condition.lock()
        writing = false
        if let failure {
            removes += gone
            failures.append(failure)
            if failures.count > 64 { failures.removeFirst() }
        }
        writtenBelow.store(upTo, ordering: .releasing)
        condition.broadcast()
        if let failure { throw failure }
    }
}
