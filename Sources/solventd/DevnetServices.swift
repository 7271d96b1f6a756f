import Foundation
import Logging
import ServiceLifecycle
import SolventClient
import SolventCore
import SolventCrypto
import SolventNode
import SolventWire
import Synchronization

/// The devnet's configuration (RPC URL, keys) and its node, published once the node listens:
/// the built-in feeder and keeper wait for them before they start.
final class DevnetReady: Sendable {
    typealias Published = (config: DevnetConfig, node: Node)
    private let state = Mutex<(config: Published?, waiting: [CheckedContinuation<Published?, Never>])>((nil, []))

    func publish(_ config: DevnetConfig, node: Node) {
        let waiting = state.withLock { s in
            s.config = (config, node)
            defer { s.waiting = [] }
            return s.waiting
        }
        for w in waiting { w.resume(returning: (config, node)) }
    }

    /// The configuration once published, or nil if the service group shuts down first.
    func wait() async -> Published? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { s -> Published?? in
                    if let c = s.config { return .some(c) }
                    if Task.isCancelled { return .some(nil) }
                    s.waiting.append(continuation)
                    return .none
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            let waiting = state.withLock { s in defer { s.waiting = [] }; return s.waiting }
            for w in waiting { w.resume(returning: nil) }
        }
    }

    /// A built-in companion of the devnet (feeder, keeper) run as a service of the node's group: it
    /// starts once the devnet is published and stops on graceful shutdown, before the RPC server does.
    func runCompanion(_ companion: @escaping @Sendable (Published) async throws -> Void) async throws {
        try await cancelWhenGracefulShutdown {
            guard let published = await self.wait() else { return }
            try await companion(published)
        }
    }
}

/// The devnet's built-in oracle feeder as a service of the node's group: the devnet signer keys
/// report a seeded GBM price path, handed to the node in its own process (no HTTP), so prices
/// move out of the box. It stops on graceful shutdown, before the RPC server does.
struct FeederService: Service {
    let intervalMs: Int
    let ready: DevnetReady
    let logger: Logger

    func run() async throws {
        try await ready.runCompanion { config, node in
            guard let relayer = try? config.oracle.relayer?.key(), !config.oracle.signers.isEmpty,
                  let signers = try? config.oracle.signers.map({ try $0.key() }) else {
                logger.warning("no devnet oracle keys in this genesis: the built-in feeder is off")
                return
            }
            var options = OracleFeeder.Options()
            options.intervalMs = intervalMs
            let logger = logger
            let feeder = OracleFeeder(client: InProcessNode(node: node), signers: signers, relayer: relayer, options: options) { line in
                logger.debug("\(line)", metadata: ["component": "feeder"])
            }
            logger.info("oracle feeder started", metadata: ["signers": "\(signers.count)", "interval_ms": "\(intervalMs)"])
            do {
                _ = try await feeder.run()
            } catch where !Task.isCancelled {
                logger.error("oracle feeder stopped", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// The devnet's built-in keeper as a service of the node's group: a dev account funds its vault
/// 0 once and then liquidates whatever becomes liquidatable, logging each result. It reads the
/// node through its RPC, as any keeper does (its probes are the RPC's read models).
struct KeeperService: Service {
    let account: String
    let deposit: String
    let ready: DevnetReady
    let logger: Logger

    func run() async throws {
        try await ready.runCompanion { config, _ in
            guard let dev = config.accounts.first(where: { $0.name == account }), let key = try? dev.key() else {
                logger.error("no devnet account \(account): the built-in keeper is off")
                return
            }
            let client = RPCClient(baseURL: config.rpc, timeoutSeconds: 30, retryConnecting: true)
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
                let logger = logger
                let keeper = Keeper(client: client, key: key, options: options, logger: logger) { attempt in
                    logger.info("\(Keeper.describe(attempt))", metadata: ["component": "keeper"])
                }
                logger.info("keeper started", metadata: ["account": "\(dev.name)", "address": "\(dev.address)"])
                try await keeper.run()
            } catch where !Task.isCancelled {
                logger.error("keeper stopped", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// The node as the built-in feeder sees it, in the same process: reads from the committed state
/// and the chain clock, submissions straight into the engine's admission.
struct InProcessNode: FeederNode {
    let node: Node

    func chainId() async throws -> String { node.chainId }
    func oracleState() async throws -> OracleReply { try node.oracleReply() }
    func chainTimeMs() async throws -> UInt64 { node.producer.chainClockMs() }

    func nextNonce(of address: Address) async throws -> UInt64 {
        if let pending = node.producer.mempool.nextNonce(address) { return pending }
        return try node.store.withState { state, _ in state.account(address)?.nonce ?? 0 }
    }

    func submit(_ tx: SignedTransaction) async throws -> (hash: String, queued: Bool) {
        switch try await node.admit([tx.bytes])[0] {
        case .success(let accepted): return (tx.hash.hex, accepted.queued)
        case .failure(let refusal): throw ClientError(refusal.code.name, refusal.message)
        }
    }
}
