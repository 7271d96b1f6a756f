import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import SolventCore
import SolventCrypto
import SolventStore
import Synchronization

/// A single-validator Solvent node: admits signed transactions into the mempool, produces blocks
/// by the configured block mode, commits them to LMDB and tells waiters and subscribers.
///
/// Data flows one way: RPC -> decode -> parallel signature check -> mempool (CheckTx) ->
/// block production (PrepareProposal, FinalizeBlock, commit) -> receipts to waiters, blocks to
/// the event bus. The state machine never calls back into the node.
public final class Node: Sendable {
    public let config: NodeConfig
    public let store: ChainStore
    let validatorKey: PrivateKey
    let mempool: Mempool
    let waiters = CommitWaiters()
    let bus: EventBus<CommittedBlock>
    let metrics = NodeMetrics()
    let assets: AssetBook
    let oracleMarkets: OracleMarketBook
    let logger: Logger
    /// The liquidatable vaults, kept current block by block (liquidation.md, "Finding liquidatable vaults").
    public let liquidationIndex: LiquidationIndex
    /// Per asset, what genesis created: the conservation audit compares against it.
    let genesisSupply: [AssetID: Int128]
    let adlRankings = ADLRankings()

    private let mode: Mutex<BlockMode>
    /// The last committed block's head, kept so admission can estimate the next block cheaply.
    let cachedHead: Mutex<ChainHead>
    private let wake = WakeSignal()
    /// Blocks are produced on this serial queue only, so production never runs twice at once and
    /// never blocks the threads that serve RPC.
    let producerQueue = DispatchQueue(label: "solvent.block-producer", qos: .userInitiated)
    private let stopping = Atomic<Bool>(false)
    /// The chain clock: wall-clock time plus `offset` (devnet `advance` moves it), and a one-off
    /// time for the next block (devnet `set next block time`).
    let clock: Mutex<(offsetMs: Int64, nextBlockMs: UInt64?)>
    /// Devnet snapshots: id -> the head they were taken at (devnet.md, "Snapshots").
    let snapshots = Mutex<[(id: UInt64, head: ChainHead)]>([])
    let nextSnapshotID = Mutex<UInt64>(1)

    public init(config: NodeConfig, logger: Logger) throws {
        self.config = config
        self.logger = logger
        self.bus = EventBus(bufferSize: config.rpcLimits.streamBuffer)
        self.store = try config.home.openStore()
        self.validatorKey = try config.home.loadValidatorKey()
        guard Address(validatorKey.publicKey) == store.validator else {
            throw StoreError("the validator key in \(config.home.validatorKeyPath) is not this chain's validator")
        }
        self.mempool = try Mempool(store: store, limits: config.mempool)
        self.assets = AssetBook(try store.assets())
        self.oracleMarkets = OracleMarketBook(try store.oracleMarkets())
        self.mode = Mutex(config.blockMode)
        let head = try store.head()
        self.cachedHead = Mutex(head)
        // A chain whose clock was advanced (devnet) continues from its head, not from the wall clock.
        self.clock = Mutex((max(0, Int64(head.timeMs) + 1 - Int64(Self.wallClockMs())), nil))
        metrics.height.record(Int64(head.height))
        let store = self.store
        self.liquidationIndex = LiquidationIndex(source: { try store.snapshot() })
        do {
            self.genesisSupply = SupplyAudit.totals(try store.genesis.initialState())
        } catch {
            throw StoreError("the stored genesis no longer builds: \(error)")
        }
        let started = ContinuousClock.now
        try liquidationIndex.rebuild(height: head.height, timeMs: head.timeMs)
        let stats = liquidationIndex.stats
        metrics.trackedVaults.record(Int64(stats.tracked))
        metrics.liquidatableVaults.record(Int64(stats.liquidatable))
        if stats.tracked > 0 {
            logger.info("liquidation index built", metadata: [
                "vaults": "\(stats.tracked)", "liquidatable": "\(stats.liquidatable)", "took": "\(ContinuousClock.now - started)",
            ])
        }
        try restoreMempool()
    }

    /// Re-admits what the journal holds from before a stop or a crash, in its order, each
    /// transaction checked again on the committed state; those that no longer pass leave the
    /// journal, each logged with its reason (storage.md, "The mempool journal").
    private func restoreMempool() throws {
        let entries = try store.journal()
        guard !entries.isEmpty else { return }
        let context = nextBlockContext()
        var dropped = mempool.restore(entries, chainId: chainId, context: context)
        try mempool.flushJournal(context: context, dropped: &dropped)
        for (hash, reason) in dropped {
            logger.notice("dropped a journaled transaction", metadata: ["hash": "\(hash.hex)", "reason": "\(reason)"])
        }
        let queued = mempool.queuedCount
        logger.info("mempool restored from its journal", metadata: [
            "journaled": "\(entries.count)", "pending": "\(mempool.count - queued)", "queued": "\(queued)", "dropped": "\(dropped.count)",
        ])
        metrics.mempoolSize.record(Int64(mempool.count))
    }

    public var chainId: String { store.genesis.chainId }
    public var blockMode: BlockMode { mode.withLock { $0 } }

    public func setBlockMode(_ newMode: BlockMode) {
        mode.withLock { $0 = newMode }
        wake.signal()
        logger.info("block mode changed", metadata: ["mode": "\(newMode)"])
    }

    // MARK: Submission

    /// A transaction the mempool accepted: pending (its nonce is the sender's next) or queued
    /// (waiting for the nonces before it).
    public struct Accepted: Sendable {
        public let transaction: SignedTransaction
        public let queued: Bool
    }

    /// Decodes, checks and admits one transaction. Returns it, or the refusal.
    public func submit(_ bytes: [UInt8]) throws -> Result<Accepted, ProtocolError> {
        try submitBatch([bytes])[0]
    }

    /// Admits many transactions: decoding and signature checks run in parallel across cores,
    /// admission then runs in the given order. One result per input, in order. Returns once the
    /// accepted ones are in the mempool journal (one write for the batch, shared with concurrent
    /// batches); throws if that write fails, the accepted ones then being withdrawn.
    public func submitBatch(_ items: [[UInt8]]) throws -> [Result<Accepted, ProtocolError>] {
        var results = [Result<Accepted, ProtocolError>?](repeating: nil, count: items.count)
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
        let verified = VerifiedTransaction.verifyAll(decoded)
        let context = nextBlockContext()
        var lastKey: UInt64?
        var dropped = [Mempool.Dropped]()
        // Queued transactions promoted and then refused, or withdrawn: their waiters hear why.
        defer { for (hash, reason) in dropped { waiters.evict(hash, reason) } }
        for (k, result) in verified.enumerated() {
            let i = positions[k]
            let v: VerifiedTransaction
            switch result {
            case .success(let ok): v = ok
            case .failure(let error):
                results[i] = .failure(error)
                continue
            }
            switch mempool.admit(v, context: context, dropped: &dropped) {
            case .success(let (status, key)):
                results[i] = .success(Accepted(transaction: v.signed, queued: status == .queued))
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
            waiters.accepted(results.compactMap { if case .success(let a)? = $0 { a.transaction.hash } else { nil } })
        }
        for case .failure(let e) in results.compactMap({ $0 }) { metrics.rejected(e.code.name) }
        metrics.mempoolSize.record(Int64(mempool.count))
        if lastKey != nil, case .automine = blockMode { wake.signal() }
        return results.map { $0! }
    }

    /// `submitBatch` off the Swift concurrency pool: signature checks keep every core busy for
    /// a while, the journal write waits for the disk, and the pool's few threads also serve the
    /// RPC and the WebSocket streams.
    public func admit(_ items: [[UInt8]]) async throws -> [Result<Accepted, ProtocolError>] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try self.submitBatch(items) })
            }
        }
    }

    func waitForCommit(_ hash: Bytes32) async -> CommitOutcome {
        // The transaction may have committed between admission and this call.
        if let record = try? store.transaction(hash: hash) {
            return .committed(height: record.height, index: Int(record.index), receipt: record.receipt,
                              blockTimeMs: record.blockTimeMs)
        }
        return await waiters.wait(for: hash, timeoutSeconds: config.commitWaitSeconds)
    }

    /// What the next block will most likely be: the next height, at the current wall-clock time
    /// but no earlier than the next slot in interval mode (or 1 ms after the last block), which
    /// is how the producer times blocks.
    func nextBlockContext() -> BlockContext {
        let h = cachedHead.withLock { $0 }
        var earliest = h.timeMs + 1
        if case .interval(let ms) = blockMode { earliest = h.timeMs + UInt64(max(1, ms)) }
        if let next = clock.withLock({ $0.nextBlockMs }), next > h.timeMs {
            return BlockContext(height: h.height + 1, timeMs: next, proposer: store.validator)
        }
        return BlockContext(height: h.height + 1, timeMs: max(chainClockMs(), earliest), proposer: store.validator)
    }

    public var latestHead: ChainHead { cachedHead.withLock { $0 } }

    // MARK: Block production

    /// Produces `count` blocks now, whatever the block mode (devnet `mine`).
    @discardableResult
    public func mine(_ count: Int) async throws -> [CommittedBlock] {
        var out = [CommittedBlock]()
        for _ in 0..<count { out.append(try await produceBlock()) }
        return out
    }

    func produceBlock() async throws -> CommittedBlock {
        try await withCheckedThrowingContinuation { continuation in
            producerQueue.async {
                continuation.resume(with: Result { try self.produceBlockOnQueue() })
            }
        }
    }

    private func produceBlockOnQueue() throws -> CommittedBlock {
        dispatchPrecondition(condition: .onQueue(producerQueue))
        let started = DispatchTime.now().uptimeNanoseconds
        let params = try store.withState { state, _ in state.params() }
        let candidates = mempool.candidates(limit: Int(params.maxBlockTransactions))
        let chosen = store.stateMachine.prepareProposal(candidates: candidates.map(\.tx), params: params)
        let head = try store.head()
        let time = clock.withLock { c -> UInt64 in
            defer { c.nextBlockMs = nil }
            if let next = c.nextBlockMs, next > head.timeMs { return next }
            return max(UInt64(max(0, Int64(Self.wallClockMs()) + c.offsetMs)), head.timeMs + 1)
        }
        let committed = try store.produceBlock(transactions: chosen, journalKeys: candidates.prefix(chosen.count).map(\.key),
                                               timeMs: time, proposerKey: validatorKey)
        cachedHead.withLock { $0 = ChainHead(height: committed.height, blockHash: committed.hash, timeMs: time, appHash: committed.block.header.appHash) }
        // The index is brought up to this block before anyone hears of it, so a keeper that
        // reacts to the block sees the liquidatable set it left.
        let indexStarted = DispatchTime.now().uptimeNanoseconds
        do {
            try liquidationIndex.update(changes: committed.changes, height: committed.height, timeMs: time)
        } catch {
            logger.error("liquidation index update failed; rebuilding", metadata: ["error": "\(error)"])
            try? liquidationIndex.rebuild(height: committed.height, timeMs: time)
        }
        metrics.liquidationIndexUpdate.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - indexStarted))
        let indexStats = liquidationIndex.stats
        metrics.liquidatableVaults.record(Int64(indexStats.liquidatable))
        metrics.trackedVaults.record(Int64(indexStats.tracked))
        var evicted = mempool.blockCommitted(
            included: chosen.count,
            sameAsAdmission: committed.receipts.allSatisfy(\.succeeded) && !committed.contextDependent,
            snapshot: try store.snapshot(), next: nextBlockContext())
        if !evicted.isEmpty {
            // The evicted leave the journal now rather than with the next submission's write.
            do {
                try mempool.flushJournal(context: nextBlockContext(), dropped: &evicted)
            } catch {
                logger.error("mempool journal write failed after evictions", metadata: ["error": "\(error)"])
            }
        }
        waiters.resolve(committed)
        for (hash, error) in evicted { waiters.evict(hash, error) }
        bus.publish(committed)

        let failed = committed.receipts.filter { !$0.succeeded }.count
        metrics.blocks.increment()
        metrics.height.record(Int64(committed.height))
        metrics.committedTransactions.increment(by: Int64(committed.receipts.count))
        metrics.failedTransactions.increment(by: Int64(failed))
        metrics.blockTransactions.record(Int64(committed.receipts.count))
        metrics.mempoolSize.record(Int64(mempool.count))
        metrics.blockCommit.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
        // Quiet by default: a heartbeat every 60 blocks and any block with a failed transaction;
        // every block at debug level.
        if failed > 0 || committed.height % 60 == 0 {
            logger.info("committed block", metadata: [
                "height": "\(committed.height)", "txs": "\(committed.receipts.count)", "failed": "\(failed)",
                "app_hash": "\(committed.block.header.appHash.hex.prefix(16))",
            ])
        } else {
            logger.debug("committed block", metadata: ["height": "\(committed.height)", "txs": "\(committed.receipts.count)"])
        }
        return committed
    }

    /// Runs the block producer until cancelled or until graceful shutdown.
    public func run() async {
        logger.info("block producer started", metadata: ["mode": "\(blockMode)"])
        var deadline: ContinuousClock.Instant?
        while !Task.isCancelled, !stopping.load(ordering: .relaxed) {
            switch blockMode {
            case .interval(let ms):
                let interval = Duration.milliseconds(max(1, ms))
                let now = ContinuousClock.now
                let due = deadline ?? now + interval
                deadline = due
                if now < due {
                    // May wake early on a mode change; the loop then re-reads the mode.
                    await wake.wait(timeout: due - now)
                    continue
                }
                await produceLogged()
                // Keep the cadence, but never try to catch up on slots missed by a slow block.
                deadline = max(due + interval, ContinuousClock.now)
            case .automine:
                deadline = nil
                if mempool.hasCandidates {
                    await produceLogged()
                } else {
                    await wake.wait(timeout: .seconds(1))
                }
            case .manual:
                deadline = nil
                await wake.wait(timeout: .seconds(1))
            }
        }
        logger.info("block producer stopped")
    }

    private func produceLogged() async {
        do {
            _ = try await produceBlock()
        } catch {
            logger.error("block production failed; retrying at the next slot", metadata: ["error": "\(error)"])
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Stops the producer loop after the block in progress (if any) commits.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        wake.signal()
        bus.finishAll()
    }

    public func close() {
        stop()
        producerQueue.sync {}
        mempool.close()
    }

    /// The chain's clock: the wall clock plus the devnet offset.
    func chainClockMs() -> UInt64 {
        UInt64(max(0, Int64(Self.wallClockMs()) + clock.withLock { $0.offsetMs }))
    }

    static func wallClockMs() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970 * 1000))
    }
}

/// The block producer as a swift-service-lifecycle service: it stops on graceful shutdown
/// (SIGINT/SIGTERM) after finishing the block it is committing.
public struct NodeService: Service {
    let node: Node

    public init(node: Node) { self.node = node }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await node.run()
        } onGracefulShutdown: {
            node.stop()
        }
        node.close()
    }
}
