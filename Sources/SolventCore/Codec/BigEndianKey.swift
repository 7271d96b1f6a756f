/// Table keys hold integers big-endian, so byte order is numeric order and a range scan visits
/// keys in number order (contracts-spec/state.md, "Tables and keys"). Every key builder and key
/// reader in the core, the store and the node goes through here.
public enum BigEndianKey {
    public static func u32(_ v: UInt32) -> [UInt8] { bytes(v) }
    public static func u64(_ v: UInt64) -> [UInt8] { bytes(v) }

    /// The u32 at `offset` of a key whose length the caller has checked.
    public static func readU32(_ key: [UInt8], at offset: Int = 0) -> UInt32 { read(key, at: offset) }
    public static func readU64(_ key: [UInt8], at offset: Int = 0) -> UInt64 { read(key, at: offset) }

    /// The u32 a 4-byte key holds (tables keyed by a market or asset id); nil for any other length.
    public static func id(_ key: [UInt8]) -> UInt32? { key.count == 4 ? read(key, at: 0) : nil }

    static func bytes<T: FixedWidthInteger & UnsignedInteger>(_ v: T) -> [UInt8] {
        var big = v.bigEndian
        return withUnsafeBytes(of: &big) { Array($0) }
    }

    /// Appends `v` big-endian: a key of several parts is built in one array of its final size,
    /// not joined from one array per part (keys are built for every read and write).
    static func append<T: FixedWidthInteger & UnsignedInteger>(_ v: T, to key: inout [UInt8]) {
        var big = v.bigEndian
        withUnsafeBytes(of: &big) { key.append(contentsOf: $0) }
    }

    /// A key of `count` bytes built by `parts`.
    static func build(_ count: Int, _ parts: (inout [UInt8]) -> Void) -> [UInt8] {
        var key = [UInt8]()
        key.reserveCapacity(count)
        parts(&key)
        return key
    }

    static func read<T: FixedWidthInteger & UnsignedInteger>(_ key: [UInt8], at offset: Int) -> T {
        precondition(offset >= 0 && key.count - offset >= MemoryLayout<T>.size, "a key too short for its integer")
        return T(bigEndian: key.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) })
    }
}
