import SolventCrypto

/// The fixed-width values record layouts are built from (contracts-spec/state.md, "Records"):
/// integers little-endian (signed ones two's complement), a bool as one byte 0 or 1, a key as
/// its 32 bytes. Each type says once how it is read and written; every `FieldCoder` handles
/// them all through `scalar`.
public protocol LayoutScalar: Equatable, Sendable {
    static func read(from r: inout ByteReader, _ field: @autoclosure () -> String) throws(ProtocolError) -> Self
    func write(to w: inout ByteWriter)
}

extension LayoutScalar where Self: FixedWidthInteger {
    @inline(__always)
    public static func read(from r: inout ByteReader, _ field: @autoclosure () -> String) throws(ProtocolError) -> Self {
        Self(truncatingIfNeeded: try r.littleEndian(Magnitude.self, field()))
    }

    @inline(__always)
    public func write(to w: inout ByteWriter) { w.littleEndian(Magnitude(truncatingIfNeeded: self)) }
}

extension UInt8: LayoutScalar {}
extension UInt16: LayoutScalar {}
extension UInt32: LayoutScalar {}
extension UInt64: LayoutScalar {}
extension UInt128: LayoutScalar {}
extension Int64: LayoutScalar {}
extension Int128: LayoutScalar {}

extension Bool: LayoutScalar {
    public static func read(from r: inout ByteReader, _ field: @autoclosure () -> String) throws(ProtocolError) -> Bool { try r.bool(field()) }
    public func write(to w: inout ByteWriter) { w.bool(self) }
}

extension Bytes32: LayoutScalar {
    public static func read(from r: inout ByteReader, _ field: @autoclosure () -> String) throws(ProtocolError) -> Bytes32 { try r.bytes32(field()) }
    public func write(to w: inout ByteWriter) { w.bytes32(self) }
}
