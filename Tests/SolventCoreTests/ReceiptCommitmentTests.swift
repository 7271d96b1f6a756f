import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventFuzzing
import Testing

/// Receipts commit codes and typed event values, never text (blocks.md, "Receipts" and "Event
/// values"; errors.md, "Messages"): rewording a message or changing how a value is shown
/// changes no app hash and no receipts root. The test that rewords every message over corpus
/// blocks is below, in FuzzCorpusTests.
@Suite struct ReceiptCommitmentTests {
    @Test func theStoredReceiptKeepsItsMessageAfterTheCommittedBytes() throws {
        let message = "vault 0 holds 100 USDC, 150 needed"
        let failed = Receipt.failure(SHA256.hash(Array("tx".utf8)), ProtocolError(.insufficientBalance, message))
        let committed = failed.committedEncoding()
        #expect(committed == failed.txHash.bytes + [0x2d, 0x01, 0x00, 0x00], "tx hash, code 301, no events")
        #expect(failed.encoded() == committed + [UInt8(message.utf8.count), 0] + Array(message.utf8))
        #expect(try Receipt.decode(failed.encoded()) == failed)
        let reworded = Receipt(txHash: failed.txHash, code: failed.code, message: "not enough", events: [])
        #expect(reworded.committedEncoding() == committed)
        #expect(StateMachine.receiptsRoot(blockEvents: [], receipts: [reworded]) == StateMachine.receiptsRoot(blockEvents: [], receipts: [failed]))
    }

    /// FinalizeBlock hashes the committed part of the encodings it hands the store: the same root
    /// as hashing each receipt's committed encoding, for successes and for failures with messages
    /// (one not ASCII), after the block's own events.
    @Test func finalizeBlockRootsTheStoredEncodingsAsTheSpecSays() throws {
        let bob = Address(Fixtures.bob.publicKey)
        let txs = [
            Fixtures.tx(Fixtures.alice, nonce: 0, .send(to: bob, asset: 0, amount: 42)),
            Fixtures.tx(Fixtures.alice, nonce: 9, .send(to: bob, asset: 0, amount: 1)),
            Fixtures.tx(Fixtures.alice, nonce: 1, .send(to: bob, asset: 0, amount: UInt128.max)),
            Fixtures.tx(Fixtures.bob, nonce: 0, .send(to: bob, asset: 7, amount: 1)),
        ].map(Fixtures.verified)
        // A day after genesis: funding falls due, so the block has events of its own.
        let context = BlockContext(height: 1, timeMs: Fixtures.context.timeMs + 86_400_000, proposer: Fixtures.context.proposer)
        let state = try Fixtures.genesisState()
        let block = StateMachine(chainId: DevnetKeys.devnetChainId).finalizeBlock(context, transactions: txs, state: state,
                                                                                  previousStateHash: state.stateHash)
        #expect(!block.blockEvents.isEmpty)
        #expect(block.receipts.map(\.succeeded) == [true, false, false, false])
        #expect(block.storedReceipts == block.receipts.map { $0.encoded() })
        #expect(block.receiptsRoot == StateMachine.receiptsRoot(blockEvents: block.blockEvents, receipts: block.receipts))
        let reworded = block.receipts.map { Receipt(txHash: $0.txHash, code: $0.code, message: $0.message.isEmpty ? "" : "é \($0.message)", events: $0.events) }
        #expect(block.receiptsRoot == StateMachine.receiptsRoot(blockEvents: block.blockEvents, receipts: reworded))
    }

    /// Every kind of value renders as the text the events carried before they were typed, and
    /// decodes back to itself.
    @Test func everyValueRendersAsBeforeAndRoundTrips() throws {
        let dev0 = Address(DevnetKeys.account(0).publicKey)
        let tiers = [MarginTier(maxNotional: 1_000_000_000_000, initialPpm: 50_000, maintenancePpm: 30_000),
                     MarginTier(maxNotional: nil, initialPpm: 100_000, maintenancePpm: 60_000)]
        let usdc = Asset(id: 0, symbol: "USDC", decimals: 6), eth = Asset(id: 2, symbol: "ETH", decimals: 18)
        let cases: [(EventValue, String)] = [
            (.absent, ""), (.number(UInt64(7_795)), "7795"), (.number(Int128(-12)), "-12"),
            (.size(-150_000_000), PerpUnits.formatSize(-150_000_000)), (.size(1), "0.00000001"),
            (.quote(-2_600_000_000), PerpUnits.formatQuote(-2_600_000_000)), (.usdc(381_752_000), "381.752"),
            (.price(5_503_000_000_000), OraclePrice.format(5_503_000_000_000)),
            (.amount(100_000_000, of: usdc), usdc.format(100_000_000)), (.amount(25 * 100_000_000_000_000_000, of: eth), "2.5"),
            (.bool(true), "true"), (.bool(false), "false"), ("immediate_or_cancel", "immediate_or_cancel"),
            (.address(dev0), dev0.text), (.vault(VaultID(owner: dev0, number: 3)), "\(dev0.text)/3"),
            (.key(dev0.key), dev0.key.hex), (.time(1_767_225_600_000), UTCTime.format(1_767_225_600_000)),
            (.marginTiers(tiers), "1000000:50000/30000,inf:100000/60000"),
        ]
        for (value, text) in cases {
            #expect(value.rendered == text)
            let receipt = Receipt.success(.zero, [Event("e", [("v", value)])])
            #expect(try Receipt.decode(receipt.encoded()) == receipt, "\(value)")
        }
    }

    /// blocks.md, "Worked example: a real block": the transfer's receipt and the block receipt of
    /// three skipped funding events, their hashes and the receipts root.
    @Test func blocksWorkedExample() throws {
        let dev0 = Address(Bytes32(Hex.decode("6cfe016f6fa4d62e45c02a2d746b994abcebe7c3a1ceba6409bc6cf61e2cd2fc")!)!)
        let dev1 = Address(Bytes32(Hex.decode("aeb385dd7cba4eef9922907978cb73c2d26bef05bc3e6574f0ebfe593cf39c54")!)!)
        let txHash = Bytes32(Hex.decode("6c9e746bb46657e8388eeab4b597407765d3420d30bcf0cbe7e048c25ab1b7f8")!)!
        let transfer = Receipt.success(txHash, [Event("transfer", [
            ("from", .address(dev0)), ("to", .address(dev1)), ("asset", "USDC"), ("amount", .usdc(100_000_000)),
        ])])
        #expect(Hex.encode(transfer.committedEncoding()) == "6c9e746bb46657e8388eeab4b597407765d3420d30bcf0cbe7e048c25ab1b7f8"
            + "00000100" + "087472616e73666572" + "04"
            + "0466726f6d" + "05" + "6cfe016f6fa4d62e45c02a2d746b994abcebe7c3a1ceba6409bc6cf61e2cd2fc"
            + "02746f" + "05" + "aeb385dd7cba4eef9922907978cb73c2d26bef05bc3e6574f0ebfe593cf39c54"
            + "056173736574" + "04" + "0400" + "55534443"
            + "06616d6f756e74" + "02" + "06" + "00e1f505000000000000000000000000")
        #expect(SHA256.hash(transfer.committedEncoding()).hex == "e151f920dab821f69db59851200cedf475f2da30e1a7fce09dd1f5b5d2a34ec2")

        let funding = ["BTC-PERP", "ETH-PERP", "SOL-PERP"].map { market in
            Event("funding", [("market", .text(market)), ("rate_ppm", .number(0)), ("intervals", .number(7_795)), ("price", .absent),
                              ("samples", .number(0)), ("index", .number(0)), ("status", "skipped_stale_price")])
        }
        let blockReceipt = StateMachine.blockReceipt(funding).committedEncoding()
        #expect(blockReceipt.count == 528)
        #expect(SHA256.hash(blockReceipt).hex == "af605e0661942ca92efb4b51b96b805d3451372c12deee73806c670bb10b9acf")
        #expect(StateMachine.receiptsRoot(blockEvents: funding, receipts: [transfer]).hex
            == "9cd1bc209c8782ab45e765e07a7bbda5f5203e6b045ee10a2ee56be485daac3c")
    }
}

/// The fuzzer's shared starting chain is for one thread at a time, so the test that runs corpus
/// inputs with every message reworded joins FuzzCorpusTests, whose tests run one after another.
extension FuzzCorpusTests {
    /// What a run of corpus inputs committed and reached.
    struct CorpusRun: Sendable {
        var hashes: [(app: Bytes32, receipts: Bytes32)] = []
        var failures: [(code: ProtocolError.Code, message: String)] = []
        var eventTypes: Set<String> = []
    }

    static func record(_ inputs: [URL]) throws -> CorpusRun {
        var run = CorpusRun()
        for file in inputs {
            let observer = TransactionFuzzer.Observer(
                receipt: { r in
                    if let code = r.code { run.failures.append((code, r.message)) }
                    run.eventTypes.formUnion(r.events.map(\.type))
                },
                blockEvents: { events in run.eventTypes.formUnion(events.map(\.type)) },
                block: { b in run.hashes.append((b.appHash, b.receiptsRoot)) })
            try TransactionFuzzer.run(try [UInt8](Data(contentsOf: file)), observe: observer)
        }
        return run
    }

    /// The corpus inputs whose names (content hashes) start with 00 or 02: about one in 128, a few
    /// seconds a run, and between them 23 failure codes and 15 event types (the 00 to 03 of
    /// FuzzCorpusTests reach 26 and 20 but take twice as long, beside the time-bound node tests).
    static func rewordingSample() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: FuzzCorpusTests.corpus, includingPropertiesForKeys: nil)
            .filter { ["00", "02"].contains($0.lastPathComponent.prefix(2)) }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Runs `body` on a thread of its own: the runs take seconds of CPU, and on a two-core machine
    /// they would otherwise hold a thread of the test pool the node tests' tasks need meanwhile.
    static func onItsOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    @Test func rewordingEveryMessageChangesNoAppHashAndNoReceiptsRoot() async throws {
        let inputs = try Self.rewordingSample()
        let (plain, reworded) = try await Self.onItsOwnThread {
            (try Self.record(inputs), try ProtocolError.$rewording.withValue({ code, _ in "reworded \(code.name)" }) { try Self.record(inputs) })
        }

        #expect(plain.hashes.count > inputs.count, "the inputs committed \(plain.hashes.count) blocks")
        #expect(reworded.hashes.map(\.app) == plain.hashes.map(\.app))
        #expect(reworded.hashes.map(\.receipts) == plain.hashes.map(\.receipts))
        // The same failures, each with another message.
        #expect(reworded.failures.map(\.code) == plain.failures.map(\.code))
        #expect(reworded.failures.allSatisfy { $0.message == "reworded \($0.code.name)" })
        #expect(plain.failures.allSatisfy { !$0.message.hasPrefix("reworded") })
        let codes = Set(plain.failures.map(\.code))
        #expect(codes.count >= 20 && plain.eventTypes.count >= 14,
                "reached \(codes.count) codes (\(codes.sorted().map(\.name))) and \(plain.eventTypes.count) event types (\(plain.eventTypes.sorted()))")
    }
}
