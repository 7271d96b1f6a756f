import SolventCrypto

/// A homomorphic hash of the whole state (an LtHash with 1024 sixteen-bit lanes, after Bellare
/// and Micciancio's AdHash and Facebook's LtHash): the sum, lane by lane modulo 2^16, of one
/// 2048-byte element per (table, key, value) entry. Adding an entry adds its element; changing
/// one subtracts the old element and adds the new. The hash therefore depends only on the set
/// of entries, never on history or order, and a block updates it in time proportional to what
/// the block changed (contracts-spec/state-hash.md).
public struct StateHash: Equatable, Sendable {
    public static let laneCount = 1024
    public private(set) var lanes: [UInt16]

    public init() { lanes = [UInt16](repeating: 0, count: Self.laneCount) }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 2 * Self.laneCount else { return nil }
        lanes = (0..<Self.laneCount).map { UInt16(bytes[2 * $0]) | UInt16(bytes[2 * $0 + 1]) << 8 }
    }

    /// Lanes little-endian, 2048 bytes.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(2 * Self.laneCount)
        for lane in lanes {
            out.append(UInt8(truncatingIfNeeded: lane))
            out.append(UInt8(truncatingIfNeeded: lane >> 8))
        }
        return out
    }

    /// The 32-byte commitment that block headers carry: SHA-256("SOLVENT_APP_HASH_V1" || lanes).
    public var appHash: Bytes32 { SHA256.hash(Self.appHashDomain + bytes) }
    static let appHashDomain: [UInt8] = Array("SOLVENT_APP_HASH_V1".utf8)

    public mutating func insert(_ table: StateTable, _ key: [UInt8], _ value: [UInt8]) {
        let e = Self.element(table, key, value)
        for i in 0..<Self.laneCount { lanes[i] &+= e[i] }
    }

    public mutating func remove(_ table: StateTable, _ key: [UInt8], _ value: [UInt8]) {
        let e = Self.element(table, key, value)
        for i in 0..<Self.laneCount { lanes[i] &-= e[i] }
    }

    public mutating func apply(_ change: StateChange) {
        if let old = change.old { remove(change.key.table, change.key.key, old) }
        if let new = change.new { insert(change.key.table, change.key.key, new) }
    }

    /// Element of one entry: 2048 bytes of ChaCha20 keystream (RFC 8439, zero nonce, counter 0)
    /// keyed by SHA-256(table u8 || key length u32 LE || key || value length u32 LE || value),
    /// read as 1024 little-endian u16 lanes.
    static func element(_ table: StateTable, _ key: [UInt8], _ value: [UInt8]) -> [UInt16] {
        var w = ByteWriter(capacity: 16 + key.count + value.count)
        w.u8(table.rawValue)
        w.u32(UInt32(key.count))
        w.raw(key)
        w.u32(UInt32(value.count))
        w.raw(value)
        let stream = ChaCha20.keystream(key: SHA256.hash(w.bytes), count: 2 * laneCount)
        return stream.withUnsafeBytes { raw in
            (0..<laneCount).map { UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) }
        }
    }
}
