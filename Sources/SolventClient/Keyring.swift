import Foundation
import SolventCore
import SolventCrypto
import SolventWire

/// Where keys are kept.
public enum KeyringBackend: String, Sendable, CaseIterable {
    /// Encrypted files (argon2id + XChaCha20-Poly1305), the default.
    case file
    /// Plain, unencrypted files for devnet scripts; the name says what it is.
    case test
}

public struct KeyInfo: Sendable, Encodable {
    public let name: String
    public let address: String
    public let publicKey: String
    public let backend: String
}

/// A directory of named keys, one JSON file each (contracts-spec/keyring.md):
/// `HOME/keyring-file/NAME.json` (encrypted) or `HOME/keyring-test/NAME.json` (plain).
/// Directories are created 0700 and files 0600.
public struct Keyring: Sendable {
    public let home: String
    public let backend: KeyringBackend

    public init(home: String, backend: KeyringBackend) {
        self.home = (home as NSString).expandingTildeInPath
        self.backend = backend
    }

    public var directory: String { home + "/keyring-" + backend.rawValue }

    /// What both backends' key files hold besides the key itself.
    protocol KeyFile: Decodable {
        var version: Int { get }
        var name: String { get }
        var address: String { get }
        var publicKey: String { get }
    }

    struct EncryptedFile: Codable, KeyFile {
        var version = 1
        let name: String
        let address: String
        let publicKey: String
        let kdf: String
        /// libsodium's names for the Argon2id costs.
        let opslimit: UInt64
        let memlimit: UInt64
        let salt: String
        let cipher: String
        let nonce: String
        let ciphertext: String
    }

    struct PlainFile: Codable, KeyFile {
        var version = 1
        let name: String
        let address: String
        let publicKey: String
        let privateKey: String
        let warning: String
    }

    public static func validate(name: String) throws {
        let ok = !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 46 || $0 == 95
        } && !name.hasPrefix(".")
        guard ok else { throw ClientError("invalid_key_name", "key names are 1-64 characters from A-Z a-z 0-9 . _ - and do not start with '.'") }
    }

    func path(_ name: String) -> String { directory + "/" + name + ".json" }

    static func associatedData(name: String, address: String) -> [UInt8] {
        Array("solvent-keyring-v1:\(name):\(address)".utf8)
    }

    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    /// Stores `key` under `name`; `password` is required for the encrypted backend.
    public func add(name: String, key: PrivateKey, password: [UInt8]?) throws -> KeyInfo {
        try Self.validate(name: name)
        guard !exists(name) else { throw ClientError("key_exists", "a key named \(name) already exists in the \(backend.rawValue) keyring") }
        let address = Address(key.publicKey).text
        let encoder = WireJSON.fileEncoder()
        let data: Data
        switch backend {
        case .file:
            guard let password else { throw ClientError("password_required", "the encrypted keyring needs a password") }
            let sealed = try SecretBox.seal(key.seed, password: password, associatedData: Self.associatedData(name: name, address: address))
            data = try encoder.encode(EncryptedFile(
                name: name, address: address, publicKey: key.publicKey.hex, kdf: "argon2id13",
                opslimit: sealed.opsLimit, memlimit: sealed.memLimit, salt: Hex.encode(sealed.salt),
                cipher: "xchacha20poly1305-ietf", nonce: Hex.encode(sealed.nonce), ciphertext: Hex.encode(sealed.ciphertext)))
        case .test:
            data = try encoder.encode(PlainFile(
                name: name, address: address, publicKey: key.publicKey.hex, privateKey: Hex.encode(key.seed),
                warning: "UNENCRYPTED test keyring: anyone who can read this file can spend from this key"))
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        guard FileManager.default.createFile(atPath: path(name), contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw ClientError("keyring_write_failed", "cannot write \(path(name))")
        }
        return KeyInfo(name: name, address: address, publicKey: key.publicKey.hex, backend: backend.rawValue)
    }

    public func info(_ name: String) throws -> KeyInfo {
        let f: any KeyFile = switch backend {
        case .file: try read(EncryptedFile.self, name)
        case .test: try read(PlainFile.self, name)
        }
        return KeyInfo(name: f.name, address: f.address, publicKey: f.publicKey, backend: backend.rawValue)
    }

    /// A key file must be the one asked for, and its address must be its public key's: a file
    /// copied over another name, or edited, is refused before any password is asked for.
    private func checkIdentity(_ requested: String, _ file: some KeyFile) throws {
        guard file.name == requested else {
            throw ClientError("keyring_corrupt", "\(path(requested)) holds key '\(file.name)', not '\(requested)'")
        }
        guard let raw = Hex.decode(file.publicKey), let key = Bytes32(raw), Address(key).text == file.address else {
            throw ClientError("keyring_corrupt", "\(path(requested)): its address does not match its public key")
        }
    }

    public func list() throws -> [KeyInfo] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return try files.filter { $0.hasSuffix(".json") }.sorted().map { try info(String($0.dropLast(5))) }
    }

    /// The private key; `password` is asked for only by the encrypted backend.
    public func privateKey(_ name: String, password: () throws -> [UInt8]) throws -> PrivateKey {
        let seed: [UInt8]
        let expectedAddress: String
        switch backend {
        case .file:
            let f = try read(EncryptedFile.self, name)
            guard f.kdf == "argon2id13", f.cipher == "xchacha20poly1305-ietf",
                  let salt = Hex.decode(f.salt), let nonce = Hex.decode(f.nonce), let ct = Hex.decode(f.ciphertext) else {
                throw ClientError("keyring_corrupt", "\(path(name)) is not a key file this client can read")
            }
            do {
                seed = try SecretBox.open(SealedSecret(opsLimit: f.opslimit, memLimit: f.memlimit, salt: salt, nonce: nonce, ciphertext: ct),
                                          password: try password(), associatedData: Self.associatedData(name: name, address: f.address))
            } catch SecretBoxError.wrongPasswordOrCorrupt {
                throw ClientError("wrong_password", "the password does not open key \(name)")
            } catch let SecretBoxError.badParameters(reason) {
                throw ClientError("keyring_corrupt", "\(path(name)): \(reason)")
            } catch SecretBoxError.keyDerivationFailed {
                throw ClientError("keyring_corrupt", "\(path(name)): its argon2id parameters cannot be used")
            }
            expectedAddress = f.address
        case .test:
            let f = try read(PlainFile.self, name)
            guard let s = Hex.decode(f.privateKey) else { throw ClientError("keyring_corrupt", "\(path(name)) holds no private key") }
            seed = s
            expectedAddress = f.address
        }
        guard let key = PrivateKey(seed: seed), Address(key.publicKey).text == expectedAddress else {
            throw ClientError("keyring_corrupt", "\(path(name)) holds a key that does not match its address")
        }
        return key
    }

    public func delete(_ name: String) throws {
        _ = try info(name)
        try FileManager.default.removeItem(atPath: path(name))
    }

    /// The key file of `name`, read, decoded and checked to be that key's (`checkIdentity`).
    private func read<T: KeyFile>(_ type: T.Type, _ name: String) throws -> T {
        try Self.validate(name: name)
        guard let data = FileManager.default.contents(atPath: path(name)) else {
            throw ClientError("key_not_found", "no key named \(name) in the \(backend.rawValue) keyring (\(directory))")
        }
        let file: T
        do {
            file = try WireJSON.decoder().decode(T.self, from: data)
        } catch {
            throw ClientError("keyring_corrupt", "\(path(name)) is not a valid key file")
        }
        guard file.version == 1 else {
            throw ClientError("keyring_corrupt", "\(path(name)) is key file version \(file.version); this client reads version 1")
        }
        try checkIdentity(name, file)
        return file
    }
}
