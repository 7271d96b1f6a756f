import Hummingbird
import SolventCore
import SolventCrypto
import SolventStore
import SolventWire

/// `GET /v1/oracle` and `GET /v1/oracle/{market}` (contracts-spec/oracle.md, "Queries").
struct OracleRoutes: Sendable {
    let node: Node

    func register(on router: Router<RPCContext>) {
        router.get("/v1/oracle") { _, _ in try all() }
        router.get("/v1/oracle/:market") { _, context in try one(context.parameters.require("market")) }
    }

    func all() throws -> Response { .json(try node.oracleReply()) }

    func one(_ text: String) throws -> Response {
        guard let known = node.oracleMarkets.lookup(text) else {
            throw RPCError.notFound("no oracle market '\(text)' (known: \(node.oracleMarkets.all.map(\.symbol).joined(separator: ", ")))")
        }
        guard let market = try node.oracleReply().markets.first(where: { $0.id == known.id }) else {
            throw RPCError.notFound("no oracle market \(text)")
        }
        return .json(market)
    }
}
