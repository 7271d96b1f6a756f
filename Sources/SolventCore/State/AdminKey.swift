/// The genesis admin: the one key allowed to change the oracle's signers and limits (and, in
/// later mechanisms, to list markets and change their parameters). Stored in the `params` table
/// under the key "admin": record version u8, then the 32-byte public key.
public enum AdminKey {
    static let key: [UInt8] = Array("admin".utf8)

    static func encode(_ admin: Address) -> [UInt8] { VersionedValue(admin.key).encoded() }

    /// Refuses anyone but the admin with `unauthorized`.
    static func require(_ sender: Address, _ state: some StateReader, to what: String) throws(ProtocolError) {
        guard let admin = state.admin(), admin == sender else {
            throw ProtocolError(.unauthorized, "only the admin key may \(what)")
        }
    }
}

extension StateReader {
    public func admin() -> Address? {
        guard let bytes = get(.params, AdminKey.key), let admin = try? VersionedValue<Bytes32>.decode(bytes) else { return nil }
        return Address(admin.value)
    }
}

extension StateOverlay {
    public func putAdmin(_ admin: Address) { put(.params, AdminKey.key, AdminKey.encode(admin)) }
}

import SolventCrypto

/// Whether the chain is a devnet (its genesis has a `devnet` section): the record
/// `protocol/devnet_mode` = [1, 1] (version, flag) exists. Devnet-only transactions check it.
enum DevnetMode {
    static let key: [UInt8] = Array("devnet_mode".utf8)
}

extension StateReader {
    public var isDevnetChain: Bool {
        self.get(.protocolAccounts, DevnetMode.key).flatMap { try? VersionedValue<Bool>.decode($0).value } ?? false
    }
}

extension StateOverlay {
    func markDevnetChain() { put(.protocolAccounts, DevnetMode.key, VersionedValue(true).encoded()) }
}
