import SolventCrypto

/// The outcome of one transaction in a block: success (code nil) or a stable error code with a
/// message, and the events it emitted. Receipts are committed to by the block's receipts root.
public struct Receipt: Equatable, Sendable {
    public let txHash: Bytes32
    public let code: ProtocolError.Code?
    public let message: String
    public let events: [Event]

    public init(txHash: Bytes32, code: ProtocolError.Code?, message: String, events: [Event]) {
        self.txHash = txHash
        self.code = code
        self.message = message
        self.events = events
    }

    public static func success(_ txHash: Bytes32, _ events: [Event]) -> Receipt {
        Receipt(txHash: txHash, code: nil, message: "", events: events)
    }

    public static func failure(_ txHash: Bytes32, _ error: ProtocolError) -> Receipt {
        Receipt(txHash: txHash, code: error.code, message: error.message, events: [])
    }

    public var succeeded: Bool { code == nil }

    /// Stored and hashed encoding (contracts-spec/blocks.md, "Receipts").
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 96)
        w.bytes32(txHash)
        w.u16(code?.number ?? 0)
        w.longString(message)
        w.u16(UInt16(events.count))
        for e in events { e.encode(into: &w) }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(ProtocolError) -> Receipt {
        var r = ByteReader(bytes)
        let hash = try r.bytes32("tx_hash")
        let number = try r.u16("code")
        let code: ProtocolError.Code?
        if number == 0 {
            code = nil
        } else {
            guard let known = ProtocolError.Code.from(number: number) else {
                throw ProtocolError(.invalidField, "receipt code \(number) is not defined")
            }
            code = known
        }
        let message = try r.longString("message", maxLength: Int(UInt16.max))
        let n = Int(try r.u16("event count"))
        var events = [Event]()
        for _ in 0..<n { events.append(try Event.decode(from: &r)) }
        try r.expectEnd()
        return Receipt(txHash: hash, code: code, message: message, events: events)
    }
}
