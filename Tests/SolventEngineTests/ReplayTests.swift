import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventEngine
import SolventStore
import SolventTestSupport
import Testing

@Suite struct ReplayTests {
    let validator = DevnetKeys.validator()

    /// Builds a chain of `blocks` random blocks over `accounts` accounts in a node home layout
    /// (HOME/data) and returns the home and the head.
    func buildChain(accounts: Int, blocks: Int, perBlock: Int, seed: UInt64) throws -> (String, ChainHead) {
        let home = EngineFixtures.temporaryDirectory()
        let genesis = EngineFixtures.genesis(accounts: accounts)
        let engine = try ChainEngine.create(directory: home + "/data", genesis: genesis)
        var rng = SplitMix64(seed: seed)
        var nonces = [UInt64](repeating: 0, count: accounts)
        for h in 1...blocks {
            let txs = EngineFixtures.randomBlock(&rng, accounts: accounts, size: perBlock, nonces: &nonces, chainId: genesis.chainId)
            _ = try engine.produceBlock(transactions: txs, timeMs: genesis.genesisTimeMs + UInt64(h) * 500, proposerKey: validator)
        }
        return (home, try engine.store.head())
    }

    /// A chain whose block 2 was replaced, behind the chain's back, by what `change` makes of it,
    /// and its store opened read-only as a replay's source.
    func chain(blocks: Int, perBlock: Int, seed: UInt64, replacingBlock2 change: (Block) -> Block) throws -> (home: String, source: ChainStore) {
        let (home, _) = try buildChain(accounts: 10, blocks: blocks, perBlock: perBlock, seed: seed)
        do {
            let store = try ChainStore.open(directory: home + "/data")
            let block = change(try #require(try store.block(at: 2)))
            try store.environment.write { txn in try txn.put(Tables.blocks, BigEndianKey.u64(2), block.encoded()) }
        }
        return (home, try ChainStore.open(directory: home + "/data", readOnly: true))
    }

    @Test func replayVerifiesEveryBlock() throws {
        let (home, head) = try buildChain(accounts: 50, blocks: 12, perBlock: 40, seed: 3)
        defer { EngineFixtures.remove(home) }
        let source = try ChainStore.open(directory: home + "/data", readOnly: true)
        let target = home + "/replayed"
        var seen = [UInt64]()
        let result = try ChainReplay.run(source: source, into: target) { height, _, _ in seen.append(height) }
        #expect(result.blocks == 12)
        #expect(result.transactions == 12 * 40)
        #expect(result.appHash == head.appHash.hex)
        #expect(seen == Array(1...12))
    }

    /// The same chain re-executed by `solventd replay` in two separate processes: each process
    /// (with its own per-process hash seed) reaches the app hash this process computed.
    @Test func twoProcessesReachTheSameHashes() throws {
        let (home, head) = try buildChain(accounts: 300, blocks: 8, perBlock: 150, seed: 42)
        defer { EngineFixtures.remove(home) }
        let solventd = try Binaries.path("solventd")
        var hashes = [String]()
        for run in 0..<2 {
            let r = try Binaries.run(solventd, ["replay", "--home", home, "--json"])
            #expect(r.status == 0, "replay run \(run) failed: \(r.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            #expect(json?["verified_blocks"] as? Int == 8)
            hashes.append(json?["app_hash"] as? String ?? "")
        }
        #expect(hashes == [head.appHash.hex, head.appHash.hex])
    }

    /// Replay refuses a chain whose stored history was altered.
    @Test func replayCatchesATamperedBlock() throws {
        let (home, source) = try chain(blocks: 3, perBlock: 5, seed: 9) { block in
            // Change one byte of one transaction's amount: its signature no longer verifies.
            var tx = block.transactions[0]
            tx[tx.count - 70] ^= 1
            return Block(header: block.header, signature: block.signature, transactions: [tx] + block.transactions.dropFirst())
        }
        defer { EngineFixtures.remove(home) }
        #expect(throws: EngineError.self) { try ChainReplay.run(source: source, into: home + "/replayed") { _, _, _ in } }
    }

    /// A block signed by the validator whose app hash is wrong, early in a chain longer than the
    /// reader's lead: its contents verify ahead, its execution fails, and the replay stops there
    /// (the reader, waiting with blocks ready, is stopped rather than left running).
    @Test func replayStopsAtTheFirstFailingBlockWhileTheReaderIsAhead() throws {
        let (home, source) = try chain(blocks: 60, perBlock: 3, seed: 11) { block in
            let h = block.header
            let forged = BlockHeader(chainId: h.chainId, height: h.height, timeMs: h.timeMs, previousHash: h.previousHash, txCount: h.txCount,
                                     txRoot: h.txRoot, receiptsRoot: h.receiptsRoot, appHash: .zero, proposer: h.proposer)
            return Block(header: forged, signature: validator.sign(forged.signBytes), transactions: block.transactions)
        }
        defer { EngineFixtures.remove(home) }
        var reached = [UInt64]()
        do {
            _ = try ChainReplay.run(source: source, into: home + "/replayed") { height, _, _ in reached.append(height) }
            Issue.record("the replay accepted a block with a wrong app hash")
        } catch let error as EngineError {
            #expect(error.code == .appHashMismatch && error.message.hasPrefix("block 2:"), "\(error)")
        }
        #expect(reached == [1])
    }

    /// Replay refuses a store whose state tables were edited behind the chain's back.
    @Test func replayCatchesTamperedState() throws {
        let (home, _) = try buildChain(accounts: 10, blocks: 2, perBlock: 5, seed: 5)
        defer { EngineFixtures.remove(home) }
        do {
            let store = try ChainStore.open(directory: home + "/data")
            let address = Address(DevnetKeys.account(0).publicKey)
            let account = try #require(try store.withState { state, _ in state.account(address) })
            var richer = account
            richer.wallet[0] += 1
            try store.environment.write { txn in try txn.put(StateTable.accounts.name, address.key.bytes, richer.encoded()) }
        }
        let source = try ChainStore.open(directory: home + "/data", readOnly: true)
        #expect(throws: EngineError.self) { try ChainReplay.run(source: source, into: home + "/replayed") { _, _, _ in } }
    }
}
