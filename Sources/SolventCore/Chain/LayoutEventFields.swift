import SolventCrypto

/// A record's fields as event fields, named and ordered as its layout declares them: the events
/// that announce new settings carry them this way (events.md, `oracle_config_changed`,
/// `liquidation_config_set`, `auction_config_set`), so an event cannot drift from the record.
/// Integers are numbers except `u128` fields, which in every settings record are USDC amounts;
/// a bool is a bool, a key a key, a short string text.
struct LayoutEventFields<Record>: FieldCoder {
    private let record: Record
    private var attributes: [(String, EventValue)] = []

    private init(_ record: Record) { self.record = record }

    static func of(_ record: Record) -> [(String, EventValue)] where Record: RecordLayout {
        var coder = LayoutEventFields(record)
        do {
            _ = try Record(coding: &coder, key: record.layoutKey)
        } catch {
            preconditionFailure("describing a record cannot fail: \(error)")
        }
        return coder.attributes
    }

    mutating func scalar<T: LayoutScalar>(_ get: (Record) -> T, _ field: @autoclosure () -> String) -> T {
        let value = get(record)
        attributes.append((field(), Self.eventValue(value)))
        return value
    }

    private static func eventValue(_ value: some LayoutScalar) -> EventValue {
        switch value {
        case let amount as UInt128: .usdc(amount)
        case let flag as Bool: .bool(flag)
        case let key as Bytes32: .key(key)
        case let integer as any BinaryInteger: .number(integer)
        default: preconditionFailure("no event value for \(type(of: value))")
        }
    }

    mutating func shortString(_ get: (Record) -> String, _ field: @autoclosure () -> String, maxLength: Int) -> String {
        let value = get(record)
        attributes.append((field(), .text(value)))
        return value
    }

    mutating func fields<T: RecordLayout>(_ get: (Record) -> T, key: T.Key) -> T {
        let value = get(record)
        attributes += LayoutEventFields<T>.of(value)
        return value
    }

    // Settings are flat: a layout with a nested version, a list or raw bytes has no event form.
    mutating func versioned<T: StoredRecord>(_ get: (Record) -> T, key: T.Key) -> T { unsupported("a versioned record") }
    mutating func list<T: RecordLayout>(_ get: (Record) -> [T], _ field: @autoclosure () -> String, width: CountWidth,
                                        minElementSize: Int) -> [T] where T.Key == Void { unsupported("list \(field())") }
    mutating func fixedBytes(_ get: (Record) -> [UInt8], _ field: @autoclosure () -> String, count: Int) -> [UInt8] { unsupported(field()) }
    mutating func blob(_ get: (Record) -> [UInt8], _ field: @autoclosure () -> String) -> [UInt8] { unsupported(field()) }

    var remainingBytes: Int { Int.max }
    mutating func require(_ holds: Bool, _ refusal: @autoclosure () -> ProtocolError) {}

    private func unsupported(_ what: String) -> Never {
        preconditionFailure("\(Record.self) has \(what): only flat records describe themselves as event fields")
    }
}
