import CSodium

/// An Ed25519 private key, kept as the RFC 8032 32-byte seed (what `keys export` prints).
public struct PrivateKey: Sendable {
    public let seed: [UInt8]
    public let publicKey: Bytes32
    /// libsodium's 64-byte secret key (seed || public key), derived once.
    private let expanded: [UInt8]

    public init?(seed: [UInt8]) {
        guard seed.count == 32 else { return nil }
        _ = Sodium.ready
        var pk = [UInt8](repeating: 0, count: 32)
        var sk = [UInt8](repeating: 0, count: 64)
        guard crypto_sign_seed_keypair(&pk, &sk, seed) == 0 else { return nil }
        self.seed = seed
        self.publicKey = Bytes32(pk)!
        self.expanded = sk
    }

    public static func generate() -> PrivateKey {
        PrivateKey(seed: SecureRandom.bytes(32))!
    }

    public func sign(_ message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: 64)
        var length: UInt64 = 0
        message.withUnsafeBufferPointer { msg in
            _ = crypto_sign_detached(&signature, &length, msg.baseAddress, UInt64(msg.count), expanded)
        }
        return signature
    }
}

public enum Ed25519 {
    /// Verifies a detached signature. libsodium rejects non-canonical signatures and small-order
    /// public keys, so a valid signature is not malleable and the transaction hash is unique.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: Bytes32) -> Bool {
        guard signature.count == 64 else { return false }
        _ = Sodium.ready
        let pk = publicKey.bytes
        return message.withUnsafeBufferPointer { msg in
            crypto_sign_verify_detached(signature, msg.baseAddress, UInt64(msg.count), pk) == 0
        }
    }

    /// Verifies a signature over `message[range]` without copying the message.
    public static func verify(signature: ArraySlice<UInt8>, message: ArraySlice<UInt8>, publicKey: Bytes32) -> Bool {
        guard signature.count == 64 else { return false }
        _ = Sodium.ready
        let pk = publicKey.bytes
        return signature.withUnsafeBufferPointer { sig in
            message.withUnsafeBufferPointer { msg in
                crypto_sign_verify_detached(sig.baseAddress!, msg.baseAddress, UInt64(msg.count), pk) == 0
            }
        }
    }
}
