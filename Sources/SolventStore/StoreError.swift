/// A failure of the store or of the files of a node's home, with a stable code the node, the
/// CLI and the tests act on (errors.md, "solventd codes") and a message for people.
///
/// Shaped like swift-service-lifecycle's `ServiceGroupError`: a struct with a nested `Code`, so
/// adding a code breaks nobody.
public struct StoreError: Error, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Another process holds the home (storage.md, "The home lock").
        public static let homeInUse = Code("home_in_use")
        /// The lock file could not be opened, locked or written.
        public static let homeLockFailed = Code("home_lock_failed")
        /// The directory holds no chain yet (`solventd init` first).
        public static let noChain = Code("no_chain")
        /// The directory or home already holds a chain.
        public static let chainExists = Code("chain_exists")
        /// The directory was written by another store format, or is not a Solvent store.
        public static let formatMismatch = Code("format_mismatch")
        /// A record the store needs is missing or does not decode: the files are damaged.
        public static let corrupt = Code("store_corrupt")
        /// The head moved between a block's execution and its commit.
        public static let headMoved = Code("head_moved")
        /// A revert to a height above the head.
        public static let noSuchHeight = Code("no_such_height")
        /// A chain dump file that is not one, or is damaged (devnet.md, "Dump and load").
        public static let invalidDump = Code("invalid_dump")
        /// The validator key file is missing, malformed or not this chain's validator.
        public static let validatorKey = Code("validator_key")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.name): \(message)" }
}
