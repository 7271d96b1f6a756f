import Foundation
import SolventStore
import Testing

/// After a read of the whole database (the liquidation index's build), the node drops the map's
/// pages from its resident set; they stay readable, faulted back in from the page cache.
@Suite struct MappedPagesTests {
    /// This process's resident pages of mapped files, in kB (/proc/self/status, RssFile).
    static func residentFileKB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("RssFile:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
    }

    @Test func droppingTheMapReleasesWhatAReadOfEverythingMapped() throws {
        #if os(Linux)
        let dir = NSTemporaryDirectory() + "solvent-mapped-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = try LMDBEnvironment(path: dir, tableNames: ["t"], mapSize: 1 << 30)
        let value = [UInt8](repeating: 7, count: 3_000)
        try env.write { txn in
            for i in 0..<16_000 { try txn.put("t", Array(String(format: "%08d", i).utf8), value) }
        }
        // About 48 MB read through the map.
        var sum = 0
        try env.read { txn in try txn.scan("t") { _, v in sum += v.count; return true } }
        #expect(sum == 16_000 * 3_000)
        let before = try #require(Self.residentFileKB())
        env.dropMappedPages()
        let after = try #require(Self.residentFileKB())
        #expect(before - after > 40_000, "RssFile \(before) kB before, \(after) kB after")
        // Still readable.
        let back = try env.read { txn in txn.get("t", Array("00012345".utf8)) }
        #expect(back == value)
        #endif
    }
}
