import Foundation
import SolventCore
import SolventCrypto

public struct StoreError: Error, CustomStringConvertible {
    public let message: String
    /// A stable code for failures a user must act on differently (`home_in_use`); nil for the rest.
    public let code: String?
    public init(_ message: String, code: String? = nil) {
        self.message = message
        self.code = code
    }
    public var description: String { code.map { "\($0): \(message)" } ?? message }
}

/// The chain's head: the last committed block (height 0 is the genesis state).
public struct ChainHead: Sendable, Equatable {
    public let height: UInt64
    /// Hash of the last block's header; 32 zero bytes at genesis.
    public let blockHash: Bytes32
    public let timeMs: UInt64
    public let appHash: Bytes32

    public init(height: UInt64, blockHash: Bytes32, timeMs: UInt64, appHash: Bytes32) {
        self.height = height
        self.blockHash = blockHash
        self.timeMs = timeMs
        self.appHash = appHash
    }
}

/// A block as committed, with what clients need to see of it.
public struct CommittedBlock: Sendable {
    public let block: Block
    /// Events of the block's own work (funding), before its transactions.
    public let blockEvents: [Event]
    public let receipts: [Receipt]
    public let transactions: [SignedTransaction]
    /// Whether executing the block depended on its time or height (see `FinalizedBlock`).
    public let contextDependent: Bool
    /// Every state entry the block changed, sorted by (table, key).
    public let changes: [StateChange]
    public var hash: Bytes32 { block.hash }
    public var height: UInt64 { block.header.height }
}

/// Solvent's LMDB store: state tables (one entry per entity) beside the chain's history. Every
/// block is executed and committed inside one LMDB write transaction: its state changes, the block,
/// its receipts, its transaction index entries, its changeset and the new head are written
/// together or not at all, so a crash at any instant leaves the previous block or this one.
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
    public let genesis: Genesis
    public let stateMachine: StateMachine
    public let validator: Address

    private init(environment: LMDBEnvironment, genesis: Genesis) throws {
        guard let validator = genesis.validatorAddress else { throw StoreError("stored genesis has no valid validator key") }
        self.environment = environment
        self.genesis = genesis
        self.stateMachine = StateMachine(chainId: genesis.chainId)
        self.validator = validator
    }

    public static func exists(directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/data.mdb")
    }

    /// Creates a data directory holding the genesis state (height 0).
    public static func initialize(directory: String, genesis: Genesis, mapSize: Int = 64 << 30) throws -> ChainStore {
        guard !exists(directory: directory) else { throw StoreError("\(directory) already holds a chain") }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let (changes, stateHash) = try StateMachine.initChain(genesis)
        let env = try LMDBEnvironment(path: directory, tableNames: Tables.all, mapSize: mapSize)
        let genesisJSON = try GenesisFile.encode(genesis)
        try env.write { txn in
            for change in changes {
                if let new = change.new { try txn.put(change.key.table.name, change.key.key, new) }
            }
            try txn.put(Tables.meta, MetaKey.formatVersion, withUnsafeBytes(of: formatVersion.bigEndian, Array.init))
            try txn.put(Tables.meta, MetaKey.chainId, Array(genesis.chainId.utf8))
            try txn.put(Tables.meta, MetaKey.genesis, genesisJSON)
            try Self.writeHead(txn, ChainHead(height: 0, blockHash: .zero, timeMs: genesis.genesisTimeMs,
                                              appHash: stateHash.appHash), stateHash)
        }
        return try ChainStore(environment: env, genesis: genesis)
    }

    public static func open(directory: String, readOnly: Bool = false, mapSize: Int = 64 << 30) throws -> ChainStore {
        guard exists(directory: directory) else { throw StoreError("no chain data in \(directory) (run `solventd init` first)") }
        let env = try LMDBEnvironment(path: directory, tableNames: Tables.all, optionalTables: Tables.addedLater,
                                      mapSize: mapSize, readOnly: readOnly)
        let (version, genesisBytes): ([UInt8]?, [UInt8]?) = try env.read { txn in
            (txn.get(Tables.meta, MetaKey.formatVersion), txn.get(Tables.meta, MetaKey.genesis))
        }
        guard let version, version.count == 4 else { throw StoreError("\(directory) is not a Solvent data directory") }
        let v = version.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard v == formatVersion else {
            throw StoreError("\(directory) has store format \(v); this build reads format \(formatVersion)")
        }
        guard let genesisBytes else { throw StoreError("\(directory) has no genesis") }
        return try ChainStore(environment: env, genesis: try GenesisFile.decode(genesisBytes))
    }

    // MARK: Head

    public func head() throws -> ChainHead {
        try environment.read { try Self.readHead($0) }
    }

    static func readHead(_ txn: LMDBTransaction) throws -> ChainHead {
        guard let h = txn.get(Tables.meta, MetaKey.height), let hash = txn.get(Tables.meta, MetaKey.headHash),
              let time = txn.get(Tables.meta, MetaKey.headTime), let app = txn.get(Tables.meta, MetaKey.appHash) else {
            throw StoreError("the store has no head")
        }
        return ChainHead(height: Keys.readHeight(h), blockHash: Bytes32(hash)!, timeMs: Keys.readHeight(time),
                         appHash: Bytes32(app)!)
    }

    static func readStateHash(_ txn: LMDBTransaction) throws -> StateHash {
        guard let bytes = txn.get(Tables.meta, MetaKey.stateHash), let hash = StateHash(bytes: bytes) else {
            throw StoreError("the store has no state hash")
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

    // MARK: Producing and applying blocks

    /// Executes `transactions` as the next block at `timeMs`, signs it with `proposerKey` and
    /// commits it in one write transaction; the same transaction removes `journalKeys` (the
    /// mempool journal entries of `transactions`), so a transaction is never both in a block and in
    /// the journal, nor in neither.
    ///
    /// The block executes in a read transaction on the head's state and only its writes happen in
    /// the write transaction, which first checks that the head is still the one executed on. The
    /// producer is the only writer of state, so the outcome is the one execution inside the write
    /// transaction would give, while the mempool journal's writes (LMDB has one writer at a time)
    /// wait only for the block's writes, not for its execution.
    public func produceBlock(transactions: [VerifiedTransaction], journalKeys: [UInt64] = [], timeMs: UInt64,
                             proposerKey: PrivateKey) throws -> CommittedBlock {
        let proposer = Address(proposerKey.publicKey)
        guard proposer == validator else { throw StoreError("the proposer key is not this chain's validator") }
        let (head, finalized) = try environment.read { txn in
            let head = try Self.readHead(txn)
            guard timeMs > head.timeMs else {
                throw StoreError("block time \(timeMs) must be after the previous block's \(head.timeMs)")
            }
            let context = BlockContext(height: head.height + 1, timeMs: timeMs, proposer: proposer)
            return (head, stateMachine.finalizeBlock(context, transactions: transactions, state: TransactionState(txn: txn),
                                                     previousStateHash: try Self.readStateHash(txn)))
        }
        let header = BlockHeader(
            chainId: genesis.chainId, height: head.height + 1, timeMs: timeMs, previousHash: head.blockHash,
            txCount: UInt32(transactions.count), txRoot: finalized.txRoot, receiptsRoot: finalized.receiptsRoot,
            appHash: finalized.appHash, proposer: proposer)
        let block = Block(header: header, signature: proposerKey.sign(header.signBytes),
                          transactions: transactions.map(\.signed.bytes))
        try environment.write { txn in
            guard try Self.readHead(txn) == head else {
                throw StoreError("the head moved while block \(header.height) was executed; it was not committed")
            }
            try write(block, finalized, txn)
            try Self.removeFromJournal(journalKeys, txn)
        }
        return CommittedBlock(block: block, blockEvents: finalized.blockEvents, receipts: finalized.receipts,
                              transactions: transactions.map(\.signed),
                              contextDependent: finalized.contextDependent, changes: finalized.changes)
    }

    /// Validates `block` against the head (ProcessProposal), re-executes it and commits it only if
    /// the resulting app hash and receipts root equal the ones its header carries. This is how
    /// replay verifies a chain.
    public func applyBlock(_ block: Block) throws -> CommittedBlock {
        try environment.write { txn in
            let head = try Self.readHead(txn)
            let verified: [VerifiedTransaction]
            switch stateMachine.processProposal(block, parentHash: head.blockHash, parentHeight: head.height,
                                                parentTimeMs: head.timeMs, validator: validator) {
            case .success(let txs): verified = txs
            case .failure(let error): throw StoreError("block \(block.header.height) rejected: \(error)")
            }
            let context = BlockContext(height: block.header.height, timeMs: block.header.timeMs, proposer: block.header.proposer)
            let finalized = stateMachine.finalizeBlock(context, transactions: verified, state: TransactionState(txn: txn),
                                                       previousStateHash: try Self.readStateHash(txn))
            guard finalized.appHash == block.header.appHash else {
                throw StoreError("block \(block.header.height): app hash mismatch (header \(block.header.appHash), re-executed \(finalized.appHash))")
            }
            guard finalized.receiptsRoot == block.header.receiptsRoot else {
                throw StoreError("block \(block.header.height): receipts root mismatch")
            }
            try write(block, finalized, txn)
            return CommittedBlock(block: block, blockEvents: finalized.blockEvents, receipts: finalized.receipts,
                                  transactions: verified.map(\.signed),
                                  contextDependent: finalized.contextDependent, changes: finalized.changes)
        }
    }

    private func write(_ block: Block, _ finalized: FinalizedBlock, _ txn: LMDBTransaction) throws {
        let h = block.header.height
        for change in finalized.changes {
            if let new = change.new {
                try txn.put(change.key.table.name, change.key.key, new)
            } else {
                try txn.delete(change.key.table.name, change.key.key)
            }
        }
        try txn.put(Tables.blocks, Keys.height(h), block.encoded(), append: true)
        try txn.put(Tables.blockHashes, block.hash.bytes, Keys.height(h))
        for (i, receipt) in finalized.receipts.enumerated() {
            let location = Keys.receipt(h, UInt32(i))
            if txn.get(Tables.txs, receipt.txHash.bytes) == nil {
                try txn.put(Tables.txs, receipt.txHash.bytes, location)
            }
            try txn.put(Tables.receipts, location, receipt.encoded(), append: true)
        }
        try txn.put(Tables.changesets, Keys.height(h), Changeset.encode(finalized.changes), append: true)
        if !finalized.blockEvents.isEmpty {
            try txn.put(Tables.blockEvents, Keys.height(h), StateMachine.blockReceipt(finalized.blockEvents).encoded(), append: true)
        }
        try Self.writeHead(txn, ChainHead(height: h, blockHash: block.hash, timeMs: block.header.timeMs,
                                          appHash: finalized.appHash), finalized.stateHash)
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
            guard height <= head.height else { throw StoreError("height \(height) is above the head \(head.height)") }
            var hash = try Self.readStateHash(txn)
            var h = head.height
            while h > height {
                guard let blockBytes = txn.get(Tables.blocks, Keys.height(h)), let changes = txn.get(Tables.changesets, Keys.height(h)) else {
                    throw StoreError("block \(h) or its changeset is missing")
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
                guard let bytes = txn.get(Tables.blocks, Keys.height(height)) else { throw StoreError("block \(height) is missing") }
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
                throw StoreError("transaction index points at a missing block \(height)")
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
    func get(_ table: StateTable, _ key: [UInt8]) -> [UInt8]? { txn.get(table.name, key) }
}

extension TransactionState {
    func scan(_ table: StateTable, prefix: [UInt8], from start: [UInt8]?, _ visit: ([UInt8], [UInt8]) -> Bool) {
        do {
            try txn.scan(table.name, prefix: prefix, from: start, visit)
        } catch {
            fatalError("state is unreadable: scanning \(table.name) failed (\(error))")
        }
    }
}
