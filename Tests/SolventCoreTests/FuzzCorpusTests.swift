import Foundation
import SolventFuzzing
import Testing

/// Replays the transaction fuzzer's corpus (fuzz/corpus, kept by tools/fuzz) through its target
/// without libFuzzer: every input that ever found new code paths runs again on each test run, so
/// a change that brings back a trap or breaks conservation on one of them fails here, even where
/// the short fuzz run of tools/test would not reach it.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fuzz/corpus").standardizedFileURL

    @Test func everyCorpusInputRunsWithoutABrokenInvariant() throws {
        let files = try FileManager.default.contentsOfDirectory(at: Self.corpus, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        #expect(files.count >= 100, "fuzz/corpus holds \(files.count) inputs; tools/fuzz builds it")
        var codes = [String: Int](), events = [String: Int]()
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: file))
            do {
                try TransactionFuzzer.run(bytes, observe: .init(
                    receipt: { r in
                        codes[r.code?.name ?? "ok", default: 0] += 1
                        for e in r.events { events[e.type, default: 0] += 1 }
                    },
                    blockEvents: { for e in $0 { events[e.type, default: 0] += 1 } }))
            } catch {
                Issue.record("\(file.lastPathComponent): \(error)")
            }
        }
        // The corpus is only worth replaying if it reaches the mechanisms and the bounds: these are
        // what its inputs exercise beyond the starting chain.
        for code in ["ok", "arithmetic_overflow", "position_too_large", "invalid_order_size", "invalid_order_price",
                     "insufficient_margin", "amount_too_large", "balance_overflow", "oracle_stale"] {
            #expect(codes[code, default: 0] > 0, "no corpus input is refused with \(code)")
        }
        for kind in ["fill", "liquidation", "backstop", "adl", "funding", "market_settled", "oracle_price", "withdraw"] {
            #expect(events[kind, default: 0] > 0, "no corpus input produces a \(kind) event")
        }
        print("fuzz corpus: \(files.count) inputs; receipts \(codes.sorted { $0.key < $1.key }); events \(events.sorted { $0.key < $1.key })")
    }
}
