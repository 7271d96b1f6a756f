import Foundation
import SolventFuzzing
import Testing

/// Replays part of the transaction fuzzer's corpus (fuzz/corpus, kept by tools/fuzz) through its
/// target without libFuzzer, in the test build: a change that brings back a trap or breaks
/// conservation on one of these inputs fails here. The whole corpus runs in tools/test, through
/// the release-built fuzzer (`tools/fuzz --runs ... --seed 1` replays it before fuzzing), and
/// `tools/fuzz --stats` checks what it reaches; a debug build takes about 0.4 s an input, so this
/// test takes the inputs whose names (content hashes) start with 00 to 03, about one in 64.
/// Serialized: the fuzzer's starting chain is read by one thread at a time (ReceiptCommitmentTests.swift
/// adds a test here).
@Suite(.serialized) struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fuzz/corpus").standardizedFileURL

    @Test func corpusInputsRunWithoutABrokenInvariant() throws {
        let all = try FileManager.default.contentsOfDirectory(at: Self.corpus, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
        #expect(all.count >= 200, "fuzz/corpus holds \(all.count) inputs; tools/fuzz builds it")
        let sample = all.filter { ["00", "01", "02", "03"].contains($0.lastPathComponent.prefix(2)) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        #expect(sample.count >= all.count / 128, "the sample is \(sample.count) of \(all.count) inputs")
        var receipts = 0
        for file in sample {
            let bytes = try [UInt8](Data(contentsOf: file))
            do {
                try TransactionFuzzer.run(bytes, observe: .init(receipt: { _ in receipts += 1 }, blockEvents: { _ in }))
            } catch {
                Issue.record("\(file.lastPathComponent): \(error)")
            }
        }
        #expect(receipts > sample.count, "the sampled inputs ran \(receipts) transactions")
    }
}
