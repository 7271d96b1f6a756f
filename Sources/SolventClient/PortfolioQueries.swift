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
