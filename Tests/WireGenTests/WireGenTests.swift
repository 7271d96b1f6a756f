import Testing
import Yams
@testable import WireGen

/// How WireGen turns schemas into Swift (the table in Sources/WireGen/WireGen.swift), on small
/// documents; the real document's output is compiled by every build and checked against a live
/// node by tools/check-openapi-responses.py and WireRoundTripTests.
@Suite struct WireGenTests {
    func generate(_ schemas: String) throws -> String {
        let yaml = "components:\n  schemas:\n" + schemas.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "    " + $0 }.joined(separator: "\n")
        return try Generator(root: try #require(try Yams.compose(yaml: yaml))).source()
    }

    func refusal(_ schemas: String) -> String? {
        do {
            _ = try generate(schemas)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func propertiesBecomeTypedLetsWithAMemberwiseInit() throws {
        let out = try generate("""
            Height: {type: integer, format: uint64}
            Head:
              x-swift-name: HeadReply
              description: The head.
              required: [block_height, app_hash, sizes, by_symbol]
              properties:
                block_height: {$ref: "#/components/schemas/Height"}
                app_hash: {type: string, description: Hex.}
                sizes: {type: array, items: {type: integer, format: int64}}
                by_symbol: {type: object, additionalProperties: {type: boolean}}
                note: {type: string}
            """)
        #expect(out.contains("/// The head.\npublic struct HeadReply: Codable, Sendable {"))
        #expect(out.contains("    public let blockHeight: UInt64\n"))
        #expect(out.contains("    /// Hex.\n    public let appHash: String\n"))
        #expect(out.contains("    public let sizes: [Int64]\n"))
        #expect(out.contains("    public let bySymbol: [String: Bool]\n"))
        #expect(out.contains("    public let note: String?\n"))
        #expect(out.contains("public init(blockHeight: UInt64, appHash: String, sizes: [Int64], bySymbol: [String: Bool], note: String? = nil)"))
        // The wire's key names, so no key is converted when a reply is encoded.
        #expect(out.contains(#"enum CodingKeys: String, CodingKey { case blockHeight = "block_height", appHash = "app_hash", "#
            + #"sizes = "sizes", bySymbol = "by_symbol", note = "note" }"#))
    }

    @Test func aRequiredNullableFieldIsWrittenAsNullAndAConstIsStored() throws {
        let out = try generate("""
            Reply:
              x-swift-name: Reply
              required: [kind, height]
              properties:
                kind: {type: string, const: hello}
                height: {oneOf: [{type: integer}, {type: "null"}]}
                extra: {type: [string, "null"]}
            """)
        #expect(out.contains("public var kind: String = \"hello\""))
        #expect(out.contains("public let height: Int?"))
        #expect(out.contains("public init(height: Int? = nil, extra: String? = nil)"))
        #expect(out.contains("try c.encode(height, forKey: .height)"))
        #expect(out.contains("try c.encodeIfPresent(extra, forKey: .extra)"))
    }

    @Test func aOneOfBecomesOneStructOfItsBranchesFields() throws {
        let out = try generate("""
            Accepted:
              required: [index, accepted, hash]
              properties:
                index: {type: integer}
                accepted: {type: boolean, const: true}
                hash: {type: string}
            Rejected:
              required: [index, accepted, error]
              properties:
                index: {type: integer}
                accepted: {type: boolean, const: false}
                error: {type: string}
            Item:
              x-swift-name: ItemReply
              oneOf:
                - $ref: "#/components/schemas/Accepted"
                - $ref: "#/components/schemas/Rejected"
            """)
        #expect(out.contains("public var index: Int\n"))
        #expect(out.contains("public var accepted: Bool\n"), "a branch's const is only its value")
        #expect(out.contains("public init(index: Int, accepted: Bool, hash: String? = nil, error: String? = nil)"))
    }

    @Test func nestedNamesAreExtensions() throws {
        let out = try generate("""
            Outer: {x-swift-name: Outer, required: [a], properties: {a: {type: string}}}
            Inner: {x-swift-name: Outer.Inner, required: [b], properties: {b: {type: boolean}}}
            """)
        #expect(out.contains("extension Outer {\n    public struct Inner: Codable, Sendable {"))
    }

    @Test func whatSwiftCannotTypeStopsTheBuildWithItsPath() {
        #expect(refusal("""
            A: {x-swift-name: A, properties: {n: {type: integer, format: int128}}}
            """)?.contains("components.schemas.A.properties.n: integer format int128") == true)
        #expect(refusal("""
            A: {x-swift-name: A, properties: {v: {oneOf: [{type: string}, {type: integer}]}}}
            """)?.contains("components.schemas.A.properties.v: a oneOf of different types") == true)
        #expect(refusal("""
            A: {x-swift-name: A, properties: {o: {type: object, properties: {x: {type: string}}}}}
            """)?.contains("needs x-swift-name") == true)
        #expect(refusal("""
            A: {x-swift-name: Same, properties: {x: {type: string}}}
            B: {x-swift-name: Same, properties: {x: {type: string}}}
            """)?.contains("x-swift-name Same is given twice") == true)
        #expect(refusal("""
            P: {properties: {x: {type: string}}}
            Q: {properties: {x: {type: integer}}}
            U: {x-swift-name: U, oneOf: [{$ref: "#/components/schemas/P"}, {$ref: "#/components/schemas/Q"}]}
            """)?.contains("property x is String in one branch and Int in another") == true)
    }
}
