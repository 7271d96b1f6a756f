import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventWire

/// A devnet key printed at start and written by `--config-out`.
public struct DevKey: Codable, Sendable {
    public let name: String
    public let address: String
    public let privateKey: String

    init(name: String, key: PrivateKey) {
        self.name = name
        address = Address(key.publicKey).text
        privateKey = Hex.encode(key.seed)
    }

    public func key() throws -> PrivateKey {
        guard let seed = Hex.decode(privateKey), let key = PrivateKey(seed: seed) else {
            throw ClientError("invalid_private_key", "devnet key \(name) is not a valid private key")
        }
        return key
    }
}

/// What `solventd devnet --config-out FILE` writes and `solvent oracle feed --devnet-config FILE`
/// reads: the chain, its RPC URL and every well-known key (all of them public).
public struct DevnetConfig: Codable, Sendable {
    public struct Oracle: Codable, Sendable {
        public let quorum: Int
        public let signers: [DevKey]
        /// The funded account the devnet feeder sends its updates from.
        public let relayer: DevKey?
    }

    public let chainId: String
    public let rpc: String
    public let warning: String
    /// Funded accounts: dev0 ... dev9, admin, oracle-relayer.
    public let accounts: [DevKey]
    public let admin: DevKey?
    public let oracle: Oracle

    /// The keys of `genesis` that derive from its devnet seed phrase (none for other genesis files).
    public static func derive(from genesis: Genesis, rpc: String) -> DevnetConfig {
        let phrase = genesis.devnet?.seedPhrase
        var byAddress = [String: PrivateKey]()
        if let phrase {
            for i in 0..<genesis.accounts.count { byAddress[Address(DevnetKeys.account(i, phrase: phrase).publicKey).text] = DevnetKeys.account(i, phrase: phrase) }
            for key in [DevnetKeys.admin(phrase: phrase), DevnetKeys.oracleRelayer(phrase: phrase)] { byAddress[Address(key.publicKey).text] = key }
        }
        let accounts = genesis.accounts.enumerated().compactMap { i, entry -> DevKey? in
            guard let address = Address(text: entry.address), let key = byAddress[address.text] else { return nil }
            return DevKey(name: entry.name ?? "account\(i)", key: key)
        }
        var signers = [DevKey]()
        if let phrase {
            let whitelisted = Set(genesis.oracle.signers.compactMap { Hex.decode($0).flatMap { Bytes32($0) } })
            for j in 0..<max(genesis.oracle.signers.count, DevnetKeys.oracleSignerCount) {
                let key = DevnetKeys.oracleSigner(j, phrase: phrase)
                if whitelisted.contains(key.publicKey) {
                    signers.append(DevKey(name: "oracle\(j)", key: key))
                }
            }
        }
        let adminAddress = Hex.decode(genesis.admin).flatMap { Bytes32($0) }.map { Address($0).text }
        let admin = accounts.first { $0.address == adminAddress }
        return DevnetConfig(
            chainId: genesis.chainId, rpc: rpc, warning: DevnetKeys.warning, accounts: accounts, admin: admin,
            oracle: Oracle(quorum: Int(genesis.oracle.settings.quorum), signers: signers,
                           relayer: accounts.first { $0.name == "oracle-relayer" }))
    }

    public func write(to path: String) throws {
        try WireJSON.fileEncoder().encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The file in a devnet's home that holds its process id while it runs (devnet.md, "Running a devnet").
    public static let pidFileName = "solventd.pid"

    public static func read(from path: String) throws -> DevnetConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClientError("devnet_config", "cannot read \(path)")
        }
        do {
            return try WireJSON.decoder().decode(DevnetConfig.self, from: data)
        } catch {
            throw ClientError("devnet_config", "\(path) is not a devnet config written by `solventd devnet --config-out`: \(error)")
        }
    }

    /// The banner `solventd devnet` prints: the chain, the node's process and home, then each
    /// account with its wallet (`wallets`: address to "1000000 USDC, 10 BTC, ..." as the chain holds
    /// it now) and private key, and the oracle signers.
    public func banner(wallets: [String: String] = [:], pid: Int32? = nil, home: String? = nil) -> String {
        let rule = String(repeating: "=", count: 100)
        var lines = [rule, "Solvent devnet \(chainId) at \(rpc)"]
        if let pid {
            lines.append("process \(pid)\(home.map { ", home \($0) (pid also in \($0)/\(Self.pidFileName))" } ?? ""); "
                + "stop: Ctrl-C or kill -INT \(pid); kill hard: kill -9 \(pid)")
        }
        lines += ["", warning, ""]
        let width = max(15, (accounts.map(\.name.count).max() ?? 0) + 1)
        for a in accounts {
            lines.append("\(a.name.padding(toLength: width, withPad: " ", startingAt: 0)) \(a.address)  \(wallets[a.address] ?? "")")
            lines.append(String(repeating: " ", count: width + 1) + "private key \(a.privateKey)")
        }
        lines.append("")
        lines.append("oracle signers (quorum \(oracle.quorum)):")
        for s in oracle.signers { lines.append("  \(s.name.padding(toLength: 13, withPad: " ", startingAt: 0)) private key \(s.privateKey)") }
        lines += ["", "Import one:  solvent keys import dev0 --private-key <hex> --keyring-backend test", rule]
        return lines.joined(separator: "\n")
    }
}
