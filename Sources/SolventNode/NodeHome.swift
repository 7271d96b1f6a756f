import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventEngine
import SolventStore
import SolventWire

/// A node's home directory:
///
///     HOME/config/genesis.json         the genesis this chain started from
///     HOME/config/validator_key.json   the validator's private key (mode 0600)
///     HOME/data/                       LMDB environment (data.mdb, lock.mdb)
///     HOME/node.lock                   the home lock: PID and command of the process working on it
public struct NodeHome: Sendable {
    public let path: String

    public init(path: String) {
        self.path = (path as NSString).expandingTildeInPath
    }

    public var configDirectory: String { path + "/config" }
    public var genesisPath: String { configDirectory + "/genesis.json" }
    public var validatorKeyPath: String { configDirectory + "/validator_key.json" }
    public var dataDirectory: String { path + "/data" }
    public var lockPath: String { path + "/node.lock" }

    /// Takes the home lock for `command` (storage.md, "The home lock"), creating the home directory
    /// if needed; throws `home_in_use` with the holder's PID when another process has it. Keep the
    /// returned lock alive for as long as the work on the home lasts.
    public func lock(for command: String) throws -> HomeLock {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return try HomeLock.acquire(file: lockPath, home: path, command: command)
    }

    public var isInitialized: Bool { ChainStore.exists(directory: dataDirectory) }

    struct ValidatorKeyFile: Codable {
        let address: String
        let publicKey: String
        let privateKey: String
    }

    /// Creates the home: writes genesis and the validator key, and initialises the store at height 0.
    /// The validator key is `validatorKey` if given, else the devnet validator key when the genesis
    /// names it; any other genesis needs its key supplied.
    @discardableResult
    public func initialize(genesis: Genesis, validatorKey: PrivateKey? = nil) throws -> ChainEngine {
        guard !isInitialized else { throw StoreError(.chainExists, "\(path) is already initialised (remove it to start over)") }
        _ = try genesis.initialState()
        let key: PrivateKey
        if let validatorKey {
            key = validatorKey
        } else if let phrase = genesis.devnet?.seedPhrase,
                  Address(DevnetKeys.validator(phrase: phrase).publicKey) == genesis.validatorAddress {
            key = DevnetKeys.validator(phrase: phrase)
        } else {
            throw StoreError(.validatorKey, "genesis validator \(genesis.validator) is not a devnet key: pass its private key with --validator-key-file")
        }
        guard Address(key.publicKey) == genesis.validatorAddress else {
            throw StoreError(.validatorKey, "the validator key does not match the genesis validator \(genesis.validator)")
        }
        let fm = FileManager.default
        try fm.createDirectory(atPath: configDirectory, withIntermediateDirectories: true)
        try Data(try GenesisFile.encode(genesis)).write(to: URL(fileURLWithPath: genesisPath))
        let keyFile = ValidatorKeyFile(address: Address(key.publicKey).text, publicKey: key.publicKey.hex,
                                       privateKey: Hex.encode(key.seed))
        guard fm.createFile(atPath: validatorKeyPath, contents: try WireJSON.fileEncoder().encode(keyFile), attributes: [.posixPermissions: 0o600]) else {
            throw StoreError(.validatorKey, "cannot write \(validatorKeyPath)")
        }
        return try ChainEngine.create(directory: dataDirectory, genesis: genesis)
    }

    public func loadValidatorKey() throws -> PrivateKey {
        guard let data = FileManager.default.contents(atPath: validatorKeyPath) else {
            throw StoreError(.validatorKey, "no validator key at \(validatorKeyPath)")
        }
        let file = try WireJSON.decoder().decode(ValidatorKeyFile.self, from: data)
        guard let seed = Hex.decode(file.privateKey), let key = PrivateKey(seed: seed) else {
            throw StoreError(.validatorKey, "\(validatorKeyPath) does not hold a valid Ed25519 private key")
        }
        return key
    }

    public func openStore(readOnly: Bool = false) throws -> ChainStore {
        do {
            return try ChainStore.open(directory: dataDirectory, readOnly: readOnly)
        } catch {
            // An older store's chain cannot be carried over (storage.md, "Store format version");
            // one from before a table existed may fail before its format is even checked.
            guard let found = try? ChainStore.storedFormatVersion(directory: dataDirectory), found < ChainStore.formatVersion else { throw error }
            let reason = (error as? StoreError)?.message ?? "\(error)"
            throw StoreError(.formatMismatch, "\(reason); its chain cannot be carried into this build: start a new chain with "
                + "`solventd devnet --reset` for a devnet, or `solventd init` in a new home (storage.md, \"Store format version\")")
        }
    }
}
