import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventEngine
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
        let dir = EngineFixtures.temporaryDirectory()
        defer { EngineFixtures.remove(dir) }
        let genesis = EngineFixtures.genesis(accounts: 200)
        var rng = SplitMix64(seed: 11)
        var nonces = [UInt64](repeating: 0, count: 200)
        let engine = try ChainEngine.create(directory: dir, genesis: genesis, mapSize: 1 << 20)
        let store = engine.store
        var time = genesis.genesisTimeMs
        var lastGood = try store.head()
        var failure: (any Error)?
        for _ in 0..<200 {
            time += 1000
            var trial = nonces
            let txs = EngineFixtures.randomBlock(&rng, accounts: 200, size: 200, nonces: &trial, chainId: genesis.chainId)
            do {
                _ = try engine.produceBlock(transactions: txs, timeMs: time, proposerKey: validator)
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
        let bigger = try ChainEngine.open(directory: dir, mapSize: 64 << 20)
        #expect(try bigger.store.head() == head)
        _ = try bigger.produceBlock(transactions: EngineFixtures.randomBlock(&rng, accounts: 200, size: 50, nonces: &nonces, chainId: genesis.chainId),
                                    timeMs: time + 1000, proposerKey: validator)
        #expect(try bigger.store.head().height == head.height + 1)
    }
}
