import Foundation
import SolventCore
import SolventCrypto

/// What one block writes beside its state changes, prepared by whoever executed it (the
/// engine): the store writes it as it is and executes nothing.
public struct BlockWrite: Sendable {
    public let block: Block
    public let receipts: [Receipt]
    /// Their stored encodings, in order (`Receipt.encoded()`).
    public let storedReceipts: [[UInt8]]
    /// The record of the block's own work (funding, settlement), stored when it has events.
    public let blockEvents: Receipt?
    /// Every state entry the block changed, sorted by (table, key).
    public let changes: [StateChange]
    /// The state hash after the block (its app hash is the header's).
    public let stateHash: StateHash

    public init(block: Block, receipts: [Receipt], storedReceipts: [[UInt8]]? = nil, blockEvents: Receipt?, changes: [StateChange],
                stateHash: StateHash) {
        self.block = block
        self.receipts = receipts
        self.storedReceipts = storedReceipts ?? receipts.map { $0.encoded() }
        self.blockEvents = blockEvents
        self.changes = changes
        self.stateHash = stateHash
    }

    var head: ChainHead { ChainHead(after: block) }
}

/// Solvent's LMDB store: state tables (one entry per entity) beside the chain's history. It
/// stores and reads; it executes nothing and holds no key. A block prepared elsewhere is
/// committed inside one LMDB write transaction: its state changes, the block, its receipts, its
/// transaction index entries, its changeset and the new head are written together or not at all,
/// so a crash at any instant leaves the previous block or this one (storage.md, "Atomic commit").
public final class ChainStore: @unchecked Sendable {
    /// 1: accounts and vaults; 2: adds the oracle tables and the admin entry (genesis gains `admin`
    /// and `oracle`); 3: adds the markets (perp_markets, positions, orders, order_ids, owner_orders,
    /// protocol, block_events; new vault and asset records; genesis gains `perps`); 4: adds
    /// liquidations (market_positions, liquidation_marks, insurance_log; genesis gains
    /// `perps.liquidation` and `perps.insurance_fund`); 5: dated futures, options and portfolio
    /// vaults (market records version 2 with the instrument and settlement, vault mode 2, the
    /// `portfolio_settings` record; genesis gains market kinds, volatility feeds and `portfolio`);
    /// 6: the `auctions` table (collateral auctions); 7: receipts hold typed event values and keep
    /// the message after the committed encoding, out of the receipts root (storage.md, "Store
    /// format version").
    public static let formatVersion: UInt32 = 7

    public let environment: LMDBEnvironment
    /// The genesis document the chain was created from, as stored in `meta/genesis`.
    public let genesis: Genesis

    private init(environment: LMDBEnvironment, genesis: Genesis) {
        self.environment = environment
        self.genesis = genesis
    }

    public static func exists(directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/data.mdb")
    }

    /// Creates a data directory holding the genesis state (height 0): `changes` are the genesis
    /// state's entries and `stateHash` their hash, both computed by the caller from `genesis`.
    public static func initialize(directory: String, genesis: Genesis, changes: [StateChange], stateHash: StateHash,
                                  mapSize: Int = 64 << 30) throws -> ChainStore {
        guard !exists(directory: directory) else { throw StoreError(.chainExists, "\(directory) already holds a chain") }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let env = try LMDBEnvironment(path: directory, tableNames: Tables.all, mapSize: mapSize)
        numberStateTables(env)
        let genesisJSON = try GenesisFile.encode(genesis)
        try env.write { txn in
            for change in changes {
                if let new = change.new { try txn.put(change.key.table.name, change.key.key, new) }
            }
            try txn.put(Tables.meta, MetaKey.formatVersion, BigEndianKey.u32(formatVersion))
            try txn.put(Tables.meta, MetaKey.chainId, Array(genesis.chainId.utf8))
            try txn.put(Tables.meta, MetaKey.genesis, genesisJSON)
            try Self.writeHead(txn, ChainHead(height: 0, blockHash: .zero, timeMs: genesis.genesisTimeMs,
                                              appHash: stateHash.appHash), stateHash)
        }
        return ChainStore(environment: env, genesis: genesis)
    }

    public static func open(directory: String, readOnly: Bool = false, mapSize: Int = 64 << 30) throws -> ChainStore {
        guard exists(directory: directory) else { throw StoreError(.noChain, "no chain data in \(directory) (run `solventd init` first)") }
        let env = try LMDBEnvironment(path: directory, tableNames: Tables.all, optionalTables: Tables.addedLater,
                                      mapSize: mapSize, readOnly: readOnly)
        numberStateTables(env)
        let (version, genesisBytes): ([UInt8]?, [UInt8]?) = try env.read { txn in
            (txn.get(Tables.meta, MetaKey.formatVersion), txn.get(Tables.meta, MetaKey.genesis))
        }
        guard let version, version.count == 4 else { throw StoreError(.formatMismatch, "\(directory) is not a Solvent data directory") }
        let v = BigEndianKey.readU32(version)
        guard v == formatVersion else {
            throw StoreError(.formatMismatch, "\(directory) has store format \(v); this build reads format \(formatVersion)")
        }
        guard let genesisBytes else { throw StoreError(.corrupt, "\(directory) has no genesis") }
        return ChainStore(environment: env, genesis: try GenesisFile.decode(genesisBytes))
    }

    // MARK: Head

    public func head() throws -> ChainHead {
        try environment.read { try Self.readHead($0) }
    }

    static func readHead(_ txn: LMDBTransaction) throws -> ChainHead {
        guard let h = txn.get(Tables.meta, MetaKey.height), let hash = txn.get(Tables.meta, MetaKey.headHash),
              let time = txn.get(Tables.meta, MetaKey.headTime), let app = txn.get(Tables.meta, MetaKey.appHash) else {
            throw StoreError(.corrupt, "the store has no head")
        }
        return ChainHead(height: Keys.readHeight(h), blockHash: Bytes32(hash)!, timeMs: Keys.readHeight(time),
                         appHash: Bytes32(app)!)
    }

    static func readStateHash(_ txn: LMDBTransaction) throws -> StateHash {
        guard let bytes = txn.get(Tables.meta, MetaKey.stateHash), let hash = StateHash(bytes: bytes) else {
            throw StoreError(.corrupt, "the store has no state hash")
        }
        return hash
    }

    static func writeHead(_ txn: LMDBTransaction, _ head: ChainHead, _ stateHash: StateHash) throws {
        try txn.put(Tables.meta, MetaKey.height, Keys.height(head.height))
        try txn.put(Tables.meta, MetaKey.headHash, head.blockHash.bytes)
        try txn.put(Tables.meta, MetaKey.headTime, Keys.height(head.timeMs))
        try txn.put(Tables.meta, MetaKey.appHash, head.appHash.bytes)
        try txn.put(Tables.meta, MetaKey.stateHash, stateHash.bytes)
    }

    // MARK: Committing blocks

    /// Commits `write` as the block after `parent` in one write transaction, which first checks
    /// that the head is still `parent` (the block was executed on it); the same transaction
    /// removes `journalKeys` (the mempool journal entries of the block's transactions), so a
    /// transaction is never both in a block and in the journal, nor in neither. Returns the new
    /// head.
    ///
    /// Execution happens before, on a read snapshot (`withHeadState`), so the mempool journal's
    /// writes (LMDB has one writer at a time) wait only for the block's writes.
    @discardableResult
    public func commit(_ write: BlockWrite, onto parent: ChainHead, journalKeys: [UInt64] = []) throws -> ChainHead {
        try environment.write { txn in
            guard try Self.readHead(txn) == parent else {
                throw StoreError(.headMoved, "the head moved while block \(write.block.header.height) was executed; it was not committed")
            }
            try self.write(write, txn)
            try Self.removeFromJournal(journalKeys, txn)
        }
        return write.head
    }

    private func write(_ write: BlockWrite, _ txn: LMDBTransaction) throws {
        let h = write.block.header.height
        for change in write.changes {
            try txn.set(numbered: change.key.table.rawValue, name: change.key.table.name, change.key.key, change.new)
        }
        try txn.put(Tables.blocks, Keys.height(h), write.block.encoded(), append: true)
        try txn.put(Tables.blockHashes, write.block.hash.bytes, Keys.height(h))
        for (i, receipt) in write.receipts.enumerated() {
            let location = Keys.receipt(h, UInt32(i))
            if txn.get(Tables.txs, receipt.txHash.bytes) == nil {
                try txn.put(Tables.txs, receipt.txHash.bytes, location)
            }
            try txn.put(Tables.receipts, location, write.storedReceipts[i], append: true)
        }
        try txn.put(Tables.changesets, Keys.height(h), Changeset.encode(write.changes), append: true)
        if let blockEvents = write.blockEvents {
            try txn.put(Tables.blockEvents, Keys.height(h), blockEvents.encoded(), append: true)
        }
        try Self.writeHead(txn, write.head, write.stateHash)
    }

    // MARK: Reverting (devnet)

    /// Takes the chain back to `height` in one write transaction: every later block's state
    /// changes are undone from its changeset (old values put back, newly created entries
    /// deleted), and its block, hash index, transaction index, receipts, changeset and block
    /// receipt are removed; the head becomes block `height`'s. What is left is exactly the store
    /// the chain had at `height`, so `solventd replay` verifies it. Devnet only (storage.md,
    /// "Reverting").
    public func revert(to height: UInt64) throws -> ChainHead {
        try environment.write { txn in
            let head = try Self.readHead(txn)
            guard height <= head.height else { throw StoreError(.noSuchHeight, "height \(height) is above the head \(head.height)") }
            var hash = try Self.readStateHash(txn)
            var h = head.height
            while h > height {
                guard let blockBytes = txn.get(Tables.blocks, Keys.height(h)), let changes = txn.get(Tables.changesets, Keys.height(h)) else {
                    throw StoreError(.corrupt, "block \(h) or its changeset is missing")
                }
                let block = try Block.decode(blockBytes)
                for change in try Changeset.decode(changes).reversed() {
                    if let old = change.old {
                        try txn.put(change.key.table.name, change.key.key, old)
                    } else {
                        try txn.delete(change.key.table.name, change.key.key)
                    }
                    hash.apply(StateChange(key: change.key, old: change.new, new: change.old))
                }
                var index: UInt32 = 0
                while let receiptBytes = txn.get(Tables.receipts, Keys.receipt(h, index)) {
                    let receipt = try Receipt.decode(receiptBytes)
                    // The index keeps a transaction's first inclusion: remove it only if it is this one.
                    if txn.get(Tables.txs, receipt.txHash.bytes) == Keys.receipt(h, index) { try txn.delete(Tables.txs, receipt.txHash.bytes) }
                    try txn.delete(Tables.receipts, Keys.receipt(h, index))
                    index += 1
                }
                try txn.delete(Tables.blockHashes, block.hash.bytes)
                try txn.delete(Tables.blocks, Keys.height(h))
                try txn.delete(Tables.changesets, Keys.height(h))
                if txn.get(Tables.blockEvents, Keys.height(h)) != nil { try txn.delete(Tables.blockEvents, Keys.height(h)) }
                h -= 1
            }
            let newHead: ChainHead
            if height == 0 {
                newHead = ChainHead(height: 0, blockHash: .zero, timeMs: genesis.genesisTimeMs, appHash: hash.appHash)
            } else {
                guard let bytes = txn.get(Tables.blocks, Keys.height(height)) else { throw StoreError(.corrupt, "block \(height) is missing") }
                let block = try Block.decode(bytes)
                newHead = ChainHead(height: height, blockHash: block.hash, timeMs: block.header.timeMs, appHash: hash.appHash)
            }
            try Self.writeHead(txn, newHead, hash)
            return newHead
        }
    }

    // MARK: Reading

    /// Runs `body` against one consistent snapshot of the committed state.
    public func withState<T>(_ body: (any StateReader, ChainHead) throws -> T) throws -> T {
        try environment.read { txn in try body(TransactionState(txn: txn), try Self.readHead(txn)) }
    }

    /// Runs `body` against one consistent snapshot of the committed state, its head and its
    /// state hash: what executing the next block starts from.
    public func withHeadState<T>(_ body: (any StateReader, ChainHead, StateHash) throws -> T) throws -> T {
        try environment.read { txn in try body(TransactionState(txn: txn), try Self.readHead(txn), try Self.readStateHash(txn)) }
    }

    /// Runs `body` against `count` snapshots that all show the same committed state (one per
    /// thread, for reads spread across cores; LMDB read transactions are not to be shared between
    /// threads at once). A block committed while they were being opened has them opened again.
    public func withStates<T>(_ count: Int, _ body: ([StateSnapshot], ChainHead) throws -> T) throws -> T {
        while true {
            let snapshots = try (0..<max(count, 1)).map { _ in try snapshot() }
            defer { snapshots.forEach { $0.close() } }
            let heads = try snapshots.map { try $0.head() }
            if heads.allSatisfy({ $0.blockHash == heads[0].blockHash }) { return try body(snapshots, heads[0]) }
        }
    }

    /// A snapshot of the committed state that stays open until `close()` (or deinit); the mempool
    /// checks admissions against one.
    public func snapshot() throws -> StateSnapshot { try StateSnapshot(environment: environment) }

    public func block(at height: UInt64) throws -> Block? {
        try environment.read { txn in
            try txn.get(Tables.blocks, Keys.height(height)).map { try Block.decode($0) }
        }
    }

    public func height(ofBlockHash hash: Bytes32) throws -> UInt64? {
        try environment.read { txn in txn.get(Tables.blockHashes, hash.bytes).map { Keys.readHeight($0) } }
    }

    public func receipts(at height: UInt64) throws -> [Receipt] {
        try environment.read { txn in
            var out = [Receipt]()
            var failure: (any Error)?
            try txn.scan(Tables.receipts, prefix: Keys.height(height)) { _, value in
                do { out.append(try Receipt.decode(value)) } catch { failure = error; return false }
                return true
            }
            if let failure { throw failure }
            return out
        }
    }

    /// The events of the block's own work at `height` (empty for most blocks).
    public func blockEvents(at height: UInt64) throws -> [Event] {
        try environment.read { txn in try txn.get(Tables.blockEvents, Keys.height(height)).map { try Receipt.decode($0).events } ?? [] }
    }

    public struct TransactionRecord: Sendable {
        public let height: UInt64
        public let index: UInt32
        public let transaction: SignedTransaction
        public let receipt: Receipt
        public let blockTimeMs: UInt64
    }

    public func transaction(hash: Bytes32) throws -> TransactionRecord? {
        try environment.read { txn in
            guard let location = txn.get(Tables.txs, hash.bytes) else { return nil }
            let height = Keys.readHeight(location)
            let index = Keys.readIndex(location, at: 8)
            guard let blockBytes = txn.get(Tables.blocks, Keys.height(height)),
                  let receiptBytes = txn.get(Tables.receipts, location) else {
                throw StoreError(.corrupt, "transaction index points at a missing block \(height)")
            }
            let block = try Block.decode(blockBytes)
            return TransactionRecord(height: height, index: index,
                                     transaction: try TxCodec.decode(block.transactions[Int(index)]),
                                     receipt: try Receipt.decode(receiptBytes), blockTimeMs: block.header.timeMs)
        }
    }

    public func isCommitted(_ hash: Bytes32) throws -> Bool {
        try environment.read { txn in txn.get(Tables.txs, hash.bytes) != nil }
    }

    public func changes(at height: UInt64) throws -> [StateChange]? {
        try environment.read { txn in try txn.get(Tables.changesets, Keys.height(height)).map { try Changeset.decode($0) } }
    }

    public func assets() throws -> [Asset] {
        try environment.read { txn in
            var out = [Asset]()
            try txn.scan(StateTable.assets.name) { key, value in
                let id = Keys.readIndex(key, at: 0)
                if let asset = try? Asset.decode(id: id, value) { out.append(asset) }
                return true
            }
            return out
        }
    }

    /// Every oracle market record, in id order.
    public func oracleMarkets() throws -> [OracleMarket] {
        try environment.read { txn in
            var out = [OracleMarket]()
            try txn.scan(StateTable.oraclePrices.name) { key, value in
                if let m = try? OracleMarket.decode(id: Keys.readIndex(key, at: 0), value) { out.append(m) }
                return true
            }
            return out
        }
    }

    /// The owner's vaults in number order.
    public func vaults(of owner: Address) throws -> [(UInt32, Vault)] {
        try environment.read { txn in
            var out = [(UInt32, Vault)]()
            try txn.scan(StateTable.vaults.name, prefix: owner.key.bytes) { key, value in
                if let vault = try? Vault.decode(value) { out.append((Keys.readIndex(key, at: 32), vault)) }
                return true
            }
            return out
        }
    }

    /// Recomputes the state hash from every entry of every state table (not from history) and
    /// compares it with the stored one; `solventd replay` ends with this check.
    public func recomputeStateHash() throws -> (stored: StateHash, recomputed: StateHash, entries: Int) {
        try environment.read { txn in
            var hash = StateHash()
            var entries = 0
            for table in StateTable.allCases {
                try txn.scan(table.name) { key, value in
                    hash.insert(table, key, value)
                    entries += 1
                    return true
                }
            }
            return (try Self.readStateHash(txn), hash, entries)
        }
    }
}

/// The state as seen inside one LMDB transaction (inside a write transaction it includes that
/// transaction's own writes).
struct TransactionState: StateReader {
    let txn: LMDBTransaction
    func get(_ table: StateTable, _ key: [UInt8]) -> [UInt8]? { txn.get(numbered: table.rawValue, key) }
}

extension TransactionState {
    func scan(_ table: StateTable, prefix: [UInt8], from start: [UInt8]?, _ visit: ([UInt8], [UInt8]) -> Bool) {
        do {
            try txn.scan(numbered: table.rawValue, name: table.name, prefix: prefix, from: start, visit)
        } catch {
            fatalError("state is unreadable: scanning \(table.name) failed (\(error))")
        }
    }
}

/// State reads find a table by its raw value, not its name.
private func numberStateTables(_ env: LMDBEnvironment) {
    for table in StateTable.allCases { env.number(table.name, as: table.rawValue) }
}
