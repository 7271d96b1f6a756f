import Dispatch
import Logging
import SolventCore
import SolventEngine
import SolventStore

/// What the node keeps current as the chain moves, told by the block producer on its queue:
/// the liquidation index first (so a keeper that reacts to a block sees the liquidatable set it
/// left), then the commit waiters, the block stream and the metrics.
final class NodeObserver: BlockObserver {
    let index: LiquidationIndex
    let bus: EventBus<CommittedBlock>
    let waiters = CommitWaiters()
    let metrics = NodeMetrics()
    let adlRankings = ADLRankings()
    let logger: Logger

    init(index: LiquidationIndex, bus: EventBus<CommittedBlock>, logger: Logger) {
        self.index = index
        self.bus = bus
        self.logger = logger
    }

    func committed(_ committed: CommittedBlock, _ report: ProductionReport) {
        let indexStarted = DispatchTime.now().uptimeNanoseconds
        do {
            try index.update(changes: committed.changes, height: committed.height, timeMs: committed.block.header.timeMs)
        } catch {
            logger.error("liquidation index update failed; rebuilding", metadata: ["error": "\(error)"])
            try? index.rebuild(height: committed.height, timeMs: committed.block.header.timeMs)
        }
        metrics.liquidationIndexUpdate.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - indexStarted))
        recordIndexStats()
        waiters.resolve(committed)
        for (hash, error) in report.evicted { waiters.evict(hash, error) }
        bus.publish(committed)

        let failed = committed.receipts.filter { !$0.succeeded }.count
        metrics.blocks.increment()
        metrics.height.record(Int64(committed.height))
        metrics.committedTransactions.increment(by: Int64(committed.receipts.count))
        metrics.failedTransactions.increment(by: Int64(failed))
        metrics.blockTransactions.record(Int64(committed.receipts.count))
        metrics.mempoolSize.record(Int64(report.mempoolSize))
        metrics.blockCommit.recordNanoseconds(Int64(report.nanoseconds))
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
    }

    func reverted(to head: ChainHead, evicted: [Mempool.Dropped]) {
        adlRankings.clear()
        do {
            try rebuildIndex(head)
        } catch {
            logger.error("liquidation index rebuild after a revert failed", metadata: ["error": "\(error)"])
        }
        for (hash, error) in evicted { waiters.evict(hash, error) }
        metrics.height.record(Int64(head.height))
        logger.info("reverted", metadata: ["height": "\(head.height)", "app_hash": "\(head.appHash.hex.prefix(16))"])
    }

    /// Builds the liquidation index from the state at `head` (at start and after a revert).
    func rebuildIndex(_ head: ChainHead) throws {
        let started = ContinuousClock.now
        try index.rebuild(height: head.height, timeMs: head.timeMs)
        recordIndexStats()
        let stats = index.stats
        if stats.tracked > 0 {
            logger.info("liquidation index built", metadata: [
                "vaults": "\(stats.tracked)", "liquidatable": "\(stats.liquidatable)", "took": "\(ContinuousClock.now - started)",
            ])
        }
    }

    private func recordIndexStats() {
        let stats = index.stats
        metrics.liquidatableVaults.record(Int64(stats.liquidatable))
        metrics.trackedVaults.record(Int64(stats.tracked))
    }
}
