/// Something that happened during execution, reported in the receipt and on the WebSocket
/// stream: a type and ordered attributes. Values are typed data (`EventValue`): the receipts
/// root commits to the data, and the text clients read is rendered from it (blocks.md, "Events").
public struct Event: Equatable, Sendable {
    public let type: String
    public let attributes: [Attribute]

    public struct Attribute: Equatable, Sendable {
        public let key: String
        public let value: EventValue

        public init(_ key: String, _ value: EventValue) {
            self.key = key
            self.value = value
        }
    }

    public init(_ type: String, _ attributes: [(String, EventValue)]) {
        self.type = type
        self.attributes = attributes.map { Attribute($0.0, $0.1) }
    }

    public func value(_ key: String) -> EventValue? { attributes.first { $0.key == key }?.value }

    /// The attribute's text as clients see it.
    public subscript(key: String) -> String? { value(key)?.rendered }

    func encode(into w: inout ByteWriter) {
        w.shortString(type)
        w.u8(UInt8(attributes.count))
        for a in attributes {
            w.shortString(a.key)
            a.value.encode(into: &w)
        }
    }

    static func decode(from r: inout ByteReader) throws(ProtocolError) -> Event {
        let type = try r.shortString("event type", maxLength: 255)
        let n = Int(try r.u8("attribute count"))
        var attributes = [(String, EventValue)]()
        for _ in 0..<n {
            attributes.append((try r.shortString("attribute key", maxLength: 255), try EventValue.decode(from: &r)))
        }
        return Event(type, attributes)
    }
}
