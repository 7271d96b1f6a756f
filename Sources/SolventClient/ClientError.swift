/// A failure the CLI reports as one line: the node's stable code when it gave one, else a local code.
public struct ClientError: Error, CustomStringConvertible, Sendable {
    public let code: String
    public let message: String
    /// The HTTP status, when the error came from the node.
    public let status: Int?

    public init(_ code: String, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    public var description: String { "\(code): \(message)" }
}
