import Foundation
import SolventCore
import SolventCrypto

/// The devnet's well-known accounts, printed at start and written by `--config-out`.
public struct DevAccount: Codable, Sendable {
    public let name: String
    public let address: String
    public let privateKey: String

    enum CodingKeys: String, CodingKey { case name, address, privateKey = "private_key" }
}

public enum DevAccounts {
    /// Genesis accounts whose key derives from the genesis seed phrase as `dev/i`.
    public static func list(genesis: Genesis) -> [DevAccount] {
        guard let phrase = genesis.devnet?.seedPhrase else { return [] }
        var out = [DevAccount]()
        var byAddress = [String: PrivateKey]()
        for i in 0..<max(genesis.accounts.count, 1) {
            let key = DevnetKeys.account(i, phrase: phrase)
            byAddress[Address(key.publicKey).text] = key
        }
        for (i, entry) in genesis.accounts.enumerated() {
            guard let address = Address(text: entry.address), let key = byAddress[address.text] else { continue }
            out.append(DevAccount(name: entry.name ?? "dev\(i)", address: address.text, privateKey: Hex.encode(key.seed)))
        }
        return out
    }

    public static func print(_ accounts: [DevAccount], chainId: String, rpc: String) {
        let rule = String(repeating: "=", count: 100)
        var lines = [rule, "Solvent devnet \(chainId) at \(rpc)", "", DevnetKeys.warning, ""]
        for a in accounts {
            lines.append("\(a.name.padding(toLength: 6, withPad: " ", startingAt: 0)) \(a.address)")
            lines.append("       private key \(a.privateKey)")
        }
        lines += ["", "Import one:  solvent keys import dev0 --private-key <hex> --keyring-backend test", rule]
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    struct ConfigFile: Encodable {
        let chainId: String
        let rpc: String
        let warning: String
        let accounts: [DevAccount]
        enum CodingKeys: String, CodingKey { case chainId = "chain_id", rpc, warning, accounts }
    }

    public static func writeConfig(_ accounts: [DevAccount], chainId: String, rpc: String, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(ConfigFile(chainId: chainId, rpc: rpc, warning: DevnetKeys.warning, accounts: accounts))
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
