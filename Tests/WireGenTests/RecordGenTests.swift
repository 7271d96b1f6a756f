import Foundation
import Testing
@testable import RecordGen

/// How RecordGen reads a layout block (the table in Sources/RecordGen/RecordGen.swift) and what it
/// writes; the real spec's output is compiled by every build and its bytes are checked by the
/// record and state-hash tests of SolventCoreTests.
@Suite struct RecordGenTests {
    func refusal(_ markdown: String) -> String? {
        do {
            _ = try RecordGen.swift(try RecordGen.parse(markdown, file: "doc.md"))
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aMarkedBlockBecomesAStructAndItsLayout() throws {
        let records = try RecordGen.parse("""
            # Title

            **thing record** (table `things`)

            <!-- swift: Thing defaults -->

                u8    version = 3
                u64   next_id          the id the next thing gets
                i128  balance          signed, USDC quantums; a long description that goes
                                       on to a second line
                balances  holdings     what it holds

            An unmarked block is prose:

                u8 whatever
            """, file: "doc.md")
        #expect(records == [RecordGen.Record(swiftName: "Thing", file: "doc.md", title: "thing record", version: 3, defaults: true, codable: false, fields: [
            .init(name: "next_id", type: "u64", doc: "the id the next thing gets"),
            .init(name: "balance", type: "i128", doc: "signed, USDC quantums; a long description that goes on to a second line"),
            .init(name: "holdings", type: "balances", doc: "what it holds"),
        ])])
        let swift = try RecordGen.swift(records)
        #expect(swift.contains("public struct Thing: Equatable, Sendable {\n    /// The id the next thing gets.\n    public var nextId: UInt64\n"))
        #expect(swift.contains("public init(nextId: UInt64 = 0, balance: Int128 = 0, holdings: Balances = Balances())"))
        #expect(swift.contains("public static var recordName: String { \"thing\" }"))
        #expect(swift.contains("public static var recordVersion: UInt8 { 3 }"))
        #expect(swift.contains("self.init(nextId: try c.u64(\\.nextId, \"next_id\"),\n                  balance: try c.i128(\\.balance, \"balance\"),\n                  holdings: try c.fields(\\.holdings))"))
        #expect(!swift.contains("CodingKeys"))
    }

    @Test func codableNestedAndVersionlessLayouts() throws {
        let swift = try RecordGen.swift(try RecordGen.parse("""
            <!-- swift: Outer.Limits codable -->

                u8    quorum
                u32   max_move_ppm     at most 1 000 000
            """, file: "doc.md"))
        #expect(swift.contains("extension Outer {\n    /// The fields of Outer.Limits (contracts-spec/doc.md)"))
        #expect(swift.contains("    public struct Limits: Equatable, Sendable, Codable {"))
        #expect(swift.contains("        public init(quorum: UInt8, maxMovePpm: UInt32) {"))
        #expect(swift.contains("        enum CodingKeys: String, CodingKey {\n            case quorum\n            case maxMovePpm = \"max_move_ppm\"\n"))
        #expect(swift.contains("extension Outer.Limits: RecordLayout {"))
        #expect(!swift.contains("recordVersion"))
    }

    @Test func whatItCannotReadStopsTheBuildWithTheLine() {
        let unknownType = refusal("<!-- swift: T -->\n\n    u8 version = 1\n    string8 symbol\n")
        #expect(unknownType?.hasPrefix("doc.md:4: expected `TYPE name description`") == true)
        #expect(refusal("<!-- swift: T -->\n\n    u32 a\n    u64 a\n")?.contains("doc.md:4: a twice") == true)
        #expect(refusal("<!-- swift: T extra -->\n\n    u32 a\n")?.contains("doc.md:1: expected <!-- swift:") == true)
        #expect(refusal("<!-- swift: T -->\n\nprose\n")?.contains("T has no fields") == true)
        #expect(refusal("<!-- swift: T -->\n\n        continued\n")?.contains("a description with no field before it") == true)
        #expect(refusal("<!-- swift: T -->\n\n    u8 a\n\n<!-- swift: T -->\n\n    u8 b\n")?.contains("T is declared twice") == true)
    }

    /// The spec as it is: every marked layout reads, and the generated records are the ones
    /// SolventCore builds on.
    @Test func theSpecsLayoutsRead() throws {
        let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../../contracts-spec")
        var names = [String]()
        for file in try FileManager.default.contentsOfDirectory(atPath: spec.path) where file.hasSuffix(".md") {
            let text = try String(contentsOf: spec.appending(path: file), encoding: .utf8)
            names += try RecordGen.parse(text, file: file).map(\.swiftName)
        }
        #expect(Set(names).isSuperset(of: ["Account", "AssetBalance", "AuctionSettings", "InsuranceStats", "LiquidationSettings",
                                           "OracleSettings", "Params", "Position"]))
        #expect(names.count == Set(names).count)
    }
}
