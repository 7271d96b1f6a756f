import Foundation

/// Writes SolventCore's record structs and their layouts from the byte layouts in contracts-spec,
/// so that the spec is the one place a record's fields are declared (issue 13, "Record codecs
/// declared once"): their names, widths, order and meaning.
///
/// A layout is generated when the line before its indented block (blank lines aside) is
/// `<!-- swift: TypeName [defaults] [codable] -->`. Each line of the block is then one of
///
/// | line | meaning |
/// |---|---|
/// | `u8 version = N` | the record is stored with version byte N (`recordVersion`) and named in errors by the bold heading before the block |
/// | `TYPE name description` | a field: TYPE one of u8 u16 u32 u64 u128 i64 i128 bytes32 bool, or a layout the spec defines once (`balances`); the Swift property is `name` in camelCase, documented by the description |
/// | a line indented past the type column | more of the previous field's description |
///
/// and anything else stops the build with the file and line, so the spec cannot declare what the
/// generator would silently skip. A record becomes a public struct of `var`s with a public
/// memberwise initialiser (every argument defaulting to zero with `defaults`) and a `RecordLayout`
/// conformance that reads and writes the fields in the block's order; with `codable` it is also
/// `Codable` under its layout's field names (the genesis document spells them so). A name
/// `A.B` declares B inside an extension of A. What the record means
/// (its table, its name in errors, its rules) is written by hand beside it in SolventCore.
///
/// `RecordGen OUT.swift SPEC.md...` writes the source. The RecordTypes plugin runs this one file
/// as a script (`swift main.swift ...`) rather than as a built tool: a build with
/// `--sanitize=fuzzer` (tools/fuzz) links libFuzzer's `main` into every executable it builds,
/// beside the executable's own. The RecordGen executable target is the same file, for the tests.
enum RecordGen {
    /// The Swift source for the layouts in `documents` (paths of markdown files).
    static func source(documents: [String]) throws -> String {
        var records = [Record]()
        for path in documents.sorted() {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            records += try parse(text, file: URL(fileURLWithPath: path).lastPathComponent)
        }
        return try swift(records)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    struct Field: Equatable {
        let name: String
        let type: String
        var doc: String
    }

    struct Record: Equatable {
        let swiftName: String
        let file: String
        let title: String
        var version: UInt8?
        var defaults: Bool
        var codable: Bool
        var fields: [Field]
    }

    static let scalarTypes = ["u8": "UInt8", "u16": "UInt16", "u32": "UInt32", "u64": "UInt64", "u128": "UInt128",
                              "i64": "Int64", "i128": "Int128", "bytes32": "Bytes32", "bool": "Bool"]
    /// Layouts the spec defines once and records nest (state.md, "balances").
    static let nestedTypes = ["balances": "Balances"]
    static let swiftTypes = scalarTypes.merging(nestedTypes) { a, _ in a }

    static func parse(_ text: String, file: String) throws -> [Record] {
        let lines = text.components(separatedBy: "\n")
        var records = [Record]()
        var i = 0
        var title = ""
        while i < lines.count {
            let line = lines[i]
            if let bold = line.range(of: #"\*\*[^*]+\*\*"#, options: .regularExpression) {
                title = String(line[bold].dropFirst(2).dropLast(2))
            }
            guard line.hasPrefix("<!-- swift:") else { i += 1; continue }
            let words = line.replacingOccurrences(of: "<!-- swift:", with: "").replacingOccurrences(of: "-->", with: "")
                .split(separator: " ").map(String.init)
            guard let name = words.first, words.dropFirst().allSatisfy({ $0 == "defaults" || $0 == "codable" }) else {
                throw Failure(description: "\(file):\(i + 1): expected <!-- swift: TypeName [defaults] [codable] -->")
            }
            var record = Record(swiftName: name, file: file, title: title, version: nil, defaults: words.contains("defaults"),
                                codable: words.contains("codable"), fields: [])
            i += 1
            while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces).isEmpty { i += 1 }
            while i < lines.count, lines[i].hasPrefix("    ") || lines[i].isEmpty {
                if !lines[i].isEmpty { try parseLine(lines[i], at: "\(file):\(i + 1)", into: &record) }
                i += 1
            }
            guard !record.fields.isEmpty else { throw Failure(description: "\(file): \(name) has no fields") }
            records.append(record)
        }
        return records
    }

    static func parseLine(_ line: String, at place: String, into record: inout Record) throws {
        let body = line.dropFirst(4)
        let words = body.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if body.hasPrefix(" ") {
            guard !record.fields.isEmpty else { throw Failure(description: "\(place): a description with no field before it") }
            record.fields[record.fields.count - 1].doc += " " + words.joined(separator: " ")
            return
        }
        if words.count == 4, words[0] == "u8", words[1] == "version", words[2] == "=", let v = UInt8(words[3]) {
            record.version = v
            return
        }
        guard words.count >= 2, swiftTypes[words[0]] != nil,
              words[1].allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" }), words[1].first?.isLetter == true else {
            throw Failure(description: "\(place): expected `TYPE name description` with TYPE one of \(swiftTypes.keys.sorted()), got `\(body)`")
        }
        guard !record.fields.contains(where: { $0.name == words[1] }) else { throw Failure(description: "\(place): \(words[1]) twice") }
        record.fields.append(Field(name: words[1], type: words[0], doc: words.dropFirst(2).joined(separator: " ")))
    }

    static func camelCase(_ snake: String) -> String {
        let parts = snake.split(separator: "_")
        return parts.enumerated().map { i, p in i == 0 ? String(p) : p.prefix(1).uppercased() + p.dropFirst() }.joined()
    }

    static func swift(_ records: [Record]) throws -> String {
        var names = Set<String>()
        var s = "// Generated by RecordGen from the layouts in contracts-spec; edit them there.\n\nimport SolventCrypto\n"
        for r in records.sorted(by: { $0.swiftName < $1.swiftName }) {
            guard names.insert(r.swiftName).inserted else { throw Failure(description: "\(r.swiftName) is declared twice") }
            let path = r.swiftName.split(separator: ".").map(String.init)
            let outer = path.dropLast().joined(separator: ".")
            let indent = outer.isEmpty ? "" : "    "
            s += "\n"
            if !outer.isEmpty { s += "extension \(outer) {\n" }
            s += declaration(r, name: path.last!).split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : indent + $0 }.joined(separator: "\n")
            if !outer.isEmpty { s += "}\n" }
            s += "\nextension \(r.swiftName): RecordLayout {\n"
            if let v = r.version {
                // A stored record: errors name it as the spec's heading does ("liquidation settings").
                s += "    public static var recordName: String { \"\(recordName(r))\" }\n"
                s += "    public static var recordVersion: UInt8 { \(v) }\n\n"
            }
            s += "    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {\n"
            let args = r.fields.map { f in
                let property = camelCase(f.name)
                let read = nestedTypes[f.type] != nil ? "c.fields(\\.\(property))" : "c.\(f.type)(\\.\(property), \"\(f.name)\")"
                return "\(property): try \(read)"
            }
            s += "        self.init(\(args.joined(separator: ",\n                  ")))\n    }\n}\n"
        }
        return s
    }

    static func recordName(_ r: Record) -> String {
        let name = r.title.isEmpty ? r.swiftName : r.title.lowercased()
        return name.hasSuffix(" record") ? String(name.dropLast(" record".count)) : name
    }

    /// The struct: documented fields, the memberwise initialiser and, for `codable`, the coding keys.
    static func declaration(_ r: Record, name: String) -> String {
        var s = "/// The fields of \(r.title.isEmpty ? r.swiftName : r.title) (contracts-spec/\(r.file)), in the order of its layout there.\n"
        s += "public struct \(name): Equatable, Sendable\(r.codable ? ", Codable" : "") {\n"
        for f in r.fields {
            if !f.doc.isEmpty { s += "    /// \(f.doc.prefix(1).uppercased() + f.doc.dropFirst()).\n" }
            s += "    public var \(camelCase(f.name)): \(swiftTypes[f.type]!)\n"
        }
        let zero = { (f: Field) in f.type == "bool" ? "false" : f.type == "bytes32" ? ".zero" : nestedTypes[f.type].map { "\($0)()" } ?? "0" }
        let params = r.fields.map { "\(camelCase($0.name)): \(swiftTypes[$0.type]!)\(r.defaults ? " = \(zero($0))" : "")" }
        s += "\n    public init(\(params.joined(separator: ", "))) {\n"
        for f in r.fields { s += "        self.\(camelCase(f.name)) = \(camelCase(f.name))\n" }
        s += "    }\n"
        if r.codable {
            s += "\n    enum CodingKeys: String, CodingKey {\n"
            for f in r.fields {
                let swiftName = camelCase(f.name)
                s += "        case \(swiftName)\(swiftName == f.name ? "" : " = \"\(f.name)\"")\n"
            }
            s += "    }\n"
        }
        return s + "}\n"
    }
}

// The command line.
let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: RecordGen <out.swift> <spec.md>...\n".utf8))
    exit(2)
}
do {
    try RecordGen.source(documents: Array(arguments.dropFirst(2))).write(toFile: arguments[1], atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("RecordGen: \(error)\n".utf8))
    exit(1)
}
