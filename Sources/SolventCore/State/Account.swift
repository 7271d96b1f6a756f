/// An account: an Ed25519 public key with a nonce and wallet balances per asset. It exists once it
/// has received something (genesis or a send). Its vaults are numbered 0..<vaultCount.
/// The fields are generated from the record's layout (state.md, "account").
extension Account: StoredRecord {}

extension StateReader {
    public func account(_ address: Address) -> Account? { storedAccount(address) }

    /// The stored record decoded, without any reader's cache.
    func storedAccount(_ address: Address) -> Account? {
        guard let bytes = get(.accounts, address.key.bytes) else { return nil }
        return decodeStored(bytes, "account \(address)", Account.decode)
    }
}

extension StateOverlay {
    public func putAccount(_ address: Address, _ account: Account) {
        putTyped(.accounts, address.key.bytes, account.encoded())
        remember(account, of: address)
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
