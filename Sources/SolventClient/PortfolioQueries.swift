import Foundation
import SolventWire

/// `GET /v1/vaults/{address}/{number}/margin` (contracts-spec/portfolio-margin.md, "Query").
extension RPCClient {
    public func margin(_ address: String, _ number: UInt32, whatIf: String? = nil) async throws -> Reply<PortfolioMarginReply> {
        var path = "/v1/vaults/\(address)/\(number)/margin"
        if let whatIf, let q = whatIf.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-.:_"))) {
            path += "?what_if=" + q
        }
        return try await get(path)
    }
}

extension RPCClient {
    /// A vault's VaR and expected shortfall beside its scenario requirement (risk-measures.md).
    public func vaultRisk(_ address: String, _ number: UInt32) async throws -> Reply<VaultRiskReply> {
        try await get("/v1/vaults/\(address)/\(number)/risk")
    }

    /// The protocol's shortfall VaR and ES over every vault with a position.
    public func protocolRisk() async throws -> Reply<ProtocolRiskReply> { try await get("/v1/risk/protocol") }
}
