/// An account: an Ed25519 public key with a nonce and wallet balances per asset. It exists once it
/// has received something (genesis or a send). Its vaults are numbered 0..<vaultCount.
public struct Account: Equatable, Sendable {
    /// The nonce the account's next transaction must carry.
    public var nonce: UInt64 = 0
    public var vaultCount: UInt32 = 0
    public var wallet = Balances()

    public init(nonce: UInt64 = 0, vaultCount: UInt32 = 0, wallet: Balances = Balances()) {
        self.nonce = nonce
        self.vaultCount = vaultCount
        self.wallet = wallet
    }

    static let recordVersion: UInt8 = 1

    /// Stored encoding (contracts-spec/state.md): version u8, nonce u64, vault_count u32, balances.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 16 + 20 * wallet.entries.count)
        w.u8(Self.recordVersion)
        w.u64(nonce)
        w.u32(vaultCount)
        wallet.encode(into: &w)
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(ProtocolError) -> Account {
        var r = ByteReader(bytes)
        guard try r.u8("account version") == recordVersion else {
            throw ProtocolError(.unknownVersion, "account record version")
        }
        let account = Account(nonce: try r.u64("nonce"), vaultCount: try r.u32("vault_count"),
                              wallet: try Balances.decode(from: &r))
        try r.expectEnd()
        return account
    }
}

extension StateReader {
    public func account(_ address: Address) -> Account? {
        guard let bytes = get(.accounts, address.key.bytes) else { return nil }
        return decodeStored(bytes, "account \(address)", Account.decode)
    }
}

extension StateOverlay {
    public func putAccount(_ address: Address, _ account: Account) {
        put(.accounts, address.key.bytes, account.encoded())
    }
}

/// Stored records are written only by the state machine itself; one that does not decode means
/// the store is damaged, and the node must stop rather than fork.
func decodeStored<T>(_ bytes: [UInt8], _ what: @autoclosure () -> String,
                     _ decode: ([UInt8]) throws(ProtocolError) -> T) -> T {
    do {
        return try decode(bytes)
    } catch {
        fatalError("state is corrupt: \(what()) does not decode (\(error)); restore from a dump or replay")
    }
}
