import SolventCore
import SolventCrypto
import SolventStore
import Synchronization

/// Transactions accepted but not yet in a block.
///
/// **Pending** transactions carry their sender's next nonce (counting the pending ones before
/// them) and wait in admission order. Admission (CheckTx) runs each against the check state: the
/// committed state plus everything already pending. So a transaction the mempool accepts will, in
/// the block the single proposer builds from this order, execute exactly as it did on admission;
/// refusals (bad nonce, insufficient balance, overflow...) come back at once and change nothing.
/// Signatures are verified by the caller, in parallel, before admission.
///
/// **Queued** transactions carry a nonce ahead of their sender's next one, within a window: they
/// are held unexecuted and promoted in nonce order, each checked like a new admission, when the
/// missing nonces arrive; they expire if the gap never fills (transactions.md, "Nonces").
///
/// Every accepted transaction is written to the journal before the node answers (the caller
/// calls `persist`); only journaled transactions become block candidates, and the block's commit
/// deletes their entries (storage.md, "The mempool journal"). After a restart `restore`
/// re-admits the journal in its order.
///
/// After each commit the check state is rebuilt on the new committed state and the remaining
/// transactions are checked again (CometBFT's "recheck"); any that no longer pass are evicted.
public final class Mempool: Sendable {
    /// An accepted transaction, its journal key and the height it was accepted at.
    struct Entry: Sendable {
        let tx: VerifiedTransaction
        let key: UInt64
        let acceptedHeight: UInt64
        var hash: Bytes32 { tx.hash }
        var sender: Address { tx.transaction.sender }
        var nonce: UInt64 { tx.transaction.nonce }
    }

    /// Where an accepted transaction waits.
    public enum Status: String, Sendable {
        case pending, queued
    }

    /// A transaction that left the mempool without a block, and why.
    public typealias Dropped = (hash: Bytes32, reason: ProtocolError)

    private struct Pool: ~Copyable {
        var pending: [Entry] = []
        var pendingByHash: [Bytes32: SignedTransaction] = [:]
        var queued = NonceQueue()
        var perSender: [Address: Int] = [:]
        var snapshot: StateSnapshot
        var checkState: StateOverlay

        var count: Int { pending.count + queued.count }

        mutating func adjust(_ sender: Address, by delta: Int) {
            let n = perSender[sender, default: 0] + delta
            perSender[sender] = n == 0 ? nil : n
        }

        mutating func forgetPending(_ entry: Entry) {
            pendingByHash[entry.hash] = nil
            adjust(entry.sender, by: -1)
        }
    }

    private let pool: Mutex<Pool>
    private let limits: MempoolLimits
    private let machine: StateMachine
    private let journal: JournalWriter

    init(engine: ChainEngine, limits: MempoolLimits) throws {
        let store = engine.store
        let snapshot = try store.snapshot()
        self.pool = Mutex(Pool(snapshot: snapshot, checkState: StateOverlay(base: snapshot)))
        self.limits = limits
        self.machine = engine.machine
        self.journal = try JournalWriter(store: store)
    }

    /// Transactions waiting, pending and queued.
    public var count: Int { pool.withLock { $0.count } }
    public var queuedCount: Int { pool.withLock { $0.queued.count } }

    /// Whether a block could include something now (a journaled pending transaction).
    public var hasCandidates: Bool {
        pool.withLock { p in p.pending.first.map { journal.isWritten($0.key) } ?? false }
    }

    /// Admits a transaction whose signatures have been verified, checking it in `context` (the
    /// expected next block): pending when its nonce is the sender's next, queued when it is ahead
    /// within the window. Returns where it waits and its journal key, or the refusal. Queued
    /// transactions it lets through that then fail their check are added to `dropped`.
    func admit(_ tx: VerifiedTransaction, context: BlockContext, dropped: inout [Dropped]) -> Result<(Status, UInt64), ProtocolError> {
        pool.withLock { p in place(tx, journaled: nil, context: context, &p, &dropped) }
    }

    /// Returns once the journal holds every entry up to `key`, which the node waits for before
    /// answering. If the write fails, the transactions it held are withdrawn (the others checked
    /// again: those that depended on them are added to `dropped`) and the error is thrown.
    func persist(through key: UInt64, context: BlockContext, dropped: inout [Dropped]) throws {
        try journal.sync(through: key) { keys in dropped += withdraw(keys, context: context) }
    }

    /// Writes journal removals still queued (after evictions), so the journal holds exactly the
    /// transactions waiting.
    func flushJournal(context: BlockContext, dropped: inout [Dropped]) throws {
        try journal.flush { keys in dropped += withdraw(keys, context: context) }
    }

    /// Re-admits the journal after a restart, in its order, each entry checked against the
    /// committed state like a new submission (signature, chain, nonce, execution). Entries that
    /// no longer pass are dropped from the journal (call `flushJournal`) and returned.
    func restore(_ entries: [JournalEntry], chainId: String, context: BlockContext) -> [Dropped] {
        var dropped = [Dropped]()
        var decoded = [(JournalEntry, SignedTransaction)]()
        for entry in entries {
            do {
                decoded.append((entry, try TxCodec.decode(entry.transaction)))
            } catch {
                journal.remove([entry.key])
                dropped.append((SHA256.hash(entry.transaction), error))
            }
        }
        let verified = VerifiedTransaction.verifyAll(decoded.map(\.1))
        pool.withLock { p in
            for ((entry, signed), result) in zip(decoded, verified) {
                var refusal: ProtocolError?
                switch result {
                case .failure(let error): refusal = error
                case .success(let tx) where tx.transaction.chainId != chainId:
                    refusal = ProtocolError(.wrongChainId, "transaction is signed for chain '\(tx.transaction.chainId)', this chain is '\(chainId)'")
                case .success(let tx):
                    if case .failure(let error) = place(tx, journaled: entry, context: context, &p, &dropped) { refusal = error }
                }
                if let refusal {
                    journal.remove([entry.key])
                    dropped.append((signed.hash, refusal))
                }
            }
        }
        return dropped
    }

    /// The nonce `address`'s next transaction must carry to be pending, counting pending
    /// transactions (not queued ones); nil when the account does not exist.
    public func nextNonce(_ address: Address) -> UInt64? {
        pool.withLock { $0.checkState.account(address)?.nonce }
    }

    /// A waiting transaction and where it waits.
    public func lookup(_ hash: Bytes32) -> (SignedTransaction, Status)? {
        pool.withLock { p in
            if let tx = p.pendingByHash[hash] { return (tx, .pending) }
            return p.queued.entry(hash: hash).map { ($0.tx.signed, .queued) }
        }
    }

    /// The first `limit` journaled pending transactions, the candidates for the next block.
    func candidates(limit: Int) -> [Entry] {
        pool.withLock { p in
            var out = [Entry]()
            out.reserveCapacity(min(limit, p.pending.count))
            for entry in p.pending {
                guard out.count < limit, journal.isWritten(entry.key) else { break }
                out.append(entry)
            }
            return out
        }
    }

    /// Entries the check state may hold before a commit rebuilds it from scratch.
    static let maxCheckStateEntries = 1_000_000

    /// Called after a block holding the first `included` candidates was committed (their journal
    /// entries went with it): drops them and moves the check state onto `snapshot` (the new
    /// committed state), then expires queued transactions that waited too long.
    ///
    /// When every included transaction succeeded and nothing in the block depended on its time
    /// or height, the block did exactly what admission did, so new committed state + remaining
    /// transactions = the current check state, and the check state is simply rebased (its writes
    /// kept, its cached reads dropped). Otherwise, or when it has grown large, it is rebuilt: the
    /// remaining transactions are checked again on the new state in `next` (the next block's
    /// expected context), then the queued ones whose turn came are promoted; any that no longer
    /// pass are evicted and returned with the reason.
    func blockCommitted(included: Int, sameAsAdmission: Bool, snapshot: StateSnapshot,
                        next: BlockContext) -> [Dropped] {
        pool.withLock { p in
            for entry in p.pending.prefix(included) { p.forgetPending(entry) }
            p.pending.removeFirst(min(included, p.pending.count))
            p.snapshot.close()
            p.snapshot = snapshot
            var dropped = expire(&p, height: next.height - 1)
            if sameAsAdmission, !p.pending.isEmpty, p.checkState.entryCount < Self.maxCheckStateEntries {
                p.checkState.rebase(onto: snapshot)
            } else {
                dropped += recheck(&p, context: next)
            }
            return dropped
        }
    }

    /// Closes the snapshot so the store can be closed.
    func close() {
        pool.withLock { $0.snapshot.close() }
    }

    // MARK: Inside the lock

    private func place(_ tx: VerifiedTransaction, journaled: JournalEntry?, context: BlockContext,
                       _ p: inout Pool, _ dropped: inout [Dropped]) -> Result<(Status, UInt64), ProtocolError> {
        if p.pendingByHash[tx.hash] != nil || p.queued.entry(hash: tx.hash) != nil {
            return .failure(ProtocolError(.alreadyKnown, "transaction \(tx.hash) is already waiting in the mempool"))
        }
        if p.snapshot.isCommitted(tx.hash) {
            return .failure(ProtocolError(.alreadyKnown, "transaction \(tx.hash) is already in a committed block"))
        }
        guard p.count < limits.maxTransactions else {
            return .failure(ProtocolError(.mempoolFull, "the mempool holds \(p.count) transactions, its limit; retry after the next block"))
        }
        let sender = tx.transaction.sender, nonce = tx.transaction.nonce
        guard p.perSender[sender, default: 0] < limits.maxPerSender else {
            return .failure(ProtocolError(.senderPendingLimit, "sender already has \(limits.maxPerSender) transactions waiting"))
        }
        let acceptedHeight = journaled?.acceptedHeight ?? context.height - 1
        if let next = p.checkState.account(sender)?.nonce, nonce > next, next != .max {
            let window = limits.nonceWindow
            guard nonce - next <= window else {
                let last = next > .max - window ? UInt64.max : next + window
                return .failure(ProtocolError(.nonceTooHigh, "nonce \(nonce) is ahead of the account's next nonce \(next) by more than "
                    + "\(window): the mempool holds nonces up to \(last) until the missing ones arrive"))
            }
            if let other = p.queued.entry(sender: sender, nonce: nonce) {
                return .failure(ProtocolError(.nonceQueued, "transaction \(other.hash) from this sender already waits in the queue "
                    + "with nonce \(nonce); a queued transaction is not replaced"))
            }
            guard p.queued.count < limits.maxQueued else {
                return .failure(ProtocolError(.queueFull, "the mempool holds \(p.queued.count) queued transactions (nonces ahead of "
                    + "their sender's next one), its limit; send the missing nonces first, or retry later"))
            }
            let key = journaled?.key ?? journal.add(tx.signed.bytes, acceptedHeight: acceptedHeight)
            p.queued.insert(Entry(tx: tx, key: key, acceptedHeight: acceptedHeight))
            p.adjust(sender, by: 1)
            return .success((.queued, key))
        }
        if let refusal = machine.checkTx(tx, state: p.checkState, context: context) { return .failure(refusal) }
        let key = journaled?.key ?? journal.add(tx.signed.bytes, acceptedHeight: acceptedHeight)
        p.pending.append(Entry(tx: tx, key: key, acceptedHeight: acceptedHeight))
        p.pendingByHash[tx.hash] = tx.signed
        p.adjust(sender, by: 1)
        if p.queued.holds(sender) { promote(sender, context: context, &p, &dropped) }
        return .success((.pending, key))
    }

    /// Moves `sender`'s queued transactions whose turn has come to the pending ones, in nonce
    /// order, each checked like a new admission. One that fails is dropped; the later ones stay
    /// queued, waiting for its nonce again.
    private func promote(_ sender: Address, context: BlockContext, _ p: inout Pool, _ dropped: inout [Dropped]) {
        while let next = p.checkState.account(sender)?.nonce, let entry = p.queued.remove(sender: sender, nonce: next) {
            if let refusal = machine.checkTx(entry.tx, state: p.checkState, context: context) {
                p.adjust(sender, by: -1)
                journal.remove([entry.key])
                dropped.append((entry.hash, refusal))
                return
            }
            p.pending.append(entry)
            p.pendingByHash[entry.hash] = entry.tx.signed
        }
    }

    /// Drops queued transactions that have waited `queuedLifetimeBlocks` blocks by `height`.
    private func expire(_ p: inout Pool, height: UInt64) -> [Dropped] {
        guard p.queued.count > 0 else { return [] }
        let lifetime = limits.queuedLifetimeBlocks
        let gone = p.queued.removeAll { height - min(height, $0.acceptedHeight) >= lifetime }
        for entry in gone { p.adjust(entry.sender, by: -1) }
        journal.remove(gone.map(\.key))
        return gone.map { entry in
            (entry.hash, ProtocolError(.nonceTooHigh, "nonce \(entry.nonce) waited in the queue from height \(entry.acceptedHeight) "
                + "for \(lifetime) blocks without the nonces before it arriving; dropped"))
        }
    }

    /// Rebuilds the check state on the snapshot: checks the pending transactions again in order,
    /// then promotes queued ones whose turn came (senders in acceptance order) and drops queued
    /// ones whose nonce was used meanwhile.
    private func recheck(_ p: inout Pool, context: BlockContext) -> [Dropped] {
        let remaining = p.pending
        p.pending.removeAll(keepingCapacity: true)
        p.checkState = StateOverlay(base: p.snapshot)
        var dropped = [Dropped]()
        var gone = [UInt64]()
        for entry in remaining {
            if let refusal = machine.checkTx(entry.tx, state: p.checkState, context: context) {
                p.forgetPending(entry)
                gone.append(entry.key)
                dropped.append((entry.hash, refusal))
            } else {
                p.pending.append(entry)
            }
        }
        for sender in p.queued.senders {
            let next = p.checkState.account(sender)?.nonce
            for entry in p.queued.entries(of: sender, below: next ?? .max) {
                _ = p.queued.remove(sender: sender, nonce: entry.nonce)
                p.adjust(sender, by: -1)
                gone.append(entry.key)
                dropped.append((entry.hash, next.map {
                    ProtocolError(.nonceTooLow, "nonce \(entry.nonce) was used while it waited in the queue; the account's next nonce is \($0)")
                } ?? ProtocolError(.accountNotFound, "account \(sender) no longer exists (a devnet revert)")))
            }
            promote(sender, context: context, &p, &dropped)
        }
        journal.remove(gone)
        return dropped
    }

    /// Removes the transactions whose journal write failed (never acknowledged) and checks the
    /// rest again.
    private func withdraw(_ keys: Range<UInt64>, context: BlockContext) -> [Dropped] {
        pool.withLock { p in
            let pending = p.pending
            p.pending.removeAll(keepingCapacity: true)
            for entry in pending {
                if keys.contains(entry.key) { p.forgetPending(entry) } else { p.pending.append(entry) }
            }
            for entry in p.queued.removeAll(where: { keys.contains($0.key) }) { p.adjust(entry.sender, by: -1) }
            return recheck(&p, context: context)
        }
    }
}
