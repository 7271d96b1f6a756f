import Foundation
import Logging
import ServiceLifecycle
import SolventClient
import SolventCore
import SolventCrypto
import Synchronization

/// The devnet's configuration (RPC URL, keys), published once the node listens: the built-in
/// feeder and keeper wait for it before they start.
final class DevnetReady: Sendable {
    private let state = Mutex<(config: DevnetConfig?, waiting: [CheckedContinuation<DevnetConfig?, Never>])>((nil, []))

    func publish(_ config: DevnetConfig) {
        let waiting = state.withLock { s in
            s.config = config
            defer { s.waiting = [] }
            return s.waiting
        }
        for w in waiting { w.resume(returning: config) }
    }

    /// The configuration once published, or nil if the service group shuts down first.
    func wait() async -> DevnetConfig? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { s -> DevnetConfig?? in
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
}

/// The devnet's built-in oracle feeder as a service of the node's group: the devnet signer keys
/// report a seeded GBM price path through the node's RPC, so prices move out of the box. It
/// stops on graceful shutdown, before the RPC server does.
struct FeederService: Service {
    let intervalMs: Int
    let ready: DevnetReady
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            guard let config = await ready.wait() else { return }
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
/// 0 once and then liquidates whatever becomes liquidatable, logging each result.
struct KeeperService: Service {
    let account: String
    let deposit: String
    let ready: DevnetReady
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            guard let config = await ready.wait() else { return }
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
