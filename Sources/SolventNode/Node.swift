import Foundation
import Logging
import ServiceLifecycle
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventEngine
import SolventStore
import Synchronization

/// A single-validator Solvent node: the chain engine (execution, mempool, block production) and
/// what the RPC serves around it: the read models kept current block by block (the liquidation
/// index, the ADL rankings), the commit waiters, the block stream and the metrics.
///
/// Data flows one way: RPC -> `BlockProducer` (admission, production) -> `ChainEngine`
/// (execution) -> `ChainStore` (commit) -> `NodeObserver` (index, waiters, stream, metrics).
public final class Node: Sendable {
    public let config: NodeConfig
    public let engine: ChainEngine
    public let producer: BlockProducer
    let logger: Logger
    let assets: AssetBook
    let oracleMarkets: OracleMarketBook
    /// Per asset, what genesis created: the conservation audit compares against it.
    let genesisSupply: [AssetID: Int128]
    let observer: NodeObserver
    /// The devnet controls (devnet.md): the RPC serves them only in devnet mode.
    public let devnet: NodeDevnetControls

    public init(config: NodeConfig, logger: Logger) throws {
        self.config = config
        self.logger = logger
        let engine = try ChainEngine(store: try config.home.openStore())
        self.engine = engine
        let validatorKey = try config.home.loadValidatorKey()
        guard Address(validatorKey.publicKey) == engine.validator else {
            throw StoreError(.validatorKey, "the validator key in \(config.home.validatorKeyPath) is not this chain's validator")
        }
        self.assets = AssetBook(try engine.store.assets())
        self.oracleMarkets = OracleMarketBook(try engine.store.oracleMarkets())
        do {
            self.genesisSupply = SupplyAudit.totals(try engine.genesis.initialState())
        } catch {
            throw EngineError(.invalidGenesis, "the stored genesis no longer builds: \(error)")
        }
        let store = engine.store
        let observer = NodeObserver(index: LiquidationIndex(source: { try store.snapshot() }),
                                    bus: EventBus(bufferSize: config.rpcLimits.streamBuffer), logger: logger)
        self.observer = observer
        let head = try store.head()
        try observer.rebuildIndex(head)
        self.producer = try BlockProducer(engine: engine, validatorKey: validatorKey, mode: config.blockMode,
                                          limits: config.mempool, clock: config.clock, observer: observer)
        self.devnet = DevnetControls(chain: ProducerDevnetChain(producer: producer))
        observer.metrics.height.record(Int64(head.height))
        try restoreMempool()
    }

    private func restoreMempool() throws {
        let (journaled, dropped) = try producer.restoreMempool()
        guard journaled > 0 else { return }
        for (hash, reason) in dropped {
            logger.notice("dropped a journaled transaction", metadata: ["hash": "\(hash.hex)", "reason": "\(reason)"])
        }
        let queued = mempool.queuedCount
        logger.info("mempool restored from its journal", metadata: [
            "journaled": "\(journaled)", "pending": "\(mempool.count - queued)", "queued": "\(queued)", "dropped": "\(dropped.count)",
        ])
        metrics.mempoolSize.record(Int64(mempool.count))
    }

    public var store: ChainStore { engine.store }
    public var chainId: String { engine.chainId }
    var mempool: Mempool { producer.mempool }
    var metrics: NodeMetrics { observer.metrics }
    var waiters: CommitWaiters { observer.waiters }
    var bus: EventBus<CommittedBlock> { observer.bus }
    var adlRankings: ADLRankings { observer.adlRankings }
    /// The liquidatable vaults, kept current block by block (liquidation.md, "Finding liquidatable vaults").
    public var liquidationIndex: LiquidationIndex { observer.index }

    public var blockMode: BlockMode { producer.blockMode }
    public var latestHead: ChainHead { producer.latestHead }
    func nextBlockContext() -> BlockContext { producer.nextBlockContext() }
    func chainClockMs() -> UInt64 { producer.chainClockMs() }

    public func setBlockMode(_ newMode: BlockMode) {
        producer.setBlockMode(newMode)
        logger.info("block mode changed", metadata: ["mode": "\(newMode)"])
    }

    // MARK: Submission

    /// Decodes, checks and admits one transaction. Returns it, or the refusal.
    public func submit(_ bytes: [UInt8]) throws -> Result<AcceptedTransaction, ProtocolError> {
        try submitBatch([bytes])[0]
    }

    /// Admits many transactions (`BlockProducer.admit`), then tells the commit waiters which
    /// were accepted and which waiting ones were dropped.
    public func submitBatch(_ items: [[UInt8]]) throws -> [Result<AcceptedTransaction, ProtocolError>] {
        var dropped = [Mempool.Dropped]()
        defer { for (hash, reason) in dropped { waiters.evict(hash, reason) } }
        let results = try producer.admit(items, dropped: &dropped)
        waiters.accepted(results.compactMap { if case .success(let a) = $0 { a.transaction.hash } else { nil } })
        for case .failure(let e) in results { metrics.rejected(e.code.name) }
        metrics.mempoolSize.record(Int64(mempool.count))
        return results
    }

    /// `submitBatch` off the Swift concurrency pool: signature checks keep every core busy for
    /// a while, the journal write waits for the disk, and the pool's few threads also serve the
    /// RPC and the WebSocket streams.
    public func admit(_ items: [[UInt8]]) async throws -> [Result<AcceptedTransaction, ProtocolError>] {
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

    // MARK: Block production

    /// Produces `count` blocks now, whatever the block mode (devnet `mine`).
    @discardableResult
    public func mine(_ count: Int) async throws -> [CommittedBlock] {
        var out = [CommittedBlock]()
        for _ in 0..<count { out.append(try await producer.produceBlock()) }
        return out
    }

    /// Runs the block producer until cancelled or until graceful shutdown.
    public func run() async {
        logger.info("block producer started", metadata: ["mode": "\(blockMode)"])
        await producer.run { [logger] error in
            logger.error("block production failed; retrying at the next slot", metadata: ["error": "\(error)"])
        }
        logger.info("block producer stopped")
    }

    /// Stops the producer loop after the block in progress (if any) commits.
    public func stop() {
        producer.stop()
        bus.finishAll()
    }

    public func close() {
        stop()
        producer.close()
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
