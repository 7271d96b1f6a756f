import Foundation
import SolventCore
import SolventCrypto
import SolventWire

/// What the feeder needs of a node: over the RPC (`RPCClient`), or inside the node's own process
/// (`solventd devnet`'s built-in feeder talks to the engine directly).
public protocol FeederNode: Sendable {
    func chainId() async throws -> String
    /// The oracle as `GET /v1/oracle` shows it.
    func oracleState() async throws -> OracleReply
    /// The chain's clock (a devnet may have moved it ahead of the wall's): reports carry it.
    func chainTimeMs() async throws -> UInt64
    /// The nonce the address's next transaction should carry, counting what the mempool holds.
    func nextNonce(of address: Address) async throws -> UInt64
    /// Admits `tx`: its hash and whether it was queued; a refusal throws `ClientError(code, message)`.
    func submit(_ tx: SignedTransaction) async throws -> (hash: String, queued: Bool)
}

extension RPCClient: FeederNode {
    public func chainId() async throws -> String { try await status().value.chainId }
    public func oracleState() async throws -> OracleReply { try await oracle().value }
    public func chainTimeMs() async throws -> UInt64 { try await status().value.chainTimeMs }
    public func nextNonce(of address: Address) async throws -> UInt64 { try await account(address.text).value.nextNonce }
    public func submit(_ tx: SignedTransaction) async throws -> (hash: String, queued: Bool) {
        let reply = try await submit(hex: Hex.encode(tx.bytes), waitForCommit: false).value
        return (reply.hash, reply.status == "queued")
    }
}

/// Runs several oracle signer keys: every interval, for each market, every reporting signer signs
/// a report of the path's price, and one `oracle_update` carrying them is relayed from the
/// relayer's account (whose key only pays the nonce). Some signers can lie (report the price
/// times a factor) to show the median holding, and some, or all after a while, can go silent to
/// show the price going stale.
public final class OracleFeeder: @unchecked Sendable {
    public struct Options: Sendable {
        /// Market symbols to feed; empty means every market.
        public var markets: [String] = []
        public var intervalMs: Int = 1000
        public var path: PricePathSpec = .gbm(GBMParameters())
        /// Starting prices by symbol; a market without one starts from its on-chain price.
        public var startPrices: [String: Double] = [:]
        /// The first `liars` reporting signers report `price × lieFactor`.
        public var liars = 0
        public var lieFactor = 1.5
        /// The last `silent` signers never report.
        public var silent = 0
        /// After this many seconds every signer goes silent.
        public var silentAfterSeconds: Double?
        /// Stop after this many ticks (nil: run until cancelled).
        public var ticks: Int?

        public init() {}
    }

    public struct Tick: Sendable {
        public let market: String
        public let truePrice: Double
        public let reporting: Int
        public let outcome: String
    }

    let client: any FeederNode
    let signers: [PrivateKey]
    let relayer: PrivateKey
    let options: Options
    let log: @Sendable (String) -> Void
    private var nonce: UInt64?

    public init(client: any FeederNode, signers: [PrivateKey], relayer: PrivateKey, options: Options,
                log: @escaping @Sendable (String) -> Void) {
        self.client = client
        self.signers = signers
        self.relayer = relayer
        self.options = options
        self.log = log
    }

    /// Feeds until cancelled (or for `options.ticks` ticks); returns what each tick did.
    @discardableResult
    public func run() async throws -> [Tick] {
        let chainId = try await client.chainId()
        let oracle = try await client.oracleState()
        let wanted = options.markets.map { $0.uppercased() }
        let markets = oracle.markets.filter { wanted.isEmpty || wanted.contains($0.symbol) }
        guard !markets.isEmpty else {
            throw ClientError("unknown_oracle_market", "no oracle market among \(options.markets) (known: \(oracle.markets.map(\.symbol).joined(separator: ", ")))")
        }
        var paths = [UInt32: PricePath]()
        for m in markets {
            let start = options.startPrices[m.symbol] ?? m.price.flatMap(Double.init) ?? 100
            paths[m.id] = PricePath(spec: options.path, start: start, market: m.id)
        }
        let quorum = Int(oracle.config.quorum)
        let started = Date()
        var done = [Tick]()
        var tick = 0
        log("feeding \(markets.map(\.symbol).joined(separator: ", ")) from \(signers.count) signers (quorum \(quorum)), every \(options.intervalMs) ms"
            + (options.liars > 0 ? ", \(options.liars) lying ×\(options.lieFactor)" : "")
            + (options.silent > 0 ? ", \(options.silent) silent" : ""))
        while !Task.isCancelled, options.ticks.map({ tick < $0 }) ?? true {
            tick += 1
            // Reports carry the chain's time (a devnet may have moved its clock ahead of the wall's).
            let wall = UInt64(Date().timeIntervalSince1970 * 1000)
            let now = (try? await client.chainTimeMs()) ?? wall
            let silencedAll = options.silentAfterSeconds.map { Date().timeIntervalSince(started) >= $0 } ?? false
            let reporting = silencedAll ? [] : Array(signers.dropLast(min(options.silent, signers.count)))
            for m in markets {
                let truth = paths[m.id]!.next(seconds: Double(options.intervalMs) / 1000)
                guard reporting.count >= quorum else {
                    let t = Tick(market: m.symbol, truePrice: truth, reporting: reporting.count,
                                 outcome: "no update: \(reporting.count) signers reporting, below the quorum of \(quorum)")
                    log("\(m.symbol) \(t.outcome)")
                    done.append(t)
                    continue
                }
                let reports = reporting.enumerated().map { i, key in
                    let observed = i < options.liars ? truth * options.lieFactor : truth
                    return OracleReport.sign(chainId: chainId, market: m.id, price: Self.fixedPoint(observed), timestampMs: now, key: key)
                }
                let outcome = await submit(.oracleUpdate(market: m.id, reports: reports), chainId: chainId)
                let t = Tick(market: m.symbol, truePrice: truth, reporting: reporting.count, outcome: outcome)
                log("\(m.symbol) \(OraclePrice.format(Self.fixedPoint(truth))) from \(reporting.count) signers: \(outcome)")
                done.append(t)
            }
            if options.ticks.map({ tick < $0 }) ?? true {
                try? await Task.sleep(for: .milliseconds(options.intervalMs))
            }
        }
        return done
    }

    /// An 8-decimal price, at least one unit.
    static func fixedPoint(_ price: Double) -> UInt64 {
        let scaled = (price * Double(OraclePrice.one)).rounded()
        guard scaled.isFinite, scaled >= 1 else { return 1 }
        return scaled >= Double(UInt64.max) ? UInt64.max : UInt64(scaled)
    }

    /// Sends from the relayer with a locally tracked nonce, refreshed from the node on a nonce error.
    private func submit(_ action: TxAction, chainId: String) async -> String {
        do {
            if nonce == nil { nonce = try await client.nextNonce(of: Address(relayer.publicKey)) }
            let tx = Transaction(chainId: chainId, sender: Address(relayer.publicKey), nonce: nonce!, action: action).signed(with: relayer)
            let reply = try await client.submit(tx)
            nonce! += 1
            // Queued: the local nonce ran ahead of the account's (a devnet revert); read it again,
            // so the next update fills the gap instead of queueing behind it.
            if reply.queued { nonce = nil }
            return "accepted \(reply.hash.prefix(16))\(reply.queued ? " (queued)" : "")"
        } catch let error as ClientError {
            if error.code.hasPrefix("nonce_") || error.code == "already_known" { nonce = nil }
            return "refused: \(error.code): \(error.message)"
        } catch {
            nonce = nil
            return "failed: \(error)"
        }
    }
}
