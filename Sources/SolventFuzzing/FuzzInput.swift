/// Reads a fuzzer's bytes as a stream of small decisions. Past the end every read gives zero, so
/// any byte string is a valid program; the fuzzer's mutations change decisions, not validity.
struct FuzzInput {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isExhausted: Bool { offset >= bytes.count }

    mutating func u8() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func bytes(_ n: Int) -> [UInt8] {
        let end = min(bytes.count, offset + n)
        defer { offset = end }
        return offset < end ? Array(bytes[offset..<end]) : []
    }

    mutating func raw<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) -> T {
        var v: T = 0
        for _ in 0..<(T.bitWidth / 8) { v = v << 8 | T(u8()) }
        return v
    }

    mutating func pick(_ count: Int) -> Int { count <= 1 ? 0 : Int(u8()) % count }

    mutating func bool() -> Bool { u8() & 1 == 1 }

    /// A value of `T` biased toward the places arithmetic breaks: zero and one, the type's bounds
    /// and their halves, powers of ten around the protocol's limits, round multiples of a unit
    /// (so sizes and prices land on ticks and steps), or raw bytes.
    mutating func interesting<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, unit: T = 1) -> T {
        let selector = u8()
        switch selector % 16 {
        case 0: return 0
        case 1: return 1
        case 2: return T.max
        case 3: return T.max - T(u8() % 4)
        case 4: return T.max / 2 + T(u8() % 3)
        case 5: return T.max / 2 - T(u8() % 3)
        case 6:
            // A power of ten, ± a little.
            let exponent = Int(u8()) % (T.bitWidth * 3 / 10 + 1)
            var v: T = 1
            for _ in 0..<exponent { v = v.multipliedReportingOverflow(by: 10).partialValue }
            return v &+ T(u8() % 3) &- 1
        case 7: return T(1) << (Int(u8()) % T.bitWidth)
        case 8...12:
            // k × unit for a small k: ordinary trades on the grid.
            let k = T(truncatingIfNeeded: raw(UInt16.self))
            return k.multipliedReportingOverflow(by: unit).partialValue
        default:
            return raw(T.self)
        }
    }

    /// Mostly one of `bounds` (a rule's limits, a balance, a current price) or one past it either
    /// way, where a check is off by one; otherwise an `interesting` value of the type.
    mutating func near<T: FixedWidthInteger & UnsignedInteger>(_ bounds: [T], unit: T = 1) -> T {
        let selector = u8()
        guard !bounds.isEmpty, selector % 4 != 0 else { return interesting(T.self, unit: unit) }
        let bound = bounds[Int(selector / 4) % bounds.count]
        switch u8() % 3 {
        case 0: return bound &- 1
        case 1: return bound
        default: return bound &+ 1
        }
    }

    mutating func signedInteresting(_: Int64.Type) -> Int64 {
        let magnitude = interesting(UInt64.self)
        let v = Int64(truncatingIfNeeded: magnitude)
        return bool() ? v : 0 &- v
    }
}
