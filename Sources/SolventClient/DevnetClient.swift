import AsyncHTTPClient
import Foundation
import NIOCore
import SolventWire

/// The devnet controls (contracts-spec/devnet.md) as client calls.
extension RPCClient {
    public func devnet<T: Decodable & Sendable>(_ control: String, _ body: some Encodable, as type: T.Type) async throws -> Reply<T> {
        try await post("/v1/devnet/\(control)", json: Data(WireJSON.encode(body)))
    }

    /// The chain dump (`GET /v1/devnet/dump`), as bytes.
    public func devnetDump(maxBytes: Int = 4 << 30) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: baseURL + "/v1/devnet/dump")
        request.method = .GET
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(600))
        } catch {
            throw ClientError("node_unreachable", "cannot reach the node at \(baseURL): \(error)")
        }
        let body = try await response.body.collect(upTo: maxBytes)
        guard response.status.code == 200 else {
            let data = Data(body.readableBytesView)
            if let e = try? WireJSON.decode(ErrorReply.self, from: data) { throw ClientError(e.error.code, e.error.message, status: Int(response.status.code)) }
            throw ClientError("http_\(response.status.code)", String(decoding: data.prefix(200), as: UTF8.self))
        }
        return Array(body.readableBytesView)
    }
}
