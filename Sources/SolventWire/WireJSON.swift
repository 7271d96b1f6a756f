import Foundation

/// The JSON coding of every RPC reply and request, for the node (which encodes) and the client
/// (which decodes), so the two cannot drift: the wire types (generated from openapi.yaml) name
/// their keys as the wire does (`blockTimeMs` is `block_time_ms`), so no key is converted;
/// objects come with their keys sorted and slashes unescaped, as openapi.yaml and rpc.md show
/// them. String-keyed maps (event attributes) keep their keys as they are. The JSON files the
/// node and the client write (key files, the devnet config, the CLI's output) are hand-written
/// types in camelCase: `fileEncoder` converts their keys to snake_case, pretty-printed, and
/// `decoder` reads them back.
public enum WireJSON {
    /// For the wire types: no key conversion.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// For files and printed output: keys converted to snake_case (a wire type's are already).
    public static func fileEncoder() -> JSONEncoder {
        let encoder = encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    /// For the files `fileEncoder` wrote.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// The bytes of a reply. Encoding the wire types cannot fail: they hold only strings,
    /// integers, booleans, arrays and string-keyed maps.
    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        Array((try? encoder().encode(value)) ?? Data("{}".utf8))
    }

    /// A wire type from the bytes of a reply or a request.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }

    /// A key as it is on the wire, for messages about a body that did not decode (the wire types'
    /// keys already are; a camelCase Swift key, `nextBlockTime`, becomes `next_block_time`).
    public static func wireKey(_ key: any CodingKey) -> String {
        var out = ""
        for c in key.stringValue {
            if c.isUppercase {
                out += "_" + c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out
    }
}
