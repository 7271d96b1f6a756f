import SolventCrypto

/// Appends the wire encoding's primitives: fixed-width little-endian integers, raw bytes and
/// length-prefixed fields (contracts-spec/transactions.md, "Primitive encodings").
public struct ByteWriter {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 128) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the writer, keeping its storage for the next value.
    public mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u16(_ v: UInt16) { littleEndian(v) }
    public mutating func u32(_ v: UInt32) { littleEndian(v) }
    public mutating func u64(_ v: UInt64) { littleEndian(v) }
    public mutating func u128(_ v: UInt128) { littleEndian(v) }
    public mutating func i64(_ v: Int64) { littleEndian(UInt64(bitPattern: v)) }
    public mutating func i128(_ v: Int128) { littleEndian(UInt128(bitPattern: v)) }
    public mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    public mutating func raw<C: Collection>(_ v: C) where C.Element == UInt8 { bytes.append(contentsOf: v) }
    public mutating func bytes32(_ v: Bytes32) { v.appendBytes(to: &bytes) }

    /// A u8 length then the bytes; the caller guarantees the count fits the field's limit.
    public mutating func shortBytes(_ v: [UInt8]) {
        precondition(v.count <= 255)
        bytes.append(UInt8(v.count))
        bytes.append(contentsOf: v)
    }
    public mutating func shortString(_ s: String) { shortBytes(Array(s.utf8)) }

    /// A u16 length then the bytes.
    public mutating func longBytes(_ v: [UInt8]) {
        precondition(v.count <= Int(UInt16.max))
        u16(UInt16(v.count))
        bytes.append(contentsOf: v)
    }
    public mutating func longString(_ s: String) { longBytes(Array(s.utf8)) }

    /// A u32 length then the bytes, for stored records (blocks) rather than transactions.
    public mutating func blob(_ v: [UInt8]) {
        u32(UInt32(v.count))
        bytes.append(contentsOf: v)
    }

    /// An unsigned integer, least significant byte first.
    @inline(__always)
    public mutating func littleEndian<T: FixedWidthInteger & UnsignedInteger>(_ v: T) {
        var x = v.littleEndian
        withUnsafeBytes(of: &x) { bytes.append(contentsOf: $0) }
    }
}
