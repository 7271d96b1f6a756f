import CSodium

/// Password-based sealing for the encrypted keyring: argon2id (libsodium crypto_pwhash,
/// ALG_ARGON2ID13) derives a 32-byte key from the password and a random salt; the secret is then
/// sealed with XChaCha20-Poly1305 (IETF AEAD) under a random 24-byte nonce. The associated data
/// binds the ciphertext to the key's name and address so a file cannot be swapped for another.
public struct SealedSecret: Sendable, Equatable {
    public var opsLimit: UInt64
    public var memLimit: UInt64
    public var salt: [UInt8]
    public var nonce: [UInt8]
    public var ciphertext: [UInt8]

    public init(opsLimit: UInt64, memLimit: UInt64, salt: [UInt8], nonce: [UInt8], ciphertext: [UInt8]) {
        self.opsLimit = opsLimit; self.memLimit = memLimit
        self.salt = salt; self.nonce = nonce; self.ciphertext = ciphertext
    }
}

public enum SecretBoxError: Error, Equatable {
    case keyDerivationFailed
    case wrongPasswordOrCorrupt
    case badParameters(String)
}

public enum SecretBox {
    /// libsodium's "interactive" argon2id cost: 2 passes over 64 MiB, about 0.1-0.3 s on this class of machine.
    public static let defaultOpsLimit = UInt64(crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE)
    public static let defaultMemLimit = UInt64(crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE)

    public static func seal(_ secret: [UInt8], password: [UInt8], associatedData: [UInt8],
                            opsLimit: UInt64 = defaultOpsLimit, memLimit: UInt64 = defaultMemLimit) throws -> SealedSecret {
        _ = Sodium.ready
        let salt = SecureRandom.bytes(Int(crypto_pwhash_SALTBYTES))
        let nonce = SecureRandom.bytes(Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES))
        let key = try deriveKey(password: password, salt: salt, opsLimit: opsLimit, memLimit: memLimit)
        var ciphertext = [UInt8](repeating: 0, count: secret.count + Int(crypto_aead_xchacha20poly1305_ietf_ABYTES))
        var length: UInt64 = 0
        _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
            &ciphertext, &length, secret, UInt64(secret.count),
            associatedData, UInt64(associatedData.count), nil, nonce, key)
        return SealedSecret(opsLimit: opsLimit, memLimit: memLimit, salt: salt, nonce: nonce,
                            ciphertext: Array(ciphertext.prefix(Int(length))))
    }

    public static func open(_ sealed: SealedSecret, password: [UInt8], associatedData: [UInt8]) throws -> [UInt8] {
        _ = Sodium.ready
        guard sealed.salt.count == Int(crypto_pwhash_SALTBYTES),
              sealed.nonce.count == Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES),
              sealed.ciphertext.count >= Int(crypto_aead_xchacha20poly1305_ietf_ABYTES) else {
            throw SecretBoxError.badParameters("salt, nonce or ciphertext has the wrong length")
        }
        let key = try deriveKey(password: password, salt: sealed.salt, opsLimit: sealed.opsLimit, memLimit: sealed.memLimit)
        var plain = [UInt8](repeating: 0, count: sealed.ciphertext.count)
        var length: UInt64 = 0
        let rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
            &plain, &length, nil, sealed.ciphertext, UInt64(sealed.ciphertext.count),
            associatedData, UInt64(associatedData.count), sealed.nonce, key)
        guard rc == 0 else { throw SecretBoxError.wrongPasswordOrCorrupt }
        return Array(plain.prefix(Int(length)))
    }

    private static func deriveKey(password: [UInt8], salt: [UInt8], opsLimit: UInt64, memLimit: UInt64) throws -> [UInt8] {
        guard opsLimit >= UInt64(crypto_pwhash_argon2id_OPSLIMIT_MIN),
              memLimit >= UInt64(crypto_pwhash_argon2id_MEMLIMIT_MIN),
              memLimit <= 4 << 30 else {
            throw SecretBoxError.badParameters("argon2id limits out of range")
        }
        var key = [UInt8](repeating: 0, count: Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES))
        // A trailing zero keeps the buffer non-empty for an empty password; it is not hashed.
        let terminated = password + [0]
        let rc = terminated.withUnsafeBufferPointer { pw in
            pw.withMemoryRebound(to: CChar.self) { pwc in
                crypto_pwhash(&key, UInt64(key.count), pwc.baseAddress!, UInt64(password.count), salt,
                              opsLimit, Int(memLimit), crypto_pwhash_ALG_ARGON2ID13)
            }
        }
        guard rc == 0 else { throw SecretBoxError.keyDerivationFailed }
        return key
    }
}
