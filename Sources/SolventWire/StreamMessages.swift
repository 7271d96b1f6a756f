// The block stream's messages (`/v1/ws`, rpc.md "Block stream"): one JSON object per text
// message, told apart by `type`.

/// The first message: the chain and its height when the subscriber connected.
public struct StreamHello: Codable, Sendable {
    public var type = "hello"
    public let chainId: String
    public let height: UInt64

    public init(chainId: String, height: UInt64) {
        (self.chainId, self.height) = (chainId, height)
    }
}

/// A committed block, as `GET /v1/blocks/{height}` shows it.
public struct StreamBlock: Codable, Sendable {
    public var type = "block"
    public let block: BlockReply

    public init(block: BlockReply) {
        self.block = block
    }
}

/// `truncated` (the catch-up was cut) or `lagged` (the stream is closing): what happened and the
/// height to fetch or reconnect from.
public struct StreamNotice: Codable, Sendable {
    public let type: String
    public let message: String
    public let height: UInt64?

    public init(type: String, message: String, height: UInt64?) {
        (self.type, self.message, self.height) = (type, message, height)
    }
}
