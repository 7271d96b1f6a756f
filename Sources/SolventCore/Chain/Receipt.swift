import SolventCrypto

/// The outcome of one transaction in a block: success (code nil) or a stable error code, and the
/// events it emitted. The receipts root commits to the code and the typed events only
/// (`committedEncoding`); the message is an annotation for people, rendered when the transaction
/// ran and stored beside the receipt, never hashed (blocks.md, "Receipts"; errors.md, "Messages").
public struct Receipt: Equatable, Sendable {
    public let txHash: Bytes32
    public let code: ProtocolError.Code?
    /// Empty on success. Not committed: rewording a message changes no hash.
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

    /// What the receipts root hashes (blocks.md, "Receipts"): transaction hash, code, events.
    public func committedEncoding() -> [UInt8] {
        var w = ByteWriter(capacity: 96)
        writeCommitted(into: &w)
        return w.bytes
    }

    /// How many leading bytes of the stored encoding, `storedCount` long, are the committed
    /// encoding: all but the message and its u16 length.
    func committedCount(storedCount: Int) -> Int { storedCount - 2 - message.utf8.count }

    /// Stored encoding (storage.md, `receipts`): the committed encoding followed by the message.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 96 + message.utf8.count)
        writeCommitted(into: &w)
        w.longString(message)
        return w.bytes
    }

    private func writeCommitted(into w: inout ByteWriter) {
        w.bytes32(txHash)
        w.u16(code?.number ?? 0)
        w.u16(UInt16(events.count))
        for e in events { e.encode(into: &w) }
    }

    /// Decodes the stored encoding (`encoded()`).
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
        let n = Int(try r.u16("event count"))
        var events = [Event]()
        for _ in 0..<n { events.append(try Event.decode(from: &r)) }
        let message = try r.longString("message", maxLength: Int(UInt16.max))
        try r.expectEnd()
        return Receipt(txHash: hash, code: code, message: message, events: events)
    }
}
