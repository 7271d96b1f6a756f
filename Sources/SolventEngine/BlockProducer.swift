import Dispatch
import SolventCore
import SolventCrypto
import SolventStore
import Synchronization

/// What hears of the chain moving, on the producer's queue, before anyone else: the node's
/// read models (the liquidation index), its commit waiters, its event stream and its metrics.
public protocol BlockObserver: Sendable {
    /// A block committed.
    func committed(_ block: CommittedBlock, _ report: ProductionReport)
    /// The chain went back to `head` (devnet revert); `evicted` no longer pass on its state.
    func reverted(to head: ChainHead, evicted: [Mempool.Dropped])
}

/// What producing a block did beside the block itself.
public struct ProductionReport: Sendable {
    /// Waiting transactions that left the mempool because they no longer pass on the new state.
    public let evicted: [Mempool.Dropped]
    /// Transactions still waiting, pending and queued.
    public let mempoolSize: Int
    /// From choosing the transactions to the commit.
    public let nanoseconds: UInt64
}

/// A transaction the mempool accepted: pending (its nonce is the sender's next) or queued
/// (waiting for the nonces before it).
public struct AcceptedTransaction: Sendable {
    public let transaction: SignedTransaction
    public let queued: Bool
}

/// The chain engine's production side: it admits signed transactions into the mempool, times and
/// produces blocks by the block mode from the injected clock, and tells its observer. It is what
/// a node, a test or (later) another validator drives; execution itself is `ChainEngine`'s.
///
/// Data flows one way: submission -> decode -> parallel signature check -> mempool (CheckTx) ->
/// block production (PrepareProposal, FinalizeBlock, commit) -> the observer.
public final class BlockProducer: Sendable {
    public let engine: ChainEngine
    public let mempool: Mempool
    private let validatorKey: PrivateKey
    private let observer: any BlockObserver
    private let time: ChainTime
    private let mode: Mutex<BlockMode>
    /// The last committed block's head, kept so admission can estimate the next block cheaply.
    private let head: Mutex<ChainHead>
    private let wake = WakeSignal()
    /// Blocks are produced (and reverts done) on this serial queue only, so production never runs
    /// twice at once and never blocks the threads that serve RPC.
    private let queue = DispatchQueue(label: "solvent.block-producer", qos: .userInitiated)
    private let stopping = Atomic<Bool>(false)
    private let heightWaiters = HeightWaiters()
    /// The clock the block timing reads (the chain time adds the devnet offset to it).
    public let clock: any ChainClock

    public init(engine: ChainEngine, validatorKey: PrivateKey, mode: BlockMode, limits: MempoolLimits,
                clock: any ChainClock, observer: any BlockObserver) throws {
        guard Address(validatorKey.publicKey) == engine.validator else {
            throw EngineError(.wrongProposer, "the validator key is not this chain's validator")
        }
        self.engine = engine
        self.validatorKey = validatorKey
        self.observer = observer
        self.mempool = try Mempool(engine: engine, limits: limits)
        self.mode = Mutex(mode)
        let head = try engine.store.head()
        self.head = Mutex(head)
        self.time = ChainTime(source: clock, headMs: head.timeMs)
        self.clock = clock
        clock.whenAdvanced { [wake] in wake.signal() }
    }

    public var chainId: String { engine.chainId }
    public var blockMode: BlockMode { mode.withLock { $0 } }
    public var latestHead: ChainHead { head.withLock { $0 } }

    public func setBlockMode(_ newMode: BlockMode) {
        mode.withLock { $0 = newMode }
        wake.signal()
    }

    /// Returns true once the chain reaches `height` (event-driven: resumed by the commit), false
    /// if `timeout` passes first.
    public func waitForHeight(_ height: UInt64, timeout: Duration = .seconds(30)) async -> Bool {
        await heightWaiters.wait(for: height, timeout: timeout) { self.latestHead.height }
    }

    // MARK: Time

    /// The chain's clock: the injected clock plus the devnet offset.
    public func chainClockMs() -> UInt64 { time.nowMs() }

    /// The next block gets exactly `ms` (the caller checks it is after the head's).
    public func setNextBlockTime(_ ms: UInt64) { time.setNextBlock(ms) }

    /// The clock carries on from just after the head (after a devnet advance).
    public func resumeClockAfterHead() { time.resume(after: latestHead.timeMs, keepNextBlock: true) }

    /// What the next block will most likely be: the next height, at the chain clock's time but no
    /// earlier than the next slot in interval mode (or 1 ms after the last block), which is how
    /// the producer times blocks.
    public func nextBlockContext() -> BlockContext {
        let h = latestHead
        if let next = time.nextBlockMs(after: h.timeMs) {
            return BlockContext(height: h.height + 1, timeMs: next, proposer: engine.validator)
        }
        var earliest = h.timeMs + 1
        if case .interval(let ms) = blockMode { earliest = h.timeMs + UInt64(max(1, ms)) }
        return BlockContext(height: h.height + 1, timeMs: max(time.nowMs(), earliest), proposer: engine.validator)
    }

    // MARK: Admission

    /// Admits many transactions: decoding and signature checks run in parallel across cores,
    /// admission then runs in the given order. Returns once the accepted ones are in the mempool
    /// journal (one write for the batch, shared with concurrent batches); throws if that write
    /// fails, the accepted ones then being withdrawn. One result per input, in order; `dropped`
    /// gains the queued transactions that were promoted and then refused, or withdrawn (their
    /// waiters must hear why), even when it throws.
    public func admit(_ items: [[UInt8]], dropped: inout [Mempool.Dropped]) throws -> [Result<AcceptedTransaction, ProtocolError>] {
        var results = [Result<AcceptedTransaction, ProtocolError>?](repeating: nil, count: items.count)
        var decoded = [SignedTransaction]()
        var positions = [Int]()
        decoded.reserveCapacity(items.count)
        for (i, bytes) in items.enumerated() {
            do {
                let tx = try TxCodec.decode(bytes)
                guard tx.transaction.chainId == chainId else {
                    results[i] = .failure(ProtocolError(.wrongChainId,
                        "transaction is signed for chain '\(tx.transaction.chainId)', this chain is '\(chainId)'"))
                    continue
                }
                decoded.append(tx)
                positions.append(i)
            } catch {
                results[i] = .failure(error)
            }
        }
        let context = nextBlockContext()
        var lastKey: UInt64?
        for (k, result) in VerifiedTransaction.verifyAll(decoded).enumerated() {
            let i = positions[k]
            switch result.flatMap({ mempool.admit($0, context: context, dropped: &dropped) }) {
            case .success(let (status, key)):
                results[i] = .success(AcceptedTransaction(transaction: decoded[k], queued: status == .queued))
                lastKey = max(lastKey ?? 0, key)
            case .failure(let refusal):
                results[i] = .failure(refusal)
            }
        }
        if !dropped.isEmpty {
            // A transaction of this batch that was queued and then refused when the batch filled
            // its gap is answered with that refusal.
            let reasons = Dictionary(dropped.map { ($0.hash, $0.reason) }, uniquingKeysWith: { first, _ in first })
            for (i, result) in results.enumerated() {
                if case .success(let a)? = result, let reason = reasons[a.transaction.hash] { results[i] = .failure(reason) }
            }
        }
        // Nothing is answered as accepted before it is journaled.
        if let lastKey {
            try mempool.persist(through: lastKey, context: context, dropped: &dropped)
            if case .automine = blockMode { wake.signal() }
        }
        return results.map { $0! }
    }

    /// Re-admits what the journal holds from before a stop or a crash, in its order, each
    /// transaction checked again on the committed state; those that no longer pass leave the
    /// journal and are returned with their reasons (storage.md, "The mempool journal").
    public func restoreMempool() throws -> (journaled: Int, dropped: [Mempool.Dropped]) {
        let entries = try engine.store.journal()
        guard !entries.isEmpty else { return (0, []) }
        let context = nextBlockContext()
        var dropped = mempool.restore(entries, chainId: chainId, context: context)
        try mempool.flushJournal(context: context, dropped: &dropped)
        return (entries.count, dropped)
    }

    // MARK: Production

    /// Produces a block now, whatever the block mode.
    public func produceBlock() async throws -> CommittedBlock {
        try await onQueue { try self.produceBlockOnQueue() }
    }

    private func produceBlockOnQueue() throws -> CommittedBlock {
        dispatchPrecondition(condition: .onQueue(queue))
        let started = DispatchTime.now().uptimeNanoseconds
        let params = try engine.store.withState { state, _ in state.params() }
        let candidates = mempool.candidates(limit: Int(params.maxBlockTransactions))
        let chosen = engine.machine.prepareProposal(candidates: candidates.map(\.tx), params: params)
        // The cached head is the store's: this queue is the only writer of blocks and reverts.
        let timeMs = time.takeBlockTime(after: latestHead.timeMs)
        let committed = try engine.produceBlock(transactions: chosen, journalKeys: candidates.prefix(chosen.count).map(\.key),
                                                timeMs: timeMs, proposerKey: validatorKey)
        head.withLock { $0 = committed.head }
        var evicted = mempool.blockCommitted(
            included: chosen.count,
            sameAsAdmission: committed.receipts.allSatisfy(\.succeeded) && !committed.contextDependent,
            snapshot: try engine.store.snapshot(), next: nextBlockContext())
        if !evicted.isEmpty {
            // The evicted leave the journal now rather than with the next submission's write; a
            // failed write leaves them to the next one.
            try? mempool.flushJournal(context: nextBlockContext(), dropped: &evicted)
        }
        observer.committed(committed, ProductionReport(evicted: evicted, mempoolSize: mempool.count,
                                                       nanoseconds: DispatchTime.now().uptimeNanoseconds - started))
        heightWaiters.reached(committed.height)
        return committed
    }

    /// Takes the chain back to `target` (a head it had): later blocks are undone from their
    /// changesets; waiting transactions are checked again on the reverted state.
    public func revert(to target: ChainHead) async throws -> ChainHead {
        try await onQueue {
            let reverted = try self.engine.store.revert(to: target.height)
            guard reverted.appHash == target.appHash, reverted.blockHash == target.blockHash else {
                throw EngineError(.replayMismatch, "the reverted store's app hash \(reverted.appHash.hex) is not the snapshot's \(target.appHash.hex)")
            }
            self.head.withLock { $0 = reverted }
            self.time.resume(after: reverted.timeMs)
            let evicted = self.mempool.blockCommitted(included: 0, sameAsAdmission: false,
                                                      snapshot: try self.engine.store.snapshot(), next: self.nextBlockContext())
            self.observer.reverted(to: reverted, evicted: evicted)
            return reverted
        }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Runs the block producer until cancelled or `stop()`; `failed` hears of a block that could
    /// not be produced (the producer retries at the next slot).
    public func run(failed: @Sendable (any Error) -> Void) async {
        // The next interval slot, on the injected clock: a test moves a `ManualClock` and the
        // producer follows it (the clock wakes the loop when it moves).
        var dueMs: UInt64?
        while !Task.isCancelled, !stopping.load(ordering: .relaxed) {
            switch blockMode {
            case .interval(let ms):
                let interval = UInt64(max(1, ms))
                let now = clock.nowMs()
                let due = dueMs ?? now + interval
                dueMs = due
                if now < due {
                    // May wake early on a mode change or a clock move; the loop then looks again.
                    await wake.wait(timeout: .milliseconds(due - now))
                    continue
                }
                await produceReporting(failed)
                // Keep the cadence, but never try to catch up on slots missed by a slow block.
                dueMs = max(due + interval, clock.nowMs())
            case .automine:
                dueMs = nil
                if mempool.hasCandidates {
                    await produceReporting(failed)
                } else {
                    await wake.wait(timeout: .seconds(1))
                }
            case .manual:
                dueMs = nil
                await wake.wait(timeout: .seconds(1))
            }
        }
    }

    private func produceReporting(_ failed: @Sendable (any Error) -> Void) async {
        do {
            _ = try await produceBlock()
        } catch {
            failed(error)
            await wake.wait(timeout: .milliseconds(200))
        }
    }

    /// Stops the producer loop after the block in progress (if any) commits.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        wake.signal()
    }

    /// Stops, waits for the block in progress, and closes the mempool's snapshot.
    public func close() {
        stop()
        queue.sync {}
        mempool.close()
    }
}
