import Foundation
import SolventCore
import SolventDevnet
import SolventNode
import SolventStore
import Testing

/// A home written in another store format is refused; an older one with how to start a new chain
/// (storage.md, "Store format version").
@Suite struct StoreFormatTests {
    static func home(writtenInFormat format: UInt32) throws -> NodeHome {
        let home = NodeFixtures.home()
        _ = try home.initialize(genesis: DevnetKeys.devnetGenesis())
        let env = try LMDBEnvironment(path: home.dataDirectory, tableNames: ["meta"])
        try env.write { txn in try txn.put("meta", Array("format_version".utf8), withUnsafeBytes(of: format.bigEndian, Array.init)) }
        return home
    }

    static func refusal(_ home: NodeHome) -> String? {
        do { _ = try home.openStore(readOnly: true); return nil } catch { return "\(error)" }
    }

    @Test func anOlderStoreIsRefusedWithHowToStartANewChain() throws {
        let current = try Self.home(writtenInFormat: ChainStore.formatVersion)
        defer { try? FileManager.default.removeItem(atPath: current.path) }
        #expect(Self.refusal(current) == nil)
        #expect(try ChainStore.storedFormatVersion(directory: current.dataDirectory) == ChainStore.formatVersion)

        let older = try Self.home(writtenInFormat: 6)
        defer { try? FileManager.default.removeItem(atPath: older.path) }
        #expect(Self.refusal(older) == "format_mismatch: \(older.dataDirectory) has store format 6; this build reads format 7; its chain cannot be carried "
            + "into this build: start a new chain with `solventd devnet --reset` for a devnet, or `solventd init` in a new home "
            + "(storage.md, \"Store format version\")")

        let newer = try Self.home(writtenInFormat: 8)
        defer { try? FileManager.default.removeItem(atPath: newer.path) }
        #expect(Self.refusal(newer) == "format_mismatch: \(newer.dataDirectory) has store format 8; this build reads format 7")
    }
}
