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
final class CommitWaiters: Sendable {
    private let waiting = Mutex<[Bytes32: [UInt64: CheckedContinuation<CommitOutcome, Never>]]>([:])
    private let nextToken = Atomic<UInt64>(0)

    func wait(for hash: Bytes32, timeoutSeconds: Int) async -> CommitOutcome {
        let token = nextToken.add(1, ordering: .relaxed).newValue
        return await withCheckedContinuation { continuation in
            waiting.withLock { $0[hash, default: [:]][token] = continuation }
            Task {
                try? await Task.sleep(for: .seconds(timeoutSeconds))
                self.take(hash, token)?.resume(returning: .timedOut)
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
        let waiters = waiting.withLock { $0.removeValue(forKey: hash) }
        for c in waiters?.values ?? [:].values { c.resume(returning: .evicted(error)) }
    }
}
