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

    static func read<T: FixedWidthInteger & UnsignedInteger>(_ key: [UInt8], at offset: Int) -> T {
        precondition(offset >= 0 && key.count - offset >= MemoryLayout<T>.size, "a key too short for its integer")
        var v: T = 0
        for i in 0..<MemoryLayout<T>.size { v = v << 8 | T(key[offset + i]) }
        return v
    }
}
