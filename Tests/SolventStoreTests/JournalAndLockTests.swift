import Foundation
import SolventCore
import SolventCrypto
import SolventStore
import SolventTestSupport
import Testing

/// The mempool journal table and the home lock (storage.md, "The mempool journal" and "The home
/// lock").
@Suite struct JournalAndLockTests {
    let validator = DevnetKeys.validator()

    @Test func aBlockTakesItsTransactionsOutOfTheJournalInItsOwnCommit() throws {
        let dir = StoreFixtures.temporaryDirectory()
        defer { StoreFixtures.remove(dir) }
        let genesis = StoreFixtures.genesis(accounts: 4)
        let store = try ChainStore.initialize(directory: dir, genesis: genesis)
        #expect(try store.journal().isEmpty && store.nextJournalKey() == 0)
        var rng = SplitMix64(seed: 5)
        var nonces = [UInt64](repeating: 0, count: 4)
        let txs = StoreFixtures.randomBlock(&rng, accounts: 4, size: 5, nonces: &nonces, chainId: genesis.chainId)
        let entries = txs.enumerated().map { JournalEntry(key: UInt64(10 + $0.offset), acceptedHeight: 0, transaction: $0.element.signed.bytes) }
        try store.updateJournal(adding: entries, removing: [])
        #expect(try store.journal() == entries)
        #expect(try store.nextJournalKey() == 15)

        // A block that fails (its time is not after the head's) removes nothing.
        #expect(throws: StoreError.self) {
            try store.produceBlock(transactions: Array(txs.prefix(3)), journalKeys: [10, 11, 12], timeMs: genesis.genesisTimeMs,
                                   proposerKey: validator)
        }
        #expect(try store.journal() == entries)

        // The block with the first three removes exactly their entries.
        _ = try store.produceBlock(transactions: Array(txs.prefix(3)), journalKeys: [10, 11, 12],
                                   timeMs: genesis.genesisTimeMs + 1000, proposerKey: validator)
        #expect(try store.journal() == Array(entries.suffix(2)))
        try store.updateJournal(adding: [], removing: [13, 99])
        #expect(try store.journal() == [entries[4]])
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
            #expect(error.code == "home_in_use")
            #expect(error.description == "home_in_use: \(dir) is held by a running solventd (pid \(getpid()), solventd start); "
                    + "stop it first, or use another home")
        }
        lock.release()
        let again = try HomeLock.acquire(file: file, home: dir, command: "replay")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "\(getpid())\nreplay\n")
        again.release()
    }
}
