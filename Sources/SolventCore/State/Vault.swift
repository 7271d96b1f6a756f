import SolventCrypto

/// A vault is a margin account owned by an account and numbered per owner (0, 1, 2, ...).
/// It holds a signed USDC balance (the quote: deposits, trades, fees and funding all settle
/// there, and it may go below zero when positions carry losses), non-USDC collateral valued at
/// the oracle price less a haircut, and positions (table `positions`).
public struct VaultID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let owner: Address
    public let number: UInt32

    public init(owner: Address, number: UInt32) {
        self.owner = owner
        self.number = number
    }

    /// Owner key then the number big-endian, so an owner's vaults are adjacent and in number order.
    public var key: [UInt8] { owner.key.bytes + BigEndian.u32(number) }

    public var description: String { "\(owner)/\(number)" }

    public static func < (a: VaultID, b: VaultID) -> Bool {
        a.owner != b.owner ? a.owner < b.owner : a.number < b.number
    }

    /// The vault a state key starts with (tables `vaults`, `positions`, `liquidation_marks`).
    public init?(key bytes: [UInt8]) {
        guard bytes.count >= 36 else { return nil }
        self = Self.decodeKey(bytes)
    }

    static func decodeKey(_ bytes: [UInt8], at offset: Int = 0) -> VaultID {
        VaultID(owner: Address(Bytes32(bytes[offset..<offset + 32])!), number: BigEndian.readU32(bytes, at: offset + 32))
    }
}

public enum VaultMode: Equatable, Sendable {
    /// Positions in many markets share the vault's collateral.
    case cross
    /// Positions in one market only, so losses there cannot reach any other vault.
    case isolated(market: UInt32)
    /// Positions in many markets, margined by scenario (contracts-spec/portfolio-margin.md).
    case portfolio

    public var name: String {
        switch self {
        case .cross: return "cross"
        case .isolated: return "isolated"
        case .portfolio: return "portfolio"
        }
    }
}

public struct Vault: Equatable, Sendable {
    public var mode: VaultMode
    /// USDC quantums; negative when losses exceed deposits (the vault then owes the protocol).
    public var quote: Int128
    /// Non-USDC collateral.
    public var collateral: Balances

    public init(mode: VaultMode = .cross, quote: Int128 = 0, collateral: Balances = Balances()) {
        self.mode = mode
        self.quote = quote
        self.collateral = collateral
    }

    static let recordVersion: UInt8 = 1

    /// Stored encoding (contracts-spec/state.md): version u8, mode u8 (0 cross, 1 isolated, 2 portfolio) with
    /// the market u32 for isolated, quote i128, collateral balances.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 32 + 20 * collateral.entries.count)
        w.u8(Self.recordVersion)
        switch mode {
        case .cross:
            w.u8(0)
        case .isolated(let market):
            w.u8(1)
            w.u32(market)
        case .portfolio:
            w.u8(2)
        }
        w.i128(quote)
        collateral.encode(into: &w)
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(ProtocolError) -> Vault {
        var r = ByteReader(bytes)
        guard try r.u8("vault version") == recordVersion else {
            throw ProtocolError(.unknownVersion, "vault record version")
        }
        let mode: VaultMode
        switch try r.u8("mode") {
        case 0: mode = .cross
        case 1: mode = .isolated(market: try r.u32("market"))
        case 2: mode = .portfolio
        default: throw ProtocolError(.invalidField, "vault mode")
        }
        let vault = Vault(mode: mode, quote: try r.i128("quote"), collateral: try Balances.decode(from: &r))
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
