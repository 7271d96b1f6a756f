/// A 32-byte value (public key, hash) held inline, without a heap allocation.
///
/// Stored as four big-endian 64-bit words so that `<` is byte-wise lexicographic order: sorting
/// `Bytes32` values gives the same order as sorting their bytes, which is what the spec's
/// "sorted by key" rules mean.
public struct Bytes32: Hashable, Comparable, Sendable {
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    public static let zero = Bytes32(w0: 0, w1: 0, w2: 0, w3: 0)

    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// From exactly 32 bytes; nil for any other length.
    public init?<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        guard bytes.count == 32 else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var i = 0
        for byte in bytes {
            let shift = UInt64(56 - 8 * (i % 8))
            switch i / 8 {
            case 0: words.0 |= UInt64(byte) << shift
            case 1: words.1 |= UInt64(byte) << shift
            case 2: words.2 |= UInt64(byte) << shift
            default: words.3 |= UInt64(byte) << shift
            }
            i += 1
        }
        self.init(w0: words.0, w1: words.1, w2: words.2, w3: words.3)
    }

    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        appendBytes(to: &out)
        return out
    }

    public func appendBytes(to out: inout [UInt8]) {
        Self.append(w0, to: &out); Self.append(w1, to: &out)
        Self.append(w2, to: &out); Self.append(w3, to: &out)
    }

    @inline(__always)
    private static func append(_ word: UInt64, to out: inout [UInt8]) {
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * i))) }
    }

    public var hex: String { Hex.encode(bytes) }

    public static func < (a: Bytes32, b: Bytes32) -> Bool {
        if a.w0 != b.w0 { return a.w0 < b.w0 }
        if a.w1 != b.w1 { return a.w1 < b.w1 }
        if a.w2 != b.w2 { return a.w2 < b.w2 }
        return a.w3 < b.w3
    }
}

extension Bytes32: CustomStringConvertible {
    public var description: String { hex }
}
