import Foundation
import SolventCore

/// Reading and writing genesis JSON. Decoding is strict about unknown assets and addresses
/// (through `Genesis.initialState`), and errors name the field at fault.
public enum GenesisFile {
    public static func decode(_ bytes: [UInt8]) throws -> Genesis {
        do {
            return try JSONDecoder().decode(Genesis.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, context) {
            throw GenesisError("missing field '\(path(context.codingPath + [key]))'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw GenesisError("field '\(path(context.codingPath))' has the wrong type: \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw GenesisError("field '\(path(context.codingPath))' is null")
        } catch let DecodingError.dataCorrupted(context) {
            let underlying = context.underlyingError.map { " (\($0))" } ?? ""
            let at = context.codingPath.isEmpty ? "the file" : "field '\(path(context.codingPath))'"
            throw GenesisError("\(at) is not valid: \(context.debugDescription)\(underlying)")
        }
    }

    public static func load(path: String) throws -> Genesis {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GenesisError("cannot read genesis file \(path)")
        }
        let genesis = try decode(Array(data))
        _ = try genesis.initialState()
        return genesis
    }

    /// Pretty JSON with sorted keys: the same genesis always gives the same bytes.
    public static func encode(_ genesis: Genesis) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(genesis)) + [0x0a]
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
