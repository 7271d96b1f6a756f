/// The state is a set of tables of (key, value) byte strings, one table per kind of entity, each
/// entity stored on its own (never one blob for the whole state). The store keeps each table in
/// an LMDB named database of the same name; the state hash covers every entry of every table.
public enum StateTable: UInt8, CaseIterable, Sendable, Comparable, SnakeCaseNamed {
    case params = 1
    case assets = 2
    case accounts = 3
    case vaults = 4
    case oracleConfig = 5
    case oraclePrices = 6
    case perpMarkets = 7
    case positions = 8
    case orders = 9
    case orderIds = 10
    case ownerOrders = 11
    case protocolAccounts = 12
    case marketPositions = 13
    case liquidationMarks = 14
    case insuranceLog = 15
    case auctions = 16

    /// The LMDB databases' names; `protocol` for `protocolAccounts`.
    public static let names = namesByRawValue { $0 == .protocolAccounts ? "protocol" : nil }

    public static func < (a: StateTable, b: StateTable) -> Bool { a.rawValue < b.rawValue }
}

public struct StateKey: Hashable, Comparable, Sendable {
    public let table: StateTable
    public let key: [UInt8]

    public init(_ table: StateTable, _ key: [UInt8]) {
        self.table = table
        self.key = key
    }

    public static func == (a: StateKey, b: StateKey) -> Bool { a.table == b.table && a.key == b.key }

    /// Hashes the key bytes in one call rather than byte by byte.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(table.rawValue)
        key.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// Table first, then key bytes lexicographically: the order changes are hashed and stored in.
    public static func < (a: StateKey, b: StateKey) -> Bool {
        if a.table != b.table { return a.table < b.table }
        return SortedKeys.less(a.key, b.key)
    }
}

/// Read access to committed state; the store implements it over an LMDB read transaction and
/// tests implement it over a sorted in-memory map.
public protocol StateReader {
    func get(_ table: StateTable, _ key: [UInt8]) -> [UInt8]?

    /// Visits the entries of `table` whose key starts with `prefix`, in ascending byte order of
    /// key, beginning at `start` (or at the prefix), until `visit` returns false. This order is
    /// the same in every process, so iterating a scan is deterministic.
    func scan(_ table: StateTable, prefix: [UInt8], from start: [UInt8]?, _ visit: ([UInt8], [UInt8]) -> Bool)

    // The records the margin rules read for every vault and every order, declared here so that a
    // reader may keep them decoded (`DecodedRecords`, `StateOverlay`); the implementations every
    // reader gets decode them from `get` (PerpMarket.swift, OracleMarket.swift, Params.swift,
    // RecordTables.swift).
    func perpMarket(_ id: UInt32) -> PerpMarket?
    func oracleMarket(_ id: UInt32) -> OracleMarket?
    func asset(_ id: AssetID) -> Asset?
    /// The stored settings record (the oracle configuration, the liquidation settings, the
    /// insurance fund's totals...), nil when there is none.
    func singleton<Record: SingletonRecord>(_: Record.Type) -> Record?
    // And the records an order reads and writes (Vault.swift, Position.swift, Account.swift).
    func vault(_ id: VaultID) -> Vault?
    func account(_ address: Address) -> Account?
    func position(_ vault: VaultID, _ market: UInt32) -> Position?
    /// The vault's positions in market order (a position record exists only while its size is not zero).
    func positions(of vault: VaultID) -> [(market: UInt32, position: Position)]
}

extension StateReader {
    /// Every entry with the prefix, in key order.
    public func entries(_ table: StateTable, prefix: [UInt8]) -> [(key: [UInt8], value: [UInt8])] {
        var out = [(key: [UInt8], value: [UInt8])]()
        scan(table, prefix: prefix, from: nil) { out.append(($0, $1)); return true }
        return out
    }
}

/// One entry's change over a block: `old` is the value before the block, `new` after (nil = absent).
public struct StateChange: Equatable, Sendable {
    public let key: StateKey
    public let old: [UInt8]?
    public let new: [UInt8]?

    public init(key: StateKey, old: [UInt8]?, new: [UInt8]?) {
        self.key = key
        self.old = old
        self.new = new
    }
}

/// An empty state: the base genesis is applied onto.
public struct EmptyState: StateReader {
    public init() {}
    public func get(_ table: StateTable, _ key: [UInt8]) -> [UInt8]? { nil }
    public func scan(_ table: StateTable, prefix: [UInt8], from start: [UInt8]?, _ visit: ([UInt8], [UInt8]) -> Bool) {}
}
