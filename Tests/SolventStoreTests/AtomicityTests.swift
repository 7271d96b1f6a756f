import Foundation
import SolventCore
import SolventCrypto
import SolventStore
import SolventTestSupport
import Testing

/// A block, its receipts, its state changes and the new head commit in one LMDB transaction:
/// a failure at any point of the commit leaves the store exactly at the previous block.
@Suite struct AtomicityTests {
    let validator = DevnetKeys.validator()

    /// The store runs out of room in the middle of writing a block (LMDB's MDB_MAP_FULL):
    /// nothing of that block is visible, the chain verifies, and with a bigger map it continues.
    @Test func aBlockThatCannotBeWrittenLeavesNoTrace() throws {
        let dir = StoreFixtures.temporaryDirectory()
        defer { StoreFixtures.remove(dir) }
        let genesis = StoreFixtures.genesis(accounts: 200)
        var rng = SplitMix64(seed: 11)
        var nonces = [UInt64](repeating: 0, count: 200)
        let store = try ChainStore.initialize(directory: dir, genesis: genesis, mapSize: 1 << 20)
        var time = genesis.genesisTimeMs
        var lastGood = try store.head()
        var failure: (any Error)?
        for _ in 0..<200 {
            time += 1000
            var trial = nonces
            let txs = StoreFixtures.randomBlock(&rng, accounts: 200, size: 200, nonces: &trial, chainId: genesis.chainId)
            do {
                _ = try store.produceBlock(transactions: txs, timeMs: time, proposerKey: validator)
                nonces = trial
                lastGood = try store.head()
            } catch {
                failure = error
                break
            }
        }
        let error = try #require(failure as? LMDBError, "the 1 MiB map should fill up")
        #expect(error.isMapFull)
        let head = try store.head()
        #expect(head == lastGood)
        #expect(try store.block(at: head.height + 1) == nil)
        #expect(try store.receipts(at: head.height + 1).isEmpty)
        #expect(try store.changes(at: head.height + 1) == nil)
        let check = try store.recomputeStateHash()
        #expect(check.recomputed == check.stored)
        #expect(check.recomputed.appHash == head.appHash)

        // Reopened with room, the chain carries on from the last complete block.
        let bigger = try ChainStore.open(directory: dir, mapSize: 64 << 20)
        #expect(try bigger.head() == head)
        _ = try bigger.produceBlock(transactions: StoreFixtures.randomBlock(&rng, accounts: 200, size: 50, nonces: &nonces, chainId: genesis.chainId),
                                    timeMs: time + 1000, proposerKey: validator)
        #expect(try bigger.head().height == head.height + 1)
    }

    /// An error thrown halfway through a write transaction rolls back everything written before it.
    @Test func anAbortedWriteIsInvisible() throws {
        let dir = StoreFixtures.temporaryDirectory()
        defer { StoreFixtures.remove(dir) }
        let store = try ChainStore.initialize(directory: dir, genesis: DevnetKeys.devnetGenesis())
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
}
