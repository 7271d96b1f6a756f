import SolventCrypto

/// A binary layout declared once (contracts-spec/state.md, "Records"): `init(coding:key:)`
/// names every field in stored order, and the same declaration both writes and reads it. Each
/// field call hands back the field's value: `RecordWriter` takes it from the record being
/// written (the getter) and appends it, `RecordReader` reads it from the bytes and ignores the
/// getter. So the fields of a record are listed in one place, and a writer and a reader cannot
/// drift apart.
public protocol RecordLayout {
    /// What the table key (or the enclosing record) supplies that the bytes do not repeat, such
    /// as a market's id; `Void` for most layouts.
    associatedtype Key = Void
    var layoutKey: Key { get }
    init<Coder: FieldCoder>(coding c: inout Coder, key: Key) throws(ProtocolError) where Coder.Record == Self
}

extension RecordLayout where Key == Void {
    public var layoutKey: Void { () }
}

/// A record stored on its own in a table: a version byte, then its layout, then nothing. The
/// version is declared here once and checked by `decode`; a wrong version, a truncated record
/// and trailing bytes are refused with `unknown_version`, `truncated` and `trailing_bytes`.
public protocol StoredRecord: RecordLayout {
    /// How errors name the record ("account", "perp market").
    static var recordName: String { get }
    static var recordVersion: UInt8 { get }
}

extension RecordLayout {
    /// Appends the layout (no version byte): for records nested in others and in transactions.
    public func encode(into w: inout ByteWriter) {
        // The buffer moves into the writer and back, so nested layouts append without copying it.
        var writer = RecordWriter(self, into: ByteWriter(capacity: 0))
        swap(&w, &writer.bytes)
        do {
            _ = try Self(coding: &writer, key: layoutKey)
        } catch {
            preconditionFailure("writing a record cannot fail: \(error)")
        }
        w = writer.bytes
    }

    public static func decode(from r: inout ByteReader, key: Key) throws(ProtocolError) -> Self {
        var reader = RecordReader<Self>(r)
        let value = try Self(coding: &reader, key: key)
        r = reader.bytes
        return value
    }
}

extension RecordLayout where Key == Void {
    public static func decode(from r: inout ByteReader) throws(ProtocolError) -> Self { try decode(from: &r, key: ()) }
}

extension StoredRecord {
    /// Every record is at version 1 unless it declares another (state.md, "Records").
    public static var recordVersion: UInt8 { 1 }

    /// The stored bytes: version u8, then the layout.
    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        encodeVersioned(into: &w)
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8], key: Key) throws(ProtocolError) -> Self {
        var r = ByteReader(bytes)
        let value = try decodeVersioned(from: &r, key: key)
        try r.expectEnd()
        return value
    }

    /// Version u8 then the layout, inside a larger encoding (a block's header).
    public func encodeVersioned(into w: inout ByteWriter) {
        w.u8(Self.recordVersion)
        encode(into: &w)
    }

    public static func decodeVersioned(from r: inout ByteReader, key: Key) throws(ProtocolError) -> Self {
        let version = try r.u8("\(recordName) version")
        guard version == recordVersion else {
            throw ProtocolError(.unknownVersion, "\(recordName) version \(version), this build reads version \(recordVersion)")
        }
        return try decode(from: &r, key: key)
    }
}

extension StoredRecord where Key == Void {
    public static func decode(_ bytes: [UInt8]) throws(ProtocolError) -> Self { try decode(bytes, key: ()) }
}

/// The width of a list's count prefix.
public enum CountWidth: Sendable {
    case u8, u16

    var max: Int { self == .u8 ? Int(UInt8.max) : Int(UInt16.max) }
}

/// One field at a time, in either direction. Each method returns the field's value: the
/// record's own when writing, the decoded one when reading.
public protocol FieldCoder {
    associatedtype Record
    /// A fixed-width value: an integer, a bool or a key (`LayoutScalar`).
    mutating func scalar<T: LayoutScalar>(_ get: (Record) -> T, _ field: @autoclosure () -> String) throws(ProtocolError) -> T
    /// A u8 length then UTF-8 bytes, at most `maxLength` of them.
    mutating func shortString(_ get: (Record) -> String, _ field: @autoclosure () -> String, maxLength: Int) throws(ProtocolError) -> String
    /// A nested layout, with the key it needs.
    mutating func fields<T: RecordLayout>(_ get: (Record) -> T, key: T.Key) throws(ProtocolError) -> T
    /// A nested record with its own version byte.
    mutating func versioned<T: StoredRecord>(_ get: (Record) -> T, key: T.Key) throws(ProtocolError) -> T
    /// A count (`width`) then that many elements of at least `minElementSize` bytes each; a
    /// count the remaining bytes cannot hold is refused before anything is allocated.
    mutating func list<T: RecordLayout>(_ get: (Record) -> [T], _ field: @autoclosure () -> String, width: CountWidth,
                                        minElementSize: Int) throws(ProtocolError) -> [T] where T.Key == Void
    /// Exactly `count` bytes, no length prefix.
    mutating func fixedBytes(_ get: (Record) -> [UInt8], _ field: @autoclosure () -> String, count: Int) throws(ProtocolError) -> [UInt8]
    /// A u32 length then the bytes (stored records only: a block's transactions).
    mutating func blob(_ get: (Record) -> [UInt8], _ field: @autoclosure () -> String) throws(ProtocolError) -> [UInt8]
    /// Bytes left to read; unbounded when writing.
    var remainingBytes: Int { get }
    /// A rule of the canonical encoding the reader enforces; the writer writes what it is given.
    mutating func require(_ holds: Bool, _ refusal: @autoclosure () -> ProtocolError) throws(ProtocolError)
}

extension FieldCoder {
    // The scalars by the names state.md gives their types, so a layout reads like its table.
    public mutating func u8(_ get: (Record) -> UInt8, _ field: @autoclosure () -> String) throws(ProtocolError) -> UInt8 { try scalar(get, field()) }
    public mutating func u16(_ get: (Record) -> UInt16, _ field: @autoclosure () -> String) throws(ProtocolError) -> UInt16 { try scalar(get, field()) }
    public mutating func u32(_ get: (Record) -> UInt32, _ field: @autoclosure () -> String) throws(ProtocolError) -> UInt32 { try scalar(get, field()) }
    public mutating func u64(_ get: (Record) -> UInt64, _ field: @autoclosure () -> String) throws(ProtocolError) -> UInt64 { try scalar(get, field()) }
    public mutating func u128(_ get: (Record) -> UInt128, _ field: @autoclosure () -> String) throws(ProtocolError) -> UInt128 { try scalar(get, field()) }
    public mutating func i64(_ get: (Record) -> Int64, _ field: @autoclosure () -> String) throws(ProtocolError) -> Int64 { try scalar(get, field()) }
    public mutating func i128(_ get: (Record) -> Int128, _ field: @autoclosure () -> String) throws(ProtocolError) -> Int128 { try scalar(get, field()) }
    public mutating func bool(_ get: (Record) -> Bool, _ field: @autoclosure () -> String) throws(ProtocolError) -> Bool { try scalar(get, field()) }
    public mutating func bytes32(_ get: (Record) -> Bytes32, _ field: @autoclosure () -> String) throws(ProtocolError) -> Bytes32 { try scalar(get, field()) }

    public mutating func fields<T: RecordLayout>(_ get: (Record) -> T) throws(ProtocolError) -> T where T.Key == Void {
        try fields(get, key: ())
    }

    /// A presence byte (0 absent, 1 present) then the u32 when present.
    public mutating func optionalU32(_ get: (Record) -> UInt32?, _ field: String) throws(ProtocolError) -> UInt32? {
        guard try bool({ get($0) != nil }, "has \(field)") else { return nil }
        return try u32({ get($0) ?? 0 }, field)
    }

    /// A u8 tag naming one case of `T`; an unknown tag is refused with `invalid_field`.
    public mutating func tag<T: RawRepresentable>(_ get: (Record) -> T, _ field: @autoclosure () -> String) throws(ProtocolError) -> T
    where T.RawValue == UInt8 {
        let raw = try u8({ get($0).rawValue }, field())
        guard let value = T(rawValue: raw) else { throw ProtocolError(.invalidField, "\(field()): no case \(raw)") }
        return value
    }
}

/// Writes the record it holds: each field call appends the getter's value.
public struct RecordWriter<Record>: FieldCoder {
    let record: Record
    var bytes: ByteWriter

    init(_ record: Record, into bytes: ByteWriter) {
        self.record = record
        self.bytes = bytes
    }

    public mutating func scalar<T: LayoutScalar>(_ get: (Record) -> T, _ field: @autoclosure () -> String) -> T {
        let value = get(record)
        value.write(to: &bytes)
        return value
    }

    public mutating func shortString(_ get: (Record) -> String, _ field: @autoclosure () -> String, maxLength: Int) -> String {
        put(get) { $0.shortString($1) }
    }

    public mutating func fields<T: RecordLayout>(_ get: (Record) -> T, key: T.Key) -> T {
        let value = get(record)
        value.encode(into: &bytes)
        return value
    }

    public mutating func versioned<T: StoredRecord>(_ get: (Record) -> T, key: T.Key) -> T {
        let value = get(record)
        value.encodeVersioned(into: &bytes)
        return value
    }

    public mutating func list<T: RecordLayout>(_ get: (Record) -> [T], _ field: @autoclosure () -> String, width: CountWidth,
                                               minElementSize: Int) -> [T] where T.Key == Void {
        let values = get(record)
        precondition(values.count <= width.max, "\(field()) has more entries than its count can say")
        switch width {
        case .u8: bytes.u8(UInt8(values.count))
        case .u16: bytes.u16(UInt16(values.count))
        }
        for v in values { v.encode(into: &bytes) }
        return values
    }

    public mutating func fixedBytes(_ get: (Record) -> [UInt8], _ field: @autoclosure () -> String, count: Int) -> [UInt8] {
        let value = get(record)
        precondition(value.count == count, "\(field()) must be \(count) bytes")
        bytes.raw(value)
        return value
    }

    public mutating func blob(_ get: (Record) -> [UInt8], _ field: @autoclosure () -> String) -> [UInt8] { put(get) { $0.blob($1) } }

    public var remainingBytes: Int { Int.max }

    public mutating func require(_ holds: Bool, _ refusal: @autoclosure () -> ProtocolError) {}

    private mutating func put<T>(_ get: (Record) -> T, _ write: (inout ByteWriter, T) -> Void) -> T {
        let value = get(record)
        write(&bytes, value)
        return value
    }
}

/// Reads a record: each field call reads the field and ignores the getter.
public struct RecordReader<Record>: FieldCoder {
    public private(set) var bytes: ByteReader

    init(_ bytes: ByteReader) { self.bytes = bytes }

    public mutating func scalar<T: LayoutScalar>(_ get: (Record) -> T, _ field: @autoclosure () -> String) throws(ProtocolError) -> T {
        try T.read(from: &bytes, field())
    }

    public mutating func shortString(_ get: (Record) -> String, _ field: @autoclosure () -> String, maxLength: Int) throws(ProtocolError) -> String {
        try bytes.shortString(field(), maxLength: maxLength)
    }

    public mutating func fields<T: RecordLayout>(_ get: (Record) -> T, key: T.Key) throws(ProtocolError) -> T {
        try T.decode(from: &bytes, key: key)
    }

    public mutating func versioned<T: StoredRecord>(_ get: (Record) -> T, key: T.Key) throws(ProtocolError) -> T {
        try T.decodeVersioned(from: &bytes, key: key)
    }

    public mutating func list<T: RecordLayout>(_ get: (Record) -> [T], _ field: @autoclosure () -> String, width: CountWidth,
                                               minElementSize: Int) throws(ProtocolError) -> [T] where T.Key == Void {
        let n = try bytes.count(field(), width: width, minElementSize: minElementSize)
        var values = [T]()
        values.reserveCapacity(n)
        for _ in 0..<n { values.append(try T.decode(from: &bytes)) }
        return values
    }

    public mutating func fixedBytes(_ get: (Record) -> [UInt8], _ field: @autoclosure () -> String, count: Int) throws(ProtocolError) -> [UInt8] {
        Array(try bytes.raw(count, field()))
    }

    public mutating func blob(_ get: (Record) -> [UInt8], _ field: @autoclosure () -> String) throws(ProtocolError) -> [UInt8] {
        try bytes.blob(field())
    }

    public var remainingBytes: Int { bytes.remaining }

    public mutating func require(_ holds: Bool, _ refusal: @autoclosure () -> ProtocolError) throws(ProtocolError) {
        guard holds else { throw refusal() }
    }
}
