import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SolventDevnet
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
/// `services` (the devnet's feeder and keeper) run in the same service group, started after the
/// node and stopped before it.
func runNode(home: NodeHome, options: RunOptions, devnet: Bool, logger: Logger, services: [any Service] = [],
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
    // Services stop in reverse order: the feeder and keeper first, then the RPC server, then the
    // block producer, which finishes the block it is committing.
    let group = ServiceGroup(configuration: .init(
        services: [.init(service: NodeService(node: node)), .init(service: app)]
            // A helper that ends (no oracle keys, a keeper error) leaves the node running.
            + services.map { .init(service: $0, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore) },
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
