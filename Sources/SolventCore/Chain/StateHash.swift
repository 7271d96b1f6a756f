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
        var scratch = Scratch()
        add(table, key, value, subtract: false, &scratch)
    }

    public mutating func remove(_ table: StateTable, _ key: [UInt8], _ value: [UInt8]) {
        var scratch = Scratch()
        add(table, key, value, subtract: true, &scratch)
    }

    public mutating func apply(_ change: StateChange) {
        var scratch = Scratch()
        apply(change, &scratch)
    }

    /// Applies a block's changes, reusing one element buffer for all of them.
    public mutating func apply(_ changes: [StateChange]) {
        var scratch = Scratch()
        for change in changes { apply(change, &scratch) }
    }

    private mutating func apply(_ change: StateChange, _ scratch: inout Scratch) {
        if let old = change.old { add(change.key.table, change.key.key, old, subtract: true, &scratch) }
        if let new = change.new { add(change.key.table, change.key.key, new, subtract: false, &scratch) }
    }

    /// The buffers one element is computed in.
    private struct Scratch {
        var input = ByteWriter(capacity: 256)
        var stream = [UInt8](repeating: 0, count: 2 * StateHash.laneCount)
    }

    /// Adds (or subtracts) an entry's element, lane by lane modulo 2^16.
    private mutating func add(_ table: StateTable, _ key: [UInt8], _ value: [UInt8], subtract: Bool, _ scratch: inout Scratch) {
        Self.element(table, key, value, &scratch)
        scratch.stream.withUnsafeBytes { raw in
            lanes.withUnsafeMutableBufferPointer { out in
                for i in 0..<Self.laneCount {
                    let e = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    out[i] = subtract ? out[i] &- e : out[i] &+ e
                }
            }
        }
    }

    /// Element of one entry: 2048 bytes of ChaCha20 keystream (RFC 8439, zero nonce, counter 0)
    /// keyed by SHA-256(table u8 || key length u32 LE || key || value length u32 LE || value),
    /// read as 1024 little-endian u16 lanes. Left in `scratch.stream`.
    private static func element(_ table: StateTable, _ key: [UInt8], _ value: [UInt8], _ scratch: inout Scratch) {
        scratch.input.reset()
        scratch.input.u8(table.rawValue)
        scratch.input.u32(UInt32(key.count))
        scratch.input.raw(key)
        scratch.input.u32(UInt32(value.count))
        scratch.input.raw(value)
        let digest = SHA256.hash(scratch.input.bytes)
        scratch.stream.withUnsafeMutableBytes { ChaCha20.keystream(key: digest, into: $0) }
    }
}
