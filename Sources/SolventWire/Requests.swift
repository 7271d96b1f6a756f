// The JSON bodies the RPC takes (contracts-spec/openapi.yaml, "requestBody").

/// `POST /v1/devnet/revert`.
public struct RevertRequest: Codable, Sendable {
    public let id: String

    public init(id: String) {
        self.id = id
    }

    enum CodingKeys: CodingKey { case id }

    /// The id as a string ("1") or a number (1).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let n = try? c.decode(UInt64.self, forKey: .id) { id = String(n) } else { id = try c.decode(String.self, forKey: .id) }
    }
}
