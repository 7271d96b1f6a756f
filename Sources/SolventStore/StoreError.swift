import SolventCore

/// A failure of the store or of the files of a node's home, with a stable code the node, the
/// CLI and the tests act on (errors.md, "solventd codes") and a message for people.
public typealias StoreError = CodedError<StoreErrorCode>

public struct StoreErrorCode: ErrorCodeName {
    public let name: String
    private init(_ name: String) { self.name = name }

    /// Another process holds the home (storage.md, "The home lock").
    public static let homeInUse = StoreErrorCode("home_in_use")
    /// The lock file could not be opened, locked or written.
    public static let homeLockFailed = StoreErrorCode("home_lock_failed")
    /// The directory holds no chain yet (`solventd init` first).
    public static let noChain = StoreErrorCode("no_chain")
    /// The directory or home already holds a chain.
    public static let chainExists = StoreErrorCode("chain_exists")
    /// The directory was written by another store format, or is not a Solvent store.
    public static let formatMismatch = StoreErrorCode("format_mismatch")
    /// A record the store needs is missing or does not decode: the files are damaged.
    public static let corrupt = StoreErrorCode("store_corrupt")
    /// The head moved between a block's execution and its commit.
    public static let headMoved = StoreErrorCode("head_moved")
    /// A revert to a height above the head.
    public static let noSuchHeight = StoreErrorCode("no_such_height")
    /// A chain dump file that is not one, or is damaged (devnet.md, "Dump and load").
    public static let invalidDump = StoreErrorCode("invalid_dump")
    /// The validator key file is missing, malformed or not this chain's validator.
    public static let validatorKey = StoreErrorCode("validator_key")
}
