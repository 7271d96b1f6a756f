import SolventEngine
import SolventCore
import SolventCrypto
import SolventStore
import Synchronization

/// What a client waiting on `?wait=commit` learns about its transaction.
enum CommitOutcome: Sendable {
    case committed(height: UInt64, index: Int, receipt: Receipt, blockTimeMs: UInt64)
    case evicted(ProtocolError)
    case timedOut
}

/// Clients waiting for their transactions to commit, keyed by transaction hash. Whoever removes
/// a waiter from the table resumes it, so each continuation is resumed exactly once even when a
/// commit and a timeout race.
///
/// The reasons of recent evictions are kept (the last 4,096 to 8,192), so a client that starts
/// waiting just after its transaction was dropped still hears why; accepting the same transaction
/// again forgets its reason.
final class CommitWaiters: Sendable {
    private let waiting = Mutex<[Bytes32: [UInt64: CheckedContinuation<CommitOutcome, Never>]]>([:])
    private let nextToken = Atomic<UInt64>(0)
    private let dropped = Mutex<(current: [Bytes32: ProtocolError], previous: [Bytes32: ProtocolError])>(([:], [:]))
    static let droppedGeneration = 4_096

    func wait(for hash: Bytes32, timeoutSeconds: Int) async -> CommitOutcome {
        let token = nextToken.add(1, ordering: .relaxed).newValue
        return await withCheckedContinuation { continuation in
            // Under the table's lock, so an eviction either finds this waiter or was recorded before.
            let reason: ProtocolError? = waiting.withLock { table in
                if let reason = dropped.withLock({ $0.current[hash] ?? $0.previous[hash] }) { return reason }
                table[hash, default: [:]][token] = continuation
                return nil
            }
            if let reason {
                continuation.resume(returning: .evicted(reason))
                return
            }
            Task {
                try? await Task.sleep(for: .seconds(timeoutSeconds))
                self.take(hash, token)?.resume(returning: .timedOut)
            }
        }
    }

    /// Forgets the eviction reasons of transactions accepted again.
    func accepted(_ hashes: [Bytes32]) {
        dropped.withLock { d in
            guard !d.current.isEmpty || !d.previous.isEmpty else { return }
            for hash in hashes {
                d.current[hash] = nil
                d.previous[hash] = nil
            }
        }
    }

    var count: Int { waiting.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    private func take(_ hash: Bytes32, _ token: UInt64) -> CheckedContinuation<CommitOutcome, Never>? {
        waiting.withLock { table in
            let c = table[hash]?.removeValue(forKey: token)
            if table[hash]?.isEmpty == true { table[hash] = nil }
            return c
        }
    }

    func resolve(_ block: CommittedBlock) {
        let resumed: [(CheckedContinuation<CommitOutcome, Never>, CommitOutcome)] = waiting.withLock { table in
            guard !table.isEmpty else { return [] }
            var out = [(CheckedContinuation<CommitOutcome, Never>, CommitOutcome)]()
            for (i, receipt) in block.receipts.enumerated() {
                guard let waiters = table.removeValue(forKey: receipt.txHash) else { continue }
                let outcome = CommitOutcome.committed(height: block.height, index: i, receipt: receipt,
                                                      blockTimeMs: block.block.header.timeMs)
                for c in waiters.values { out.append((c, outcome)) }
            }
            return out
        }
        for (c, outcome) in resumed { c.resume(returning: outcome) }
    }

    func evict(_ hash: Bytes32, _ error: ProtocolError) {
        let waiters = waiting.withLock { table in
            dropped.withLock { d in
                if d.current.count >= Self.droppedGeneration { d = ([:], d.current) }
                d.current[hash] = error
            }
            return table.removeValue(forKey: hash)
        }
        for c in waiters?.values ?? [:].values { c.resume(returning: .evicted(error)) }
    }
}
