import AsyncHTTPClient
import Foundation
import NIOCore
import SolventWire

/// The devnet controls (contracts-spec/devnet.md) as client calls. Replies are small JSON
/// objects; `Flat` keeps them as text for printing.
public struct FlatReply: Decodable, Sendable {
    public let fields: [String: String]

    /// A field as text: a string, an integer, a boolean or a list of strings (joined by commas).
    struct Field: Decodable {
        let text: String?

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { text = s }
            else if let i = try? c.decode(Int64.self) { text = String(i) }
            else if let b = try? c.decode(Bool.self) { text = String(b) }
            else if let a = try? c.decode([String].self) { text = a.joined(separator: ",") }
            else { text = nil }
        }
    }

    /// Decoded as a string-keyed map, so the keys stay the node's snake_case ones whatever the
    /// decoder's key strategy.
    public init(from decoder: any Decoder) throws {
        fields = try decoder.singleValueContainer().decode([String: Field].self).compactMapValues(\.text)
    }
}

extension RPCClient {
    public func devnet(_ control: String, _ body: some Encodable) async throws -> Reply<FlatReply> {
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
