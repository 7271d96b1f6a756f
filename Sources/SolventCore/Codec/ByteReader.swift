import SolventCrypto

/// Reads the primitives `ByteWriter` writes, refusing truncation and over-long fields with the
/// codec's stable error codes. Never traps on hostile input.
public struct ByteReader {
    public let bytes: [UInt8]
    public private(set) var offset: Int
    private let end: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
        self.end = bytes.count
    }

    public var remaining: Int { end - offset }
    public var isAtEnd: Bool { offset == end }

    public mutating func u8(_ field: @autoclosure () -> String) throws(ProtocolError) -> UInt8 {
        try need(1, field())
        defer { offset += 1 }
        return bytes[offset]
    }
    public mutating func u16(_ field: @autoclosure () -> String) throws(ProtocolError) -> UInt16 { try littleEndian(UInt16.self, field()) }
    public mutating func u32(_ field: @autoclosure () -> String) throws(ProtocolError) -> UInt32 { try littleEndian(UInt32.self, field()) }
    public mutating func u64(_ field: @autoclosure () -> String) throws(ProtocolError) -> UInt64 { try littleEndian(UInt64.self, field()) }
    public mutating func u128(_ field: @autoclosure () -> String) throws(ProtocolError) -> UInt128 { try littleEndian(UInt128.self, field()) }
    public mutating func i64(_ field: @autoclosure () -> String) throws(ProtocolError) -> Int64 { Int64(bitPattern: try littleEndian(UInt64.self, field())) }
    public mutating func i128(_ field: @autoclosure () -> String) throws(ProtocolError) -> Int128 { Int128(bitPattern: try littleEndian(UInt128.self, field())) }

    public mutating func bool(_ field: @autoclosure () -> String) throws(ProtocolError) -> Bool {
        switch try u8(field()) {
        case 0: return false
        case 1: return true
        case let other: throw ProtocolError(.invalidField, "\(field()): boolean must be 0 or 1, got \(other)")
        }
    }

    public mutating func raw(_ count: Int, _ field: @autoclosure () -> String) throws(ProtocolError) -> ArraySlice<UInt8> {
        try need(count, field())
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    public mutating func bytes32(_ field: @autoclosure () -> String) throws(ProtocolError) -> Bytes32 {
        Bytes32(try raw(32, field()))!
    }

    /// A u8-length-prefixed field with at most `maxLength` bytes.
    public mutating func shortBytes(_ field: @autoclosure () -> String, maxLength: Int) throws(ProtocolError) -> [UInt8] {
        try prefixedBody(length: Int(try u8(field() + " length")), field(), maxLength: maxLength)
    }

    public mutating func shortString(_ field: @autoclosure () -> String, maxLength: Int) throws(ProtocolError) -> String {
        try utf8(try shortBytes(field(), maxLength: maxLength), field())
    }

    /// A u16-length-prefixed field with at most `maxLength` bytes.
    public mutating func longBytes(_ field: @autoclosure () -> String, maxLength: Int) throws(ProtocolError) -> [UInt8] {
        try prefixedBody(length: Int(try u16(field() + " length")), field(), maxLength: maxLength)
    }

    public mutating func longString(_ field: @autoclosure () -> String, maxLength: Int) throws(ProtocolError) -> String {
        try utf8(try longBytes(field(), maxLength: maxLength), field())
    }

    /// The bytes after a length prefix (whichever its width): a length over `maxLength` is refused
    /// before anything is read.
    private mutating func prefixedBody(length: Int, _ field: @autoclosure () -> String, maxLength: Int) throws(ProtocolError) -> [UInt8] {
        guard length <= maxLength else {
            throw ProtocolError(.fieldTooLong, "\(field()) is \(length) bytes, the limit is \(maxLength)")
        }
        return Array(try raw(length, field()))
    }

    public mutating func blob(_ field: @autoclosure () -> String) throws(ProtocolError) -> [UInt8] {
        let length = Int(try u32(field() + " length"))
        return Array(try raw(length, field()))
    }

    /// A count prefix for a list whose elements are at least `minElementSize` bytes each;
    /// refuses a count the remaining bytes cannot hold before anything is allocated.
    public mutating func count(_ field: @autoclosure () -> String, width: CountWidth, minElementSize: Int) throws(ProtocolError) -> Int {
        let n = width == .u8 ? Int(try u8(field() + " count")) : Int(try u16(field() + " count"))
        guard n * minElementSize <= remaining else {
            throw ProtocolError(.truncated, "\(field()): \(n) entries cannot fit in the \(remaining) bytes left")
        }
        return n
    }

    public func expectEnd() throws(ProtocolError) {
        guard offset == end else {
            throw ProtocolError(.trailingBytes, "\(end - offset) unexpected bytes after the last field")
        }
    }

    private func need(_ count: Int, _ field: @autoclosure () -> String) throws(ProtocolError) {
        guard count >= 0, end - offset >= count else {
            throw ProtocolError(.truncated, "input ends inside \(field()) (needs \(count) bytes, \(end - offset) left)")
        }
    }

    private func utf8(_ bytes: [UInt8], _ field: @autoclosure () -> String) throws(ProtocolError) -> String {
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw ProtocolError(.invalidField, "\(field()) is not valid UTF-8")
        }
        return s
    }

    @inline(__always)
    /// An unsigned integer of `T`'s width, least significant byte first.
    public mutating func littleEndian<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, _ field: @autoclosure () -> String) throws(ProtocolError) -> T {
        let size = MemoryLayout<T>.size
        try need(size, field())
        // One unaligned load (bounds checked above), not a shift per byte: records are read
        // several times per order and a 128-bit shift is several instructions.
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        offset += size
        return T(littleEndian: value)
    }
}
