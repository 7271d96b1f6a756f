/// Something that happened during execution, reported in the receipt and on the WebSocket
/// stream: a type and ordered attributes. Values are text (addresses in bech32m, amounts as
/// whole-unit decimals) so every client reads them the same way.
public struct Event: Equatable, Sendable {
    public let type: String
    public let attributes: [Attribute]

    public struct Attribute: Equatable, Sendable {
        public let key: String
        public let value: String

        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    public init(_ type: String, _ attributes: [(String, String)]) {
        self.type = type
        self.attributes = attributes.map { Attribute($0.0, $0.1) }
    }

    public subscript(key: String) -> String? { attributes.first { $0.key == key }?.value }

    func encode(into w: inout ByteWriter) {
        w.shortString(type)
        w.u8(UInt8(attributes.count))
        for a in attributes {
            w.shortString(a.key)
            w.longString(a.value)
        }
    }

    static func decode(from r: inout ByteReader) throws(ProtocolError) -> Event {
        let type = try r.shortString("event type", maxLength: 255)
        let n = Int(try r.u8("attribute count"))
        var attributes = [(String, String)]()
        for _ in 0..<n {
            attributes.append((try r.shortString("attribute key", maxLength: 255),
                               try r.longString("attribute value", maxLength: Int(UInt16.max))))
        }
        return Event(type, attributes)
    }
}
