import Foundation
import SolventCore
import SolventCrypto
import SolventStore
import SolventTestSupport
import Testing

@Suite struct ChainStoreTests {
    let validator = DevnetKeys.validator()

    @Test func blocksSurviveReopeningWithEverythingIndexed() throws {
        let dir = StoreFixtures.temporaryDirectory()
        defer { StoreFixtures.remove(dir) }
        let genesis = StoreFixtures.genesis(accounts: 20)
        var rng = SplitMix64(seed: 7)
        var nonces = [UInt64](repeating: 0, count: 20)
        var committed = [CommittedBlock]()
        do {
            let store = try ChainStore.initialize(directory: dir, genesis: genesis)
            for h in 1...5 {
                let txs = StoreFixtures.randomBlock(&rng, accounts: 20, size: 30, nonces: &nonces, chainId: genesis.chainId)
                committed.append(try store.produceBlock(transactions: txs, timeMs: genesis.genesisTimeMs + UInt64(h) * 1000, proposerKey: validator))
            }
        }
        let store = try ChainStore.open(directory: dir)
        let head = try store.head()
        #expect(head.height == 5)
        #expect(head.blockHash == committed.last!.hash)
        #expect(head.appHash == committed.last!.block.header.appHash)
        for c in committed {
            #expect(try store.block(at: c.height) == c.block)
            #expect(try store.receipts(at: c.height) == c.receipts)
            #expect(try store.height(ofBlockHash: c.hash) == c.height)
            #expect(c.block.verifySignature())
            let tx = c.transactions[3]
            let record = try #require(try store.transaction(hash: tx.hash))
            #expect(record.height == c.height && record.index == 3 && record.receipt == c.receipts[3])
            // The changeset is the exact difference the block made.
            let changes = try #require(try store.changes(at: c.height))
            #expect(!changes.isEmpty)
        }
        // Some transactions failed on purpose; they used their nonce and are in the receipts.
        #expect(committed.flatMap(\.receipts).contains { !$0.succeeded })
        let check = try store.recomputeStateHash()
        #expect(check.stored == check.recomputed)
        #expect(check.recomputed.appHash == head.appHash)
    }

    @Test func namedTablesExist() throws {
        let dir = StoreFixtures.temporaryDirectory()
        defer { StoreFixtures.remove(dir) }
        let store = try ChainStore.initialize(directory: dir, genesis: DevnetKeys.devnetGenesis())
        let counts = try store.environment.read { txn in try Tables.all.map { ($0, try txn.entryCount($0)) } }
        #expect(counts.map(\.0) == ["params", "assets", "accounts", "vaults", "oracle_config", "oracle_prices",
                                     "perp_markets", "positions", "orders", "order_ids", "owner_orders", "protocol",
                                     "market_positions", "liquidation_marks", "insurance_log", "auctions", "meta", "blocks", "block_hashes", "txs", "receipts", "changesets", "block_events",
                                     "mempool"])
        // dev0 ... dev9, admin, oracle-relayer.
        #expect(counts.first { $0.0 == "accounts" }?.1 == 12)
        #expect(counts.first { $0.0 == "oracle_prices" }?.1 == 5)   // three prices, two volatility feeds
        #expect(counts.first { $0.0 == "assets" }?.1 == 3)
        #expect(counts.first { $0.0 == "mempool" }?.1 == 0)
    }

    @Test func blockTimeMustAdvance() throws {
        let dir = StoreFixtures.temporaryDirectory()
        defer { StoreFixtures.remove(dir) }
        let genesis = DevnetKeys.devnetGenesis()
        let store = try ChainStore.initialize(directory: dir, genesis: genesis)
        #expect(throws: StoreError.self) { try store.produceBlock(transactions: [], timeMs: genesis.genesisTimeMs, proposerKey: validator) }
        #expect(throws: StoreError.self) { try store.produceBlock(transactions: [], timeMs: genesis.genesisTimeMs + 1, proposerKey: DevnetKeys.account(0)) }
        #expect(try store.head().height == 0)
    }

    @Test func refusesAForeignOrNewerStore() throws {
        let dir = StoreFixtures.temporaryDirectory()
        defer { StoreFixtures.remove(dir) }
        #expect(throws: StoreError.self) { try ChainStore.open(directory: dir) }
        _ = try ChainStore.initialize(directory: dir, genesis: DevnetKeys.devnetGenesis())
        #expect(throws: StoreError.self) { try ChainStore.initialize(directory: dir, genesis: DevnetKeys.devnetGenesis()) }
    }
}
