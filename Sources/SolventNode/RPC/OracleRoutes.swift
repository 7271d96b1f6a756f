import Hummingbird
import SolventCore
import SolventCrypto
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

/// `GET /v1/oracle` and `GET /v1/oracle/{market}` (contracts-spec/oracle.md, "Queries").
struct OracleRoutes: Sendable {
    let node: Node

    func register(on router: Router<RPCContext>) {
        router.get("/v1/oracle") { _, _ in try all() }
        router.get("/v1/oracle/:market") { _, context in try one(context.parameters.require("market")) }
    }

    func snapshot() throws -> (OracleConfig, [OracleMarket], ChainHead) {
        try node.store.withState { state, head in
            guard let config = state.oracleConfig() else { throw RPCError.notFound("this chain has no oracle") }
            let markets = node.oracleMarkets.all.compactMap { state.oracleMarket($0.id) }
            return (config, markets, head)
        }
    }

    func all() throws -> Response {
        let (config, markets, head) = try snapshot()
        return .json(OracleReply(
            height: head.height, blockTimeMs: head.timeMs, config: OracleSettingsReply(config.settings), signers: config.signers.map(\.hex),
            markets: markets.map { OracleMarketReply($0, settings: config.settings, at: head.timeMs, assets: node.assets) }))
    }

    func one(_ text: String) throws -> Response {
        guard let known = node.oracleMarkets.lookup(text) else {
            throw RPCError.notFound("no oracle market '\(text)' (known: \(node.oracleMarkets.all.map(\.symbol).joined(separator: ", ")))")
        }
        let (config, markets, head) = try snapshot()
        guard let market = markets.first(where: { $0.id == known.id }) else { throw RPCError.notFound("no oracle market \(text)") }
        return .json(OracleMarketReply(market, settings: config.settings, at: head.timeMs, assets: node.assets))
    }
}
