import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventEngine
import SolventStore
import SolventTestSupport
import Testing

/// Blocks produced by the engine and committed by the store, read back after reopening.
@Suite struct ChainEngineTests {
    let validator = DevnetKeys.validator()

    @Test func blocksSurviveReopeningWithEverythingIndexed() throws {
        let dir = EngineFixtures.temporaryDirectory()
        defer { EngineFixtures.remove(dir) }
        let genesis = EngineFixtures.genesis(accounts: 20)
        var rng = SplitMix64(seed: 7)
        var nonces = [UInt64](repeating: 0, count: 20)
        var committed = [CommittedBlock]()
        do {
            let engine = try ChainEngine.create(directory: dir, genesis: genesis)
            for h in 1...5 {
                let txs = EngineFixtures.randomBlock(&rng, accounts: 20, size: 30, nonces: &nonces, chainId: genesis.chainId)
                committed.append(try engine.produceBlock(transactions: txs, timeMs: genesis.genesisTimeMs + UInt64(h) * 1000, proposerKey: validator))
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

    @Test func blockTimeMustAdvance() throws {
        let dir = EngineFixtures.temporaryDirectory()
        defer { EngineFixtures.remove(dir) }
        let genesis = DevnetKeys.devnetGenesis()
        let engine = try ChainEngine.create(directory: dir, genesis: genesis)
        #expect(throws: EngineError(.invalidBlockTime, "block time \(genesis.genesisTimeMs) must be after the previous block's \(genesis.genesisTimeMs)")) {
            try engine.produceBlock(transactions: [], timeMs: genesis.genesisTimeMs, proposerKey: validator)
        }
        #expect(throws: EngineError(.wrongProposer, "the proposer key is not this chain's validator")) {
            try engine.produceBlock(transactions: [], timeMs: genesis.genesisTimeMs + 1, proposerKey: DevnetKeys.account(0))
        }
        #expect(try engine.store.head().height == 0)
    }
}
