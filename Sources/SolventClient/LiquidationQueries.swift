import Foundation
import SolventWire

/// The liquidation endpoints (contracts-spec/rpc.md, "Liquidations") as client calls.
extension RPCClient {
    public func liquidatable(limit: Int = 100, market: String? = nil) async throws -> Reply<LiquidatableReply> {
        try await get("/v1/liquidatable?limit=\(limit)" + (market.map { "&market=\($0)" } ?? ""))
    }

    public func simulate(hex: String) async throws -> Reply<SimulationReply> {
        try await post("/v1/simulate", json: Data(WireJSON.encode(SubmitRequest(tx: hex))))
    }

    /// `moves`: (market, move) pairs, the move a fraction like "-0.2" or a percentage like "-20%".
    public func shock(_ moves: [(market: String, move: String)], keeper: String? = nil, limit: Int = 100) async throws -> Reply<ShockReply> {
        func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._"))) ?? s }
        var query = moves.map { "market=\(escape($0.market))&move=\(escape($0.move))" }
        if let keeper { query.append("keeper=\(escape(keeper))") }
        query.append("limit=\(limit)")
        return try await get("/v1/risk/shock?" + query.joined(separator: "&"))
    }

    public func insurance(limit: Int = 20, before: UInt64? = nil) async throws -> Reply<InsuranceReply> {
        try await get("/v1/insurance?limit=\(limit)" + (before.map { "&before=\($0)" } ?? ""))
    }

    public func adl(_ market: String, limit: Int = 20) async throws -> Reply<ADLReply> { try await get("/v1/adl/\(market)?limit=\(limit)") }

    public func supply() async throws -> Reply<SupplyReply> { try await get("/v1/supply") }
}
