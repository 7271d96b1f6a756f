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
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: file))
            do {
                try TransactionFuzzer.run(bytes)
            } catch {
                Issue.record("\(file.lastPathComponent): \(error)")
            }
        }
    }
}
