import SolventCore
import SolventCrypto
import SolventStore
import Synchronization

/// Transactions admitted but not yet in a block, in admission order.
///
/// Admission (CheckTx) runs each transaction against the check state: the committed state plus
/// everything already admitted. So a transaction the mempool accepts will, in the block the
/// single proposer builds from this order, execute exactly as it did on admission; refusals
/// (bad nonce, insufficient balance, overflow...) come back at once and change nothing.
/// Signatures are verified by the caller, in parallel, before admission.
///
/// After each commit the check state is rebuilt on the new committed state and the remaining
/// transactions are checked again (CometBFT's "recheck"); any that no longer pass are evicted.
final class Mempool: Sendable {
    private struct Pool: ~Copyable {
        var queue: [VerifiedTransaction] = []
        var hashes: Set<Bytes32> = []
        var perSender: [Address: Int] = [:]
        var snapshot: StateSnapshot
        var checkState: StateOverlay

        mutating func forget(_ tx: VerifiedTransaction) {
            hashes.remove(tx.hash)
            let sender = tx.transaction.sender
            let left = perSender[sender, default: 1] - 1
            perSender[sender] = left == 0 ? nil : left
        }
    }

    private let pool: Mutex<Pool>
    private let limits: MempoolLimits
    private let machine: StateMachine

    init(store: ChainStore, limits: MempoolLimits) throws {
        let snapshot = try store.snapshot()
        self.pool = Mutex(Pool(snapshot: snapshot, checkState: StateOverlay(base: snapshot)))
        self.limits = limits
        self.machine = store.stateMachine
    }

    var count: Int { pool.withLock { $0.queue.count } }

    /// Admits a transaction whose signatures have been verified, checking it in `context` (the
    /// expected next block); returns the refusal, if any.
    func admit(_ tx: VerifiedTransaction, context: BlockContext) -> ProtocolError? {
        pool.withLock { p in
            if p.hashes.contains(tx.hash) {
                return ProtocolError(.alreadyKnown, "transaction \(tx.hash) is already waiting in the mempool")
            }
            if p.snapshot.isCommitted(tx.hash) {
                return ProtocolError(.alreadyKnown, "transaction \(tx.hash) is already in a committed block")
            }
            guard p.queue.count < limits.maxTransactions else {
                return ProtocolError(.mempoolFull, "the mempool holds \(p.queue.count) transactions, its limit; retry after the next block")
            }
            let sender = tx.transaction.sender
            guard p.perSender[sender, default: 0] < limits.maxPerSender else {
                return ProtocolError(.senderPendingLimit, "sender already has \(limits.maxPerSender) transactions waiting")
            }
            if let refusal = machine.checkTx(tx, state: p.checkState, context: context) { return refusal }
            p.queue.append(tx)
            p.hashes.insert(tx.hash)
            p.perSender[sender, default: 0] += 1
            return nil
        }
    }

    /// The nonce `address`'s next transaction must carry, counting admitted transactions; nil
    /// when the account does not exist.
    func nextNonce(_ address: Address) -> UInt64? {
        pool.withLock { $0.checkState.account(address)?.nonce }
    }

    /// The first `limit` waiting transactions, the candidates for the next block.
    func candidates(limit: Int) -> [VerifiedTransaction] {
        pool.withLock { Array($0.queue.prefix(limit)) }
    }

    /// Entries the check state may hold before a commit rebuilds it from scratch.
    static let maxCheckStateEntries = 1_000_000

    /// Called after a block holding the first `included` candidates was committed: drops them and
    /// moves the check state onto `snapshot` (the new committed state).
    ///
    /// When every included transaction succeeded and nothing in the block depended on its time
    /// or height, the block did exactly what admission did, so new committed state + remaining
    /// transactions = the current check state, and the check state is simply rebased (its writes
    /// kept, its cached reads dropped). Otherwise, or when it has grown large, it is rebuilt: the
    /// remaining transactions are checked again on the new state in `next` (the next block's
    /// expected context) and any that no longer pass are evicted and returned with the reason.
    func blockCommitted(included: Int, sameAsAdmission: Bool, snapshot: StateSnapshot,
                        next: BlockContext) -> [(Bytes32, ProtocolError)] {
        pool.withLock { p in
            for tx in p.queue.prefix(included) { p.forget(tx) }
            p.queue.removeFirst(min(included, p.queue.count))
            p.snapshot.close()
            p.snapshot = snapshot
            if p.queue.isEmpty {
                p.checkState = StateOverlay(base: snapshot)
                return []
            }
            if sameAsAdmission, p.checkState.entryCount < Self.maxCheckStateEntries {
                p.checkState.rebase(onto: snapshot)
                return []
            }
            let remaining = p.queue
            p.queue.removeAll(keepingCapacity: true)
            p.checkState = StateOverlay(base: snapshot)
            var evicted = [(Bytes32, ProtocolError)]()
            for tx in remaining {
                if let refusal = machine.checkTx(tx, state: p.checkState, context: next) {
                    evicted.append((tx.hash, refusal))
                    p.forget(tx)
                } else {
                    p.queue.append(tx)
                }
            }
            return evicted
        }
    }

    /// Closes the snapshot so the store can be closed.
    func close() {
        pool.withLock { $0.snapshot.close() }
    }
}
