import SolventCore

/// The LMDB named databases of a Solvent data directory (contracts-spec/storage.md). State tables
/// are named after `StateTable`; the rest hold history and bookkeeping.
public enum Tables {
    /// Chain identity and head: chain_id, genesis, height, head_hash, head_time, app_hash, state_hash.
    public static let meta = "meta"
    /// height (u64 BE) -> encoded block.
    public static let blocks = "blocks"
    /// block hash -> height (u64 BE).
    public static let blockHashes = "block_hashes"
    /// transaction hash -> height (u64 BE) || index (u32 BE).
    public static let txs = "txs"
    /// height (u64 BE) || index (u32 BE) -> encoded receipt.
    public static let receipts = "receipts"
    /// height (u64 BE) -> the block's state changes with old and new values (an undo log).
    public static let changesets = "changesets"
    /// height (u64 BE) -> the block receipt (events of the block's own work, such as funding);
    /// only for blocks that have one.
    public static let blockEvents = "block_events"

    public static let history = [meta, blocks, blockHashes, txs, receipts, changesets, blockEvents]

    /// The mempool journal: journal key (u64 BE) -> accepted-at height (u64 BE) || signed
    /// transaction bytes, for every transaction the node accepted and has not yet put in a block
    /// (storage.md, "The mempool journal"). Node bookkeeping: neither state nor history.
    public static let mempool = "mempool"

    public static var all: [String] { StateTable.allCases.map(\.name) + history + [mempool] }
    /// Tables a store written before they existed may lack: created when the store is next opened
    /// for writing, skipped when it is opened read-only.
    static let addedLater: Set<String> = [mempool]
}

enum MetaKey {
    static let formatVersion = Array("format_version".utf8)
    static let chainId = Array("chain_id".utf8)
    static let genesis = Array("genesis".utf8)
    static let height = Array("height".utf8)
    static let headHash = Array("head_hash".utf8)
    static let headTime = Array("head_time".utf8)
    static let appHash = Array("app_hash".utf8)
    static let stateHash = Array("state_hash".utf8)
}

/// The store's keys: heights and receipt locations, big-endian so that they sort in chain order.
enum Keys {
    static func height(_ h: UInt64) -> [UInt8] { BigEndianKey.u64(h) }

    static func receipt(_ h: UInt64, _ index: UInt32) -> [UInt8] { height(h) + BigEndianKey.u32(index) }

    static func readHeight(_ bytes: [UInt8], at offset: Int = 0) -> UInt64 { BigEndianKey.readU64(bytes, at: offset) }

    static func readIndex(_ bytes: [UInt8], at offset: Int) -> UInt32 { BigEndianKey.readU32(bytes, at: offset) }
}

extension Array where Element == UInt8 {
    init(u64 v: UInt64) { self = Keys.height(v) }
}
