import CSodium

/// libsodium must be initialised once per process before any other call; every entry point in
/// this module goes through `Sodium.ready` so callers never have to remember.
enum Sodium {
    static let ready: Void = {
        precondition(sodium_init() >= 0, "libsodium failed to initialise")
    }()
}

public enum SHA256 {
    public static func hash<C: Collection>(_ data: C) -> Bytes32 where C.Element == UInt8 {
        if let digest = data.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) { return digest }
        return Array(data).withUnsafeBytes { hash($0) }
    }

    public static func hash(_ input: UnsafeRawBufferPointer) -> Bytes32 {
        _ = Sodium.ready
        var out = [UInt8](repeating: 0, count: 32)
        _ = crypto_hash_sha256(&out, input.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(input.count))
        return Bytes32(out)!
    }
}

/// ChaCha20 (IETF variant, RFC 8439) keystream: used to expand a 32-byte digest into the
/// 2048-byte state-hash element (see contracts-spec/state-hash.md).
public enum ChaCha20 {
    private static let zeroNonce = [UInt8](repeating: 0, count: Int(crypto_stream_chacha20_ietf_NONCEBYTES))

    public static func keystream(key: Bytes32, count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { keystream(key: key, into: $0) }
        return out
    }

    /// Fills `out` with the keystream (for a caller that reuses one buffer).
    public static func keystream(key: Bytes32, into out: UnsafeMutableRawBufferPointer) {
        guard out.count > 0 else { return }
        _ = Sodium.ready
        key.bytes.withUnsafeBufferPointer { k in
            _ = crypto_stream_chacha20_ietf(out.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(out.count), zeroNonce, k.baseAddress!)
        }
    }
}

public enum SecureRandom {
    /// Fresh random bytes from the OS; for key generation and keystore salts only, never in the state machine.
    public static func bytes(_ count: Int) -> [UInt8] {
        _ = Sodium.ready
        var out = [UInt8](repeating: 0, count: count)
        randombytes_buf(&out, count)
        return out
    }
}
