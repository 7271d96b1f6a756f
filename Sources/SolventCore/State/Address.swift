import SolventCrypto

/// An account's address: its 32-byte Ed25519 public key. Shown as bech32m with the prefix
/// `sv` (contracts-spec/transactions.md, "Addresses"); the hex of the key is accepted as input too.
public struct Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let prefix = "sv"

    public let key: Bytes32

    public init(_ key: Bytes32) { self.key = key }

    public var text: String { Bech32m.encode(hrp: Self.prefix, data: key.bytes) }
    public var description: String { text }

    /// Parses `sv1...` bech32m or 64 hex characters.
    public init?(text: String) {
        if text.lowercased().hasPrefix(Self.prefix + "1"), let data = Bech32m.decode(text, expectedHRP: Self.prefix),
           let key = Bytes32(data) {
            self.key = key
        } else if text.utf8.count == 64 || text.utf8.count == 66, let raw = Hex.decode(text), let key = Bytes32(raw) {
            self.key = key
        } else {
            return nil
        }
    }

    public static func < (a: Address, b: Address) -> Bool { a.key < b.key }
}
