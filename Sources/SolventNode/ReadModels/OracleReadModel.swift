import SolventCore
import SolventStore
import SolventWire

extension OracleMarketReply {
    init(_ m: OracleMarket, settings: OracleSettings, at timeMs: UInt64, assets: AssetBook) {
        self.init(
            id: m.id, symbol: m.symbol, asset: m.baseAsset.map(assets.symbol),
            price: m.hasPrice ? OraclePrice.format(m.price) : nil, median: m.hasPrice ? OraclePrice.format(m.median) : nil,
            status: OracleGuard.status(of: m, settings: settings, at: timeMs).rawValue,
            updatedAt: m.hasPrice ? UTCTime.rfc3339(m.updatedAtMs) : nil, updatedAtMs: m.hasPrice ? m.updatedAtMs : nil,
            ageMs: m.hasPrice ? (timeMs >= m.updatedAtMs ? timeMs - m.updatedAtMs : 0) : nil, lastReportMs: m.lastReportMs,
            reports: m.reports.map { ReportReply(signer: $0.signer.hex, price: OraclePrice.format($0.price), timestampMs: $0.timestampMs) })
    }
}

extension Node {
    /// The oracle as `GET /v1/oracle` shows it (oracle.md, "Queries"): its settings, signers and
    /// every market's price and status as of the head. The built-in feeder reads the same.
    public func oracleReply() throws -> OracleReply {
        try store.withState { state, head in
            guard let config = state.oracleConfig() else { throw RPCError.notFound("this chain has no oracle") }
            let markets = oracleMarkets.all.compactMap { state.oracleMarket($0.id) }
            return OracleReply(
                height: head.height, blockTimeMs: head.timeMs, config: OracleSettingsReply(config.settings),
                signers: config.signers.map(\.hex),
                markets: markets.map { OracleMarketReply($0, settings: config.settings, at: head.timeMs, assets: assets) })
        }
    }
}
