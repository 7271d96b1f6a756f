/// A vault is a margin account owned by an account and numbered per owner (0, 1, 2, ...). It holds
/// collateral per asset; positions come with the markets mechanism.
public struct VaultID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let owner: Address
    public let number: UInt32

    public init(owner: Address, number: UInt32) {
        self.owner = owner
        self.number = number
    }

    /// Owner key then the number big-endian, so an owner's vaults are adjacent and in number order.
    public var key: [UInt8] {
        var k = owner.key.bytes
        k.append(UInt8(truncatingIfNeeded: number >> 24))
        k.append(UInt8(truncatingIfNeeded: number >> 16))
        k.append(UInt8(truncatingIfNeeded: number >> 8))
        k.append(UInt8(truncatingIfNeeded: number))
        return k
    }

    public var description: String { "\(owner)/\(number)" }

    public static func < (a: VaultID, b: VaultID) -> Bool {
        a.owner != b.owner ? a.owner < b.owner : a.number < b.number
    }
}

public enum VaultMode: UInt8, Sendable {
    /// Positions in many markets share the vault's collateral.
    case cross = 0

    public var name: String {
        switch self {
        case .cross: return "cross"
        }
    }
}

public struct Vault: Equatable, Sendable {
    public var mode: VaultMode
    public var collateral: Balances

    public init(mode: VaultMode = .cross, collateral: Balances = Balances()) {
        self.mode = mode
        self.collateral = collateral
    }

    static let recordVersion: UInt8 = 1

    /// Stored encoding (contracts-spec/state.md): version u8, mode u8, balances.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 8 + 20 * collateral.entries.count)
        w.u8(Self.recordVersion)
        w.u8(mode.rawValue)
        collateral.encode(into: &w)
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(ProtocolError) -> Vault {
        var r = ByteReader(bytes)
        guard try r.u8("vault version") == recordVersion else {
            throw ProtocolError(.unknownVersion, "vault record version")
        }
        guard let mode = VaultMode(rawValue: try r.u8("mode")) else {
            throw ProtocolError(.invalidField, "vault mode")
        }
        let vault = Vault(mode: mode, collateral: try Balances.decode(from: &r))
        try r.expectEnd()
        return vault
    }
}

extension StateReader {
    public func vault(_ id: VaultID) -> Vault? {
        guard let bytes = get(.vaults, id.key) else { return nil }
        return decodeStored(bytes, "vault \(id)", Vault.decode)
    }
}

extension StateOverlay {
    public func putVault(_ id: VaultID, _ vault: Vault) {
        put(.vaults, id.key, vault.encoded())
    }
}
