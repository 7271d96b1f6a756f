import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventEngine
import SolventStore
import SolventTestSupport
import Testing

/// The mempool journal and the block commit (storage.md, "The mempool journal").
@Suite struct JournalTests {
    let validator = DevnetKeys.validator()

    @Test func aBlockTakesItsTransactionsOutOfTheJournalInItsOwnCommit() throws {
        let dir = EngineFixtures.temporaryDirectory()
        defer { EngineFixtures.remove(dir) }
        let genesis = EngineFixtures.genesis(accounts: 4)
        let engine = try ChainEngine.create(directory: dir, genesis: genesis)
        let store = engine.store
        #expect(try store.journal().isEmpty && store.nextJournalKey() == 0)
        var rng = SplitMix64(seed: 5)
        var nonces = [UInt64](repeating: 0, count: 4)
        let txs = EngineFixtures.randomBlock(&rng, accounts: 4, size: 5, nonces: &nonces, chainId: genesis.chainId)
        let entries = txs.enumerated().map { JournalEntry(key: UInt64(10 + $0.offset), acceptedHeight: 0, transaction: $0.element.signed.bytes) }
        try store.updateJournal(adding: entries, removing: [])
        #expect(try store.journal() == entries)
        #expect(try store.nextJournalKey() == 15)

        // A block that fails (its time is not after the head's) removes nothing.
        #expect(throws: EngineError.self) {
            try engine.produceBlock(transactions: Array(txs.prefix(3)), journalKeys: [10, 11, 12], timeMs: genesis.genesisTimeMs,
                                    proposerKey: validator)
        }
        #expect(try store.journal() == entries)

        // The block with the first three removes exactly their entries.
        _ = try engine.produceBlock(transactions: Array(txs.prefix(3)), journalKeys: [10, 11, 12],
                                    timeMs: genesis.genesisTimeMs + 1000, proposerKey: validator)
        #expect(try store.journal() == Array(entries.suffix(2)))
        try store.updateJournal(adding: [], removing: [13, 99])
        #expect(try store.journal() == [entries[4]])
    }
}
