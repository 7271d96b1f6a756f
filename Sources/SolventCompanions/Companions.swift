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
public final class DevnetReady: Sendable {
    public init() {}

    public typealias Published = (config: DevnetConfig, node: Node)
    private let state = Mutex<(config: Published?, waiting: [CheckedContinuation<Published?, Never>])>((nil, []))

    public func publish(_ config: DevnetConfig, node: Node) {
        let waiting = state.withLock { s in
            s.config = (config, node)
            defer { s.waiting = [] }
            return s.waiting
        }
        for w in waiting { w.resume(returning: (config, node)) }
    }

    /// The configuration once published, or nil if the service group shuts down first.
    public func wait() async -> Published? {
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
    public func runCompanion(_ companion: @escaping @Sendable (Published) async throws -> Void) async throws {
        try await cancelWhenGracefulShutdown {
            guard let published = await self.wait() else { return }
            try await companion(published)
        }
    }
}

/// The devnet's built-in oracle feeder as a service of the node's group: the devnet signer keys
/// report a seeded GBM price path, handed to the node in its own process (no HTTP), so prices
/// move out of the box. It stops on graceful shutdown, before the RPC server does.
public struct FeederService: Service {
    let intervalMs: Int
    let ready: DevnetReady
    let logger: Logger

    public init(intervalMs: Int, ready: DevnetReady, logger: Logger) {
        (self.intervalMs, self.ready, self.logger) = (intervalMs, ready, logger)
    }

    public func run() async throws {
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
/// 0 once and then liquidates whatever becomes liquidatable, logging each result. It talks to the
/// node in its own process (InProcessNode: the node's query functions, admission straight into the
/// engine, blocks from the node's bus), with the same logic a keeper uses over the RPC.
public struct KeeperService: Service {
    let account: String
    let deposit: String
    let ready: DevnetReady
    let logger: Logger

    public init(account: String, deposit: String, ready: DevnetReady, logger: Logger) {
        (self.account, self.deposit, self.ready, self.logger) = (account, deposit, ready, logger)
    }

    public func run() async throws {
        try await ready.runCompanion { config, node in
            guard let dev = config.accounts.first(where: { $0.name == account }), let key = try? dev.key() else {
                logger.error("no devnet account \(account): the built-in keeper is off")
                return
            }
            let inProcess = InProcessNode(node: node)
            do {
                if try await inProcess.vaultNumbers(of: Address(key.publicKey)).isEmpty {
                    try await fund(key, through: inProcess)
                    logger.info("keeper funded its vault", metadata: ["account": "\(dev.name)", "usdc": "\(deposit)"])
                }
                var options = Keeper.Options()
                options.vault = 0
                let logger = logger
                let keeper = Keeper(client: inProcess, key: key, options: options, logger: logger) { attempt in
                    logger.info("\(Keeper.describe(attempt))", metadata: ["component": "keeper"])
                }
                logger.info("keeper started", metadata: ["account": "\(dev.name)", "address": "\(dev.address)"])
                try await keeper.run()
            } catch where !Task.isCancelled {
                logger.error("keeper stopped", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Deposits `deposit` USDC into the keeper's vault 0 and waits for the block that commits it.
    private func fund(_ key: PrivateKey, through node: InProcessNode) async throws {
        guard let usdc = try await node.assetList().first(where: { $0.symbol == "USDC" }) else {
            throw ClientError("unknown_asset", "this chain has no USDC")
        }
        let asset = TransactionBuilder.ResolvedAsset(id: usdc.id, symbol: usdc.symbol, decimals: Int(usdc.decimals))
        let tx = Transaction(chainId: try await node.chainId(), sender: Address(key.publicKey),
                             nonce: try await node.nextNonce(of: Address(key.publicKey)),
                             action: .deposit(vault: 0, asset: usdc.id, amount: try TransactionBuilder.quantums(deposit, asset))).signed(with: key)
        // Subscribed before submitting, so the block that commits it cannot pass unseen.
        let heights = node.node.committedHeights()
        let hash = try await node.submit(tx).hash
        for await _ in heights {
            guard let receipt = try await node.committedReceipt(hash) else { continue }
            guard receipt.succeeded else { throw ClientError(receipt.code, receipt.message) }
            return
        }
    }
}

/// The node as the built-in feeder and keeper see it, in the same process: the node's query
/// functions on the committed state, the chain clock, submissions straight into the engine's
/// admission and blocks from the node's bus.
public struct InProcessNode: KeeperNode {
    public let node: Node

    public init(node: Node) { self.node = node }

    public func chainId() async throws -> String { node.chainId }
    public func oracleState() async throws -> OracleReply { try node.oracleReply() }
    public func chainTimeMs() async throws -> UInt64 { node.producer.chainClockMs() }

    public func nextNonce(of address: Address) async throws -> UInt64 {
        if let pending = node.producer.mempool.nextNonce(address) { return pending }
        return try node.store.withState { state, _ in state.account(address)?.nonce ?? 0 }
    }

    public func submit(_ tx: SignedTransaction) async throws -> (hash: String, queued: Bool) {
        switch try await node.admit([tx.bytes])[0] {
        case .success(let accepted): return (tx.hash.hex, accepted.queued)
        case .failure(let refusal): throw ClientError(refusal.code.name, refusal.message)
        }
    }

    public func headHeight() async throws -> UInt64 { node.latestHead.height }
    public func vaultNumbers(of owner: Address) async throws -> [UInt32] { try node.accountReply(owner).vaults }
    public func liquidatableVaults(limit: Int) async throws -> LiquidatableReply { try node.liquidatableReply(limit: limit) }
    public func auctionBook(limit: Int) async throws -> AuctionsReply { try node.auctionsReply(limit: limit) }
    public func vaultState(_ owner: Address, _ number: UInt32) async throws -> VaultReply? { try node.vaultReply(VaultID(owner: owner, number: number)) }
    public func assetList() async throws -> [AssetReply] { try node.assetReplies() }
    public func marketList() async throws -> [MarketReply] { try node.marketReplies() }

    public func dryRun(_ tx: SignedTransaction) async throws -> SimulationReply {
        switch VerifiedTransaction.verify(tx) {
        case .success(let verified): return try node.simulationReply(verified)
        case .failure(let refusal): throw ClientError(refusal.code.name, refusal.message)
        }
    }

    public func committedReceipt(_ hash: String) async throws -> ReceiptReply? {
        guard let raw = Hex.decode(hash), let hash = Bytes32(raw) else { return nil }
        return try node.transactionReply(hash)?.receipt
    }

    /// Blocks from the node's bus; the stream ends (and so does this) when the node stops.
    public func followBlocks(logger: Logger, _ onBlock: @escaping @Sendable () async -> Bool) async throws {
        for await _ in node.committedHeights() where await !onBlock() { return }
        try Task.checkCancellation()
    }
}
