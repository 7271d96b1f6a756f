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
    public var key: [UInt8] { BigEndianKey.build(36, appendKey) }

    /// Appends the vault's key (to build a longer key that starts with it).
    func appendKey(to key: inout [UInt8]) {
        owner.key.appendBytes(to: &key)
        BigEndianKey.append(number, to: &key)
    }

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
        VaultID(owner: Address(Bytes32(bytes[offset..<offset + 32])!), number: BigEndianKey.readU32(bytes, at: offset + 32))
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
}

extension Vault: StoredRecord {
    public static let recordName = "vault"

    /// Stored layout (contracts-spec/state.md, "vaults"): mode, quote i128, collateral balances.
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(mode: try c.fields(\.mode), quote: try c.i128(\.quote, "quote"), collateral: try c.fields(\.collateral))
    }
}

/// Mode u8 (0 cross, 1 isolated, 2 portfolio), with the market u32 for isolated.
extension VaultMode: RecordLayout {
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        switch try c.u8(\.tag, "mode") {
        case 0: self = .cross
        case 1: self = .isolated(market: try c.u32({ if case .isolated(let m) = $0 { m } else { 0 } }, "market"))
        case 2: self = .portfolio
        default: throw ProtocolError(.invalidField, "vault mode")
        }
    }

    var tag: UInt8 {
        switch self {
        case .cross: return 0
        case .isolated: return 1
        case .portfolio: return 2
        }
    }
}

extension StateReader {
    public func vault(_ id: VaultID) -> Vault? { storedVault(id) }

    /// The stored record decoded, without any reader's cache.
    func storedVault(_ id: VaultID) -> Vault? {
        guard let bytes = get(.vaults, id.key) else { return nil }
        return decodeStored(bytes, "vault \(id)", Vault.decode)
    }
}

extension StateOverlay {
    public func putVault(_ id: VaultID, _ vault: Vault) {
        putTyped(.vaults, id.key, vault.encoded())
        remember(vault, of: id)
    }
}
