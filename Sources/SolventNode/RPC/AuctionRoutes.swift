import Foundation
import Hummingbird
import SolventCore
import SolventCrypto
import SolventStore
import SolventWire

/// Collateral auctions for keepers (contracts-spec/collateral-auctions.md, "Queries"): the running
/// auctions with the price a take would pay in the next block, and the vaults whose collateral
/// may be auctioned now.
struct AuctionRoutes: Sendable {
    let node: Node

    func register(on router: Router<RPCContext>) {
        router.get("/v1/auctions") { request, _ in
            let all = request.uri.queryParameters["all"].map { $0 == "true" || $0 == "1" } ?? false
            return try auctions(limit: try LiquidationRoutes.limit(request, default: 100), scanAllVaults: all)
        }
    }

    func auctions(limit: Int, scanAllVaults: Bool) throws -> Response {
        .json(try node.auctionsReply(limit: limit, scanAllVaults: scanAllVaults))
    }
}
