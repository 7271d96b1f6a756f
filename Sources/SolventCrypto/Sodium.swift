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
        _ = Sodium.ready
        var out = [UInt8](repeating: 0, count: 32)
        let input = Array(data)
        input.withUnsafeBufferPointer { inp in
            _ = crypto_hash_sha256(&out, inp.baseAddress, UInt64(inp.count))
        }
        return Bytes32(out)!
    }
}

/// ChaCha20 (IETF variant, RFC 8439) keystream: used to expand a 32-byte digest into the
/// 2048-byte state-hash element (see contracts-spec/state-hash.md).
public enum ChaCha20 {
    public static func keystream(key: Bytes32, count: Int) -> [UInt8] {
        _ = Sodium.ready
        var out = [UInt8](repeating: 0, count: count)
        let nonce = [UInt8](repeating: 0, count: Int(crypto_stream_chacha20_ietf_NONCEBYTES))
        let keyBytes = key.bytes
        _ = crypto_stream_chacha20_ietf(&out, UInt64(count), nonce, keyBytes)
        return out
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
