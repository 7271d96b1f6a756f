import ArgumentParser
import Foundation
import ServiceLifecycle
import SolventClient
import SolventCompanions
import SolventCore
import SolventDevnet
import SolventNode
import SolventStore

struct Devnet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a local devnet with funded, well-known dev accounts (initialising the home on first use).")

    @OptionGroup var home: DevnetHomeOption
    @OptionGroup var options: RunOptions

    @Option(name: .long, help: "Genesis for a new home (default: genesis/devnet.json if present, else the built-in devnet genesis).")
    var genesis: String?

    @Option(name: .customLong("config-out"), help: "Write chain id, RPC URL and the dev accounts (with private keys) as JSON to this file.")
    var configOut: String?

    @Flag(name: .long, help: "Delete the home's chain first and start again from genesis.")
    var reset = false

    @Flag(name: .customLong("no-feeder"), help: "Do not run the built-in oracle feeder (prices then go stale unless you feed them).")
    var noFeeder = false

    @Option(name: .customLong("feeder-interval-ms"), help: "How often the built-in feeder sends price updates.")
    var feederIntervalMs: Int = 1000

    @Flag(name: .long, help: "Run a keeper bot that liquidates every liquidatable vault (from --keeper-account).")
    var keeper = false

    @Option(name: .customLong("keeper-account"), help: "The dev account the built-in keeper signs with.")
    var keeperAccount = "dev9"

    @Option(name: .customLong("keeper-deposit"), help: "USDC the built-in keeper deposits into its vault 0 if it has none.")
    var keeperDeposit = "100000"

    func run() async throws {
        let logger = options.logger()
        let home = home.resolve()
        let lock = try home.lock(for: "devnet")
        defer { lock.release() }
        if reset {
            // The chain goes; the lock file stays, held by this process.
            for directory in [home.configDirectory, home.dataDirectory] where FileManager.default.fileExists(atPath: directory) {
                try FileManager.default.removeItem(atPath: directory)
            }
        }
        if !home.isInitialized {
            let file = genesis ?? (FileManager.default.fileExists(atPath: "genesis/devnet.json") ? "genesis/devnet.json" : nil)
            let g = try file.map(GenesisFile.load) ?? DevnetKeys.devnetGenesis()
            try home.initialize(genesis: g)
            logger.info("initialised devnet home", metadata: ["home": "\(home.path)", "genesis": "\(file ?? "built-in")"])
        }
        let genesis = try home.openStore(readOnly: true).genesis
        let configOut = configOut
        let ready = DevnetReady()
        var services = [any Service]()
        if !noFeeder { services.append(FeederService(intervalMs: feederIntervalMs, ready: ready, logger: logger)) }
        if keeper { services.append(KeeperService(account: keeperAccount, deposit: keeperDeposit, ready: ready, logger: logger)) }
        let pidFile = PidFile(path: home.path + "/" + DevnetConfig.pidFileName)
        defer { pidFile.remove() }
        try await runNode(home: home, options: options, devnet: true, logger: logger, services: services) { url, node in
            // Written once the node has opened its home and listens, so a second devnet refused
            // on the same home never replaces the running one's pid.
            pidFile.write()
            let config = DevnetConfig.derive(from: genesis, rpc: url)
            let banner = config.banner(wallets: Self.wallets(node, config.accounts.map(\.address)), pid: pidFile.pid, home: home.path)
            FileHandle.standardOutput.write(Data((banner + "\n").utf8))
            if let configOut {
                do {
                    try config.write(to: configOut)
                } catch {
                    logger.error("cannot write --config-out", metadata: ["file": "\(configOut)", "error": "\(error)"])
                }
            }
            ready.publish(config, node: node)
        }
    }
}

extension Devnet {
    /// Each address's wallet as the chain holds it now, "1000000 USDC, 10 BTC, 100 ETH".
    static func wallets(_ node: Node, _ addresses: [String]) -> [String: String] {
        guard let assets = try? node.store.assets() else { return [:] }
        let result = try? node.store.withState { state, _ in
            Dictionary(uniqueKeysWithValues: addresses.compactMap { text -> (String, String)? in
                guard let address = Address(text: text) else { return nil }
                let entries = state.account(address)?.wallet.entries ?? []
                let shown = entries.map { e in
                    let asset = assets.first { $0.id == e.asset }
                    return "\(Amount.format(e.amount, decimals: Int(asset?.decimals ?? 0))) \(asset?.symbol ?? "asset\(e.asset)")"
                }
                return (text, shown.isEmpty ? "empty wallet" : shown.joined(separator: ", "))
            })
        }
        return result ?? [:]
    }
}

/// `HOME/solventd.pid` while a devnet runs, so a script can stop (or kill -9) this node and no
/// other: `kill -9 $(cat ~/.solventd/devnet/solventd.pid)`. Removed on a clean stop; a kill -9
/// leaves it, and the next start writes its own.
struct PidFile {
    let path: String
    var pid: Int32 { getpid() }

    func write() {
        try? Data("\(pid)\n".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    func remove() {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              text.trimmingCharacters(in: .whitespacesAndNewlines) == String(pid) else { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}
