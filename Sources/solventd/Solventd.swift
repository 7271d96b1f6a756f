import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SolventEngine
import SolventClient
import SolventCore
import SolventCrypto
import SolventNode
import SolventStore

@main
struct Solventd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solventd",
        abstract: "The Solvent node: a single-validator chain for a simulated margin protocol.",
        discussion: "Shell completions: solventd --generate-completion-script bash|zsh|fish.",
        version: SolventVersion.current,
        subcommands: [Init.self, Start.self, Devnet.self, Replay.self, GenesisCommand.self, MarginCommand.self, DumpCommand.self, LoadCommand.self])

    /// A command line that does not parse exits 2 with `error: invalid_argument: ...`, as `solvent`'s does.
    static func main() async {
        do {
            try await parseAndRun(Array(CommandLine.arguments.dropFirst()))
        } catch {
            exit(withError: error)
        }
    }
}

/// Where the node keeps its data: `--home`, else $SOLVENTD_HOME, else ~/.solventd (a devnet:
/// ~/.solventd/devnet).
struct HomeOption: ParsableArguments {
    static let nodeDefault = "~/.solventd"
    static let devnetDefault = "~/.solventd/devnet"

    @Option(name: .long, help: "Node home directory (default: $SOLVENTD_HOME, else \(HomeOption.nodeDefault)).")
    var home: String?

    func resolve() -> NodeHome { Self.resolve(home, default: Self.nodeDefault) }

    static func resolve(_ flag: String?, default fallback: String) -> NodeHome {
        NodeHome(path: flag ?? ProcessInfo.processInfo.environment["SOLVENTD_HOME"] ?? fallback)
    }
}

/// `solventd devnet`'s home: the same rule with the devnet's own default.
struct DevnetHomeOption: ParsableArguments {
    @Option(name: .long, help: "Devnet home directory (default: $SOLVENTD_HOME, else \(HomeOption.devnetDefault)).")
    var home: String?

    func resolve() -> NodeHome { HomeOption.resolve(home, default: HomeOption.devnetDefault) }
}

struct RunOptions: ParsableArguments {
    @Option(name: .long, help: "RPC listen address HOST:PORT (port 0 picks a free port).")
    var rpc: String = "127.0.0.1:26657"

    @Option(name: .customLong("block-time"), help: "Produce a block every N milliseconds.")
    var blockTime: Int = 1000

    @Flag(name: .long, help: "Produce a block as soon as transactions arrive.")
    var automine = false

    @Flag(name: .long, help: "Produce blocks only when asked (solvent devnet mine).")
    var manual = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(name: .customLong("rpc-max-connections"), help: "RPC connections served at once; more get 503 (default 2048, lowered to fit the open-file limit).")
    var rpcMaxConnections: Int?

    @Option(name: .customLong("rpc-idle-timeout"), help: "Seconds an RPC connection may sit with no request before it is closed (default 75).")
    var rpcIdleTimeout: Int?

    @Option(name: .customLong("rpc-head-timeout"), help: "Seconds a request's line and headers may take to arrive (default 10).")
    var rpcHeadTimeout: Int?

    func validate() throws {
        guard !(automine && manual) else { throw ValidationError("choose one of --automine and --manual") }
        for (flag, value) in [("--rpc-max-connections", rpcMaxConnections), ("--rpc-idle-timeout", rpcIdleTimeout), ("--rpc-head-timeout", rpcHeadTimeout)] {
            if let value, !(1...1_000_000).contains(value) { throw ValidationError("\(flag) must be 1 to 1000000") }
        }
        guard blockTime >= 1 && blockTime <= 3_600_000 else { throw ValidationError("--block-time must be 1 to 3600000 ms") }
        _ = try hostPort()
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
    }

    func hostPort() throws -> (String, Int) {
        let parts = rpc.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (0...65535).contains(port) else {
            throw ValidationError("--rpc must be HOST:PORT, e.g. 127.0.0.1:26657")
        }
        return (String(parts[0]), port)
    }

    var rpcLimits: RPCLimits {
        var limits = RPCLimits()
        if let rpcMaxConnections { limits.maxConnections = rpcMaxConnections }
        if let rpcIdleTimeout { limits.idleTimeout = .seconds(rpcIdleTimeout) }
        if let rpcHeadTimeout { limits.headTimeout = .seconds(rpcHeadTimeout) }
        return limits
    }

    var blockMode: BlockMode {
        if automine { return .automine }
        if manual { return .manual }
        return .interval(milliseconds: blockTime)
    }

    func logger() -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "solventd")
    }
}

/// Runs a node on an initialised home until SIGINT or SIGTERM.
func runNode(home: NodeHome, options: RunOptions, devnet: Bool, logger: Logger,
             onReady: @escaping @Sendable (String, Node) -> Void = { _, _ in }) async throws {
    let (host, port) = try options.hostPort()
    let config = NodeConfig(home: home, rpcHost: host, rpcPort: port, blockMode: options.blockMode, devnet: devnet,
                            rpcLimits: options.rpcLimits)
    let node = try Node(config: config, logger: logger)
    let head = try node.store.head()
    logger.info("opened chain", metadata: [
        "chain_id": "\(node.chainId)", "height": "\(head.height)", "app_hash": "\(head.appHash.hex)",
        "home": "\(home.path)", "mode": "\(options.blockMode)",
    ])
    let app = RPCServer.application(for: node, logger: logger) { boundPort in
        let url = "http://\(host):\(boundPort)"
        logger.info("RPC listening", metadata: ["url": "\(url)"])
        onReady(url, node)
    }
    // Services stop in reverse order: the RPC server first, then the block producer, which
    // finishes the block it is committing.
    let group = ServiceGroup(configuration: .init(
        services: [.init(service: NodeService(node: node)), .init(service: app)],
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger))
    try await group.run()
    let finalHeight = try node.store.head().height
    logger.info("node stopped", metadata: ["height": "\(finalHeight)"])
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a node home from a genesis file.")

    @OptionGroup var home: HomeOption

    @Option(name: .long, help: "Genesis JSON file (default: the built-in devnet genesis).")
    var genesis: String?

    @Option(name: .customLong("validator-key-file"), help: "File holding the validator's private key as hex (needed unless the genesis is a devnet one).")
    var validatorKeyFile: String?

    func run() throws {
        let home = home.resolve()
        let genesis = try genesis.map(GenesisFile.load) ?? DevnetKeys.devnetGenesis()
        let engine = try home.initialize(genesis: genesis, validatorKey: try Init.validatorKey(validatorKeyFile))
        let head = try engine.store.head()
        print("initialised \(home.path) for chain \(genesis.chainId); genesis app hash \(head.appHash.hex)")
    }
}

extension Init {
    /// The validator key in a hex file, or nil without one (a devnet genesis has its own).
    static func validatorKey(_ file: String?) throws -> PrivateKey? {
        guard let file else { return nil }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
              let seed = Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), let k = PrivateKey(seed: seed) else {
            throw ValidationError("\(file) does not hold a 32-byte private key in hex")
        }
        return k
    }
}

struct Start: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the node on an initialised home.")

    @OptionGroup var home: HomeOption
    @OptionGroup var options: RunOptions

    @Flag(name: .long, help: "Enable the devnet controls (/v1/devnet/...).")
    var devnet = false

    func run() async throws {
        let logger = options.logger()
        let home = home.resolve()
        guard home.isInitialized else { throw ValidationError("\(home.path) is not initialised; run `solventd init --home \(home.path)` first") }
        let lock = try home.lock(for: "start")
        defer { lock.release() }
        try await runNode(home: home, options: options, devnet: devnet, logger: logger)
    }
}

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
        let feeder = noFeeder ? nil : FeederTask(intervalMs: feederIntervalMs, logger: logger)
        defer { feeder?.stop() }
        let keeperTask = keeper ? KeeperTask(account: keeperAccount, deposit: keeperDeposit, logger: logger) : nil
        defer { keeperTask?.stop() }
        let pidFile = PidFile(path: home.path + "/" + DevnetConfig.pidFileName)
        defer { pidFile.remove() }
        try await runNode(home: home, options: options, devnet: true, logger: logger) { url, node in
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
            feeder?.start(config: config)
            keeperTask?.start(config: config)
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

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-execute every stored block from genesis into a fresh store and check every app hash.")

    @OptionGroup var home: HomeOption

    @Option(name: .long, help: "Replay into this directory (default: a temporary directory, removed afterwards).")
    var into: String?

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func run() throws {
        let home = home.resolve()
        let source = try home.openStore(readOnly: true)
        // A node writing blocks meanwhile would make the final state comparison fail confusingly.
        let lock = try home.lock(for: "replay")
        defer { lock.release() }
        let target = into ?? NSTemporaryDirectory() + "solvent-replay-\(ProcessInfo.processInfo.processIdentifier)"
        guard !ChainStore.exists(directory: target) else { throw ValidationError("\(target) already holds a chain") }
        defer { if into == nil { try? FileManager.default.removeItem(atPath: target) } }
        let started = Date()
        var lastReport = Date.distantPast
        let result = try ChainReplay.run(source: source, into: target) { height, total, txs in
            let now = Date()
            if now.timeIntervalSince(lastReport) >= 1 || height == total {
                lastReport = now
                let pct = total == 0 ? 100 : Int(height * 100 / total)
                FileHandle.standardError.write(Data("replay: block \(height)/\(total) (\(pct)%), \(txs) transactions\n".utf8))
            }
        }
        let seconds = Date().timeIntervalSince(started)
        if json {
            print("{\"verified_blocks\":\(result.blocks),\"transactions\":\(result.transactions),\"app_hash\":\"\(result.appHash)\",\"state_entries\":\(result.stateEntries)}")
        } else {
            print("verified \(result.blocks) blocks and \(result.transactions) transactions in \(String(format: "%.1f", seconds)) s; "
                + "app hash \(result.appHash) matches at every height; \(result.stateEntries) state entries equal a full recomputation")
        }
    }
}

struct GenesisCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genesis", abstract: "Print genesis documents.",
        subcommands: [DevnetGenesis.self, ValidateGenesis.self])

    struct DevnetGenesis: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "devnet", abstract: "Print the devnet genesis derived from the published dev seed (genesis/devnet.json).")
        func run() throws {
            FileHandle.standardOutput.write(Data(try GenesisFile.encode(DevnetKeys.devnetGenesis())))
        }
    }

    struct ValidateGenesis: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check a genesis file.")
        @Argument var file: String
        func run() throws {
            let g = try GenesisFile.load(path: file)
            let (_, hash) = try StateMachine.initChain(g)
            print("\(file): valid genesis for chain \(g.chainId); genesis app hash \(hash.appHash.hex)")
        }
    }
}

/// The devnet's built-in oracle feeder: the devnet signer keys report a seeded GBM price path
/// through the node's own RPC, so prices move out of the box.
final class FeederTask: @unchecked Sendable {
    let intervalMs: Int
    let logger: Logger
    private var task: Task<Void, Never>?

    init(intervalMs: Int, logger: Logger) {
        self.intervalMs = intervalMs
        self.logger = logger
    }

    func start(config: DevnetConfig) {
        guard let relayer = try? config.oracle.relayer?.key(), !config.oracle.signers.isEmpty,
              let signers = try? config.oracle.signers.map({ try $0.key() }) else {
            logger.warning("no devnet oracle keys in this genesis: the built-in feeder is off")
            return
        }
        var options = OracleFeeder.Options()
        options.intervalMs = intervalMs
        let logger = logger
        let feeder = OracleFeeder(client: RPCClient(baseURL: config.rpc, timeoutSeconds: 10, retryConnecting: true),
                                  signers: signers, relayer: relayer, options: options) { line in
            logger.debug("\(line)", metadata: ["component": "feeder"])
        }
        task = Task {
            do {
                try await feeder.run()
            } catch {
                logger.error("oracle feeder stopped", metadata: ["error": "\(error)"])
            }
        }
        logger.info("oracle feeder started", metadata: ["signers": "\(signers.count)", "interval_ms": "\(intervalMs)"])
    }

    func stop() { task?.cancel() }
}

/// The devnet's built-in keeper: a dev account funds its vault 0 once and then liquidates
/// whatever becomes liquidatable, logging each result.
final class KeeperTask: @unchecked Sendable {
    let account: String
    let deposit: String
    let logger: Logger
    private var task: Task<Void, Never>?

    init(account: String, deposit: String, logger: Logger) {
        self.account = account
        self.deposit = deposit
        self.logger = logger
    }

    func start(config: DevnetConfig) {
        guard let dev = config.accounts.first(where: { $0.name == account }), let key = try? dev.key() else {
            logger.error("no devnet account \(account): the built-in keeper is off")
            return
        }
        let logger = logger, deposit = deposit
        let client = RPCClient(baseURL: config.rpc, timeoutSeconds: 30, retryConnecting: true)
        task = Task {
            do {
                if try await client.account(dev.address).value.vaults.isEmpty {
                    let usdc = try await TransactionBuilder(client: client).asset("USDC")
                    let tx = try await TransactionBuilder(client: client).sign(
                        .deposit(vault: 0, asset: usdc.id, amount: try TransactionBuilder.quantums(deposit, usdc)), key: key)
                    _ = try await client.submit(hex: Hex.encode(tx.bytes), waitForCommit: true)
                    logger.info("keeper funded its vault", metadata: ["account": "\(dev.name)", "usdc": "\(deposit)"])
                }
                var options = Keeper.Options()
                options.vault = 0
                let keeper = Keeper(client: client, key: key, options: options, logger: logger) { attempt in
                    logger.info("\(Keeper.describe(attempt))", metadata: ["component": "keeper"])
                }
                logger.info("keeper started", metadata: ["account": "\(dev.name)", "address": "\(dev.address)"])
                try await keeper.run()
            } catch {
                logger.error("keeper stopped", metadata: ["error": "\(error)"])
            }
        }
    }

    func stop() { task?.cancel() }
}
