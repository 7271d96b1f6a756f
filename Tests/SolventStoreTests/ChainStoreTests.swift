import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventStore
import SolventTestSupport
import Testing

/// The store alone: tables, formats, atomic writes, the commit of a prepared block, revert and
/// the home lock. Nothing here executes a transaction: blocks are written as given.
@Suite struct ChainStoreTests {
    @Test func namedTablesExist() throws {
        let dir = StoreFixtures.temporaryDirectory()
        defer { StoreFixtures.remove(dir) }
        let store = try StoreFixtures.initialize(dir)
        let counts = try store.environment.read { txn in try Tables.all.map { ($0, try txn.entryCount($0)) } }
        #expect(counts.map(\.0) == ["params", "assets", "accounts", "vaults", "oracle_config", "oracle_prices",
                                     "perp_markets", "positions", "orders", "order_ids", "owner_orders", "protocol",
                                     "market_positions", "liquidation_marks", "insurance_log", "auctions", "meta", "blocks", "block_hashes", "txs", "receipts", "changesets", "block_events",
                                     "mempool"])
        // dev0 ... dev9, admin, oracle-relayer.
        #expect(counts.first { $0.0 == "accounts" }?.1 == 12)
        #expect(counts.first { $0.0 == "oracle_prices" }?.1 == 7)   // three prices, four volatility feeds (two of them dated)
        #expect(counts.first { $0.0 == "assets" }?.1 == 4)   // USDC, BTC, ETH, SUSDC
        #expect(counts.first { $0.0 == "mempool" }?.1 == 0)
    }

    @Test func refusesAForeignOrNewerStore() throws {
        let dir = StoreFixtures.temporaryDirectory()
        defer { StoreFixtures.remove(dir) }
        #expect(throws: StoreError.self) { try ChainStore.open(directory: dir) }
        _ = try StoreFixtures.initialize(dir)
        #expect(throws: StoreError.self) { try StoreFixtures.initialize(dir) }
    }

    /// An error thrown halfway through a write transaction rolls back everything written before it.
    @Test func anAbortedWriteIsInvisible() throws {
        let dir = StoreFixtures.temporaryDirectory()
        defer { StoreFixtures.remove(dir) }
        let store = try StoreFixtures.initialize(dir)
        let before = try store.head()
        struct Crash: Error {}
        #expect(throws: Crash.self) {
            try store.environment.write { txn in
                try txn.put(Tables.meta, Array("height".utf8), [0, 0, 0, 0, 0, 0, 0, 9])
                try txn.put(StateTable.accounts.name, [UInt8](repeating: 1, count: 32), [1])
                throw Crash()
            }
        }
        #expect(try store.head() == before)
        let check = try store.recomputeStateHash()
        #expect(check.stored == check.recomputed)
    }

    @Test func theHomeLockIsExclusiveAndNamesItsHolder() throws {
        let dir = StoreFixtures.temporaryDirectory()
        defer { StoreFixtures.remove(dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/node.lock"
        let lock = try HomeLock.acquire(file: file, home: dir, command: "start")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "\(getpid())\nstart\n")
        do {
            _ = try HomeLock.acquire(file: file, home: dir, command: "replay")
            Issue.record("a second holder got the lock")
        } catch let error as StoreError {
            #expect(error.code == .homeInUse)
            #expect(error.description == "home_in_use: \(dir) is held by a running solventd (pid \(getpid()), solventd start); "
                    + "stop it first, or use another home")
        }
        lock.release()
        let again = try HomeLock.acquire(file: file, home: dir, command: "replay")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "\(getpid())\nreplay\n")
        again.release()
    }

    /// A prepared block commits onto the head it was prepared on and only there; a revert puts
    /// back exactly the state and head it had before.
    @Test func aBlockCommitsOntoItsParentOnlyAndRevertUndoesIt() throws {
        let dir = StoreFixtures.temporaryDirectory()
        defer { StoreFixtures.remove(dir) }
        let store = try StoreFixtures.initialize(dir)
        let genesisHead = try store.head()
        let key = StateKey(.accounts, [UInt8](repeating: 7, count: 32))
        let (before, stateHash) = try store.withHeadState { state, _, hash in (state.get(.accounts, key.key), hash) }
        #expect(before == nil)
        let change = StateChange(key: key, old: nil, new: [1, 2, 3])
        var after = stateHash
        after.apply(change)
        let header = BlockHeader(chainId: store.genesis.chainId, height: 1, timeMs: genesisHead.timeMs + 1,
                                 previousHash: genesisHead.blockHash, txCount: 0, txRoot: MerkleRoot.of([]),
                                 receiptsRoot: MerkleRoot.of([]), appHash: after.appHash, proposer: Address(DevnetKeys.validator().publicKey))
        let write = BlockWrite(block: Block(header: header, signature: [UInt8](repeating: 0, count: 64), transactions: []),
                               receipts: [], blockEvents: nil, changes: [change], stateHash: after)
        let head = try store.commit(write, onto: genesisHead)
        #expect(head.height == 1 && head.appHash == after.appHash)
        #expect(try store.head() == head)
        #expect(try store.withState { state, _ in state.get(.accounts, key.key) } == [1, 2, 3])

        #expect(throws: StoreError.self) { try store.commit(write, onto: genesisHead) }
        #expect(try store.head() == head)

        #expect(try store.revert(to: 0) == genesisHead)
        #expect(try store.withState { state, _ in state.get(.accounts, key.key) } == nil)
        #expect(try store.block(at: 1) == nil && store.changes(at: 1) == nil)
        let check = try store.recomputeStateHash()
        #expect(check.stored == check.recomputed && check.recomputed.appHash == genesisHead.appHash)
    }
}
