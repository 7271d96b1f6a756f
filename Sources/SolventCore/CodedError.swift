/// A failure outside the state machine (the store, the engine) with a stable code a program acts
/// on and a message for people, printed `code: message` (errors.md, "solventd codes"). Shaped
/// like swift-service-lifecycle's `ServiceGroupError`: the codes are static members of a small
/// struct per layer, so adding one breaks nobody.
public struct CodedError<Code: ErrorCodeName>: Error, Equatable, CustomStringConvertible {
    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.name): \(message)" }
}

/// A layer's error codes: each has a stable snake_case name.
public protocol ErrorCodeName: Hashable, Sendable {
    var name: String { get }
}
