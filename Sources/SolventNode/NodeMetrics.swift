import Metrics
import Prometheus
import Synchronization

/// The node's metrics (swift-metrics API, exported in Prometheus text format at `GET /metrics`).
/// Each node owns its registry, so several nodes in one test process do not share counters.
final class NodeMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let blocks: Metrics.Counter
    let height: Metrics.Gauge
    let committedTransactions: Metrics.Counter
    let failedTransactions: Metrics.Counter
    let mempoolSize: Metrics.Gauge
    let blockCommit: Metrics.Timer
    let blockTransactions: Metrics.Recorder
    let websocketSubscribers: Metrics.Gauge
    let liquidationIndexUpdate: Metrics.Timer
    let liquidatableVaults: Metrics.Gauge
    let trackedVaults: Metrics.Gauge

    init() {
        let factory = PrometheusMetricsFactory(registry: registry)
        blocks = Metrics.Counter(label: "solvent_blocks_committed_total", factory: factory)
        height = Metrics.Gauge(label: "solvent_height", factory: factory)
        committedTransactions = Metrics.Counter(label: "solvent_transactions_committed_total", factory: factory)
        failedTransactions = Metrics.Counter(label: "solvent_transactions_failed_total", factory: factory)
        mempoolSize = Metrics.Gauge(label: "solvent_mempool_transactions", factory: factory)
        blockCommit = Metrics.Timer(label: "solvent_block_produce_seconds", factory: factory)
        blockTransactions = Metrics.Recorder(label: "solvent_block_transactions", factory: factory)
        websocketSubscribers = Metrics.Gauge(label: "solvent_websocket_subscribers", factory: factory)
        liquidationIndexUpdate = Metrics.Timer(label: "solvent_liquidation_index_update_seconds", factory: factory)
        liquidatableVaults = Metrics.Gauge(label: "solvent_liquidatable_vaults", factory: factory)
        trackedVaults = Metrics.Gauge(label: "solvent_vaults_with_positions", factory: factory)
        self.factory = factory
    }

    private let factory: PrometheusMetricsFactory
    private let rejections = Mutex<[String: Metrics.Counter]>([:])

    /// Transactions refused at submission, by error code.
    func rejected(_ code: String) {
        let counter = rejections.withLock { table in
            if let c = table[code] { return c }
            let c = Metrics.Counter(label: "solvent_transactions_rejected_total", dimensions: [("code", code)], factory: factory)
            table[code] = c
            return c
        }
        counter.increment()
    }

    func text() -> String { registry.emitToString() }
}
