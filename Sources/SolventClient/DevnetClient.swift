import AsyncHTTPClient
import Foundation
import NIOCore

/// The devnet controls (contracts-spec/devnet.md) as client calls. Replies are small JSON
/// objects; `Flat` keeps them as text for printing.
public struct FlatReply: Decodable, Sendable {
    public let fields: [String: String]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        var out = [String: String]()
        for k in c.allKeys {
            if let s = try? c.decode(String.self, forKey: k) { out[k.stringValue] = s }
            else if let i = try? c.decode(Int64.self, forKey: k) { out[k.stringValue] = String(i) }
            else if let b = try? c.decode(Bool.self, forKey: k) { out[k.stringValue] = String(b) }
            else if let a = try? c.decode([String].self, forKey: k) { out[k.stringValue] = a.joined(separator: ",") }
        }
        fields = out
    }
}

extension RPCClient {
    public func devnet(_ control: String, _ body: [String: Any]) async throws -> Reply<FlatReply> {
        try await post("/v1/devnet/\(control)", json: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
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
            if let e = try? JSONDecoder().decode(ErrorReply.self, from: data) { throw ClientError(e.error.code, e.error.message, status: Int(response.status.code)) }
            throw ClientError("http_\(response.status.code)", String(decoding: data.prefix(200), as: UTF8.self))
        }
        return Array(body.readableBytesView)
    }
}
