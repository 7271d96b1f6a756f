import SolventWire

/// GET /v1/auctions (contracts-spec/collateral-auctions.md, "Queries"; rpc.md).
extension RPCClient {
    /// `all`: also scan every vault for underwater ones never liquidated (O(vaults) on the node).
    public func auctions(limit: Int = 100, all: Bool = false) async throws -> Reply<AuctionsReply> {
        try await get("/v1/auctions?limit=\(limit)" + (all ? "&all=true" : ""))
    }
}
