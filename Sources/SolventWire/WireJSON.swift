import Foundation

/// The JSON coding of every RPC reply and request, for the node (which encodes) and the client
/// (which decodes), so the two cannot drift: Swift names in camelCase are the wire's snake_case
/// keys (`blockTimeMs` is `block_time_ms`); objects come with their keys sorted and slashes
/// unescaped, as openapi.yaml and rpc.md show them. String-keyed maps (event attributes) keep
/// their keys as they are. The JSON files the node and the client write (key files, the devnet
/// config) follow the same convention, pretty-printed (`fileEncoder`), and are read with `decoder`.
public enum WireJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    public static func fileEncoder() -> JSONEncoder {
        let encoder = encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        return encoder
    }

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

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decoder().decode(type, from: data)
    }

    /// A key as it is on the wire, for messages about a body that did not decode (a decoding
    /// error names the Swift key, `nextBlockTime`, where the client sent `next_block_time`).
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
