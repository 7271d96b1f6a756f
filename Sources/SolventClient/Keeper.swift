import Foundation
import Logging
import SolventCore
import SolventCrypto
import SolventWire

/// A keeper bot (contracts-spec/liquidation.md, "What keepers should do"): follows the node's
/// block stream (falling back to polling when the stream is unavailable), asks the node which
/// vaults are liquidatable after each block, sends one `liquidate` per vault and market, and
/// reports each result with the bounty it earned. Another keeper may win a race: its refusal
/// (`already_liquidated`, `vault_not_liquidatable`) is logged as lost, not as an error.
///
/// It also works the collateral auctions (collateral-auctions.md, "What keepers should do"): it
/// starts one for every vault the node lists as a candidate, restarts stale ones, and buys when
/// the price is at or below the oracle price less `auctionDiscountPpm`, as much as its vault's
/// USDC pays for (the protocol sells no more than the tab needs).
public final class Keeper: @unchecked Sendable {
    public struct Options: Sendable {
        /// The keeper's own vault: it receives bounties and any backstop position.
        public var vault: UInt32 = 0
        /// Simulate each liquidation (POST /v1/simulate) instead of sending it.
        public var dryRun = false
        /// How often to poll when the block stream is unavailable.
        public var pollInterval: Duration = .milliseconds(500)
        /// Stop after this many block sweeps (nil: run until cancelled).
        public var maxSweeps: Int?
        /// Liquidatable vaults looked at per sweep, largest shortfall first.
        public var perSweep = 100
        /// Start, redo and take collateral auctions as well as liquidating.
        public var auctions = true
        /// Take an auction only when its price is at least this far under the oracle price (ppm;
        /// 0: at or below the oracle price).
        public var auctionDiscountPpm: UInt32 = 0
        public init() {}
    }

    /// What one liquidation attempt came to.
    public struct Attempt: Sendable {
        public let owner: String
        public let vault: UInt32
        public let market: String
        public enum Result: Sendable {
            case liquidated(bounty: String, closed: String, events: [EventReply])
            /// A collateral auction transaction that succeeded: what it did ("started", "took",
            /// "restarted") and one line of detail.
            case auction(action: String, detail: String, events: [EventReply])
            case simulated(bounty: String, closed: String)
            case lost(code: String, message: String)
            case failed(code: String, message: String)
        }
        public let result: Result
    }

    let client: any KeeperNode
    let key: PrivateKey
    let options: Options
    let logger: Logger
    let report: @Sendable (Attempt) -> Void
    private var chainId = ""
    private var nonce: UInt64 = 0
    /// Submitted and not yet seen committed: hash → (owner, vault, market; for an auction
    /// "auction_start BTC" and the like).
    private var pending: [String: (owner: String, vault: UInt32, market: String)] = [:]
    private var lastSweptHeight: UInt64 = 0
    public private(set) var earned: UInt128 = 0
    public private(set) var liquidations = 0
    public private(set) var auctionTakes = 0

    public init(client: any KeeperNode, key: PrivateKey, options: Options, logger: Logger, report: @escaping @Sendable (Attempt) -> Void) {
        self.client = client
        self.key = key
        self.options = options
        self.logger = logger
        self.report = report
    }

    var address: String { Address(key.publicKey).text }

    /// Learns the chain id and the keeper's next nonce: `run` does it, and so must a caller that
    /// drives `sweep` itself.
    public func prepare() async throws {
        chainId = try await client.chainId()
        try await syncNonce()
    }

    /// Runs until cancelled or `maxSweeps`.
    public func run() async throws {
        try await prepare()
        if !options.dryRun {
            let vaults = try await client.vaultNumbers(of: Address(key.publicKey))
            if !vaults.contains(options.vault) {
                logger.warning("the keeper has no vault \(options.vault) yet: deposit USDC into it to receive bounties and take over positions")
            }
        }
        let sweeps = Sweeps(limit: options.maxSweeps)
        while !Task.isCancelled, !sweeps.done {
            do {
                // Follow the stream: one sweep per block message.
                try await client.followBlocks(logger: logger) {
                    await self.sweepLogged()
                    sweeps.count()
                    return !Task.isCancelled && !sweeps.done
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("block stream unavailable (\(error)); polling every \(options.pollInterval)")
            }
            // Poll until the stream can be tried again.
            let retryStreamAt = ContinuousClock.now + .seconds(30)
            while !Task.isCancelled, !sweeps.done, ContinuousClock.now < retryStreamAt {
                if let height = try? await client.headHeight(), height > lastSweptHeight {
                    await sweepLogged()
                    sweeps.count()
                }
                try? await Task.sleep(for: options.pollInterval)
            }
        }
    }

    final class Sweeps: @unchecked Sendable {
        let limit: Int?
        var n = 0
        init(limit: Int?) { self.limit = limit }
        func count() { n += 1 }
        var done: Bool { limit.map { n >= $0 } ?? false }
    }

    func sweepLogged() async {
        do {
            try await sweep()
        } catch {
            logger.error("sweep failed: \(error)")
        }
    }

    /// One pass: settle what was sent before, then liquidate what is liquidatable now, then work
    /// the collateral auctions.
    public func sweep() async throws {
        try await settlePending()
        try await liquidationSweep()
        if options.auctions { try await auctionSweep() }
    }

    func liquidationSweep() async throws {
        let list = try await client.liquidatableVaults(limit: options.perSweep)
        lastSweptHeight = list.height
        for vault in list.vaults {
            guard vault.owner != address || vault.vault != options.vault else { continue }
            for position in vault.positions {
                if let refusal = position.refusal {
                    logger.debug("skip \(vault.owner)/\(vault.vault) \(position.market): \(refusal.code)")
                    continue
                }
                guard let market = try await marketID(position.market) else { continue }
                guard let owner = Address(text: vault.owner) else { continue }
                let action = TxAction.liquidate(owner: owner, vault: vault.vault, market: market, keeperVault: options.vault)
                try await send(action, owner: vault.owner, vault: vault.vault, label: position.market)
            }
        }
    }

    /// Signs and sends `action` (or simulates it on a dry run), keeping it pending under `label`.
    func send(_ action: TxAction, owner: String, vault: UInt32, label: String) async throws {
        let tx = Transaction(chainId: chainId, sender: Address(key.publicKey), nonce: nonce, action: action).signed(with: key)
        if options.dryRun {
            let sim = try await client.dryRun(tx)
            report(attempt(LiquidatableTarget(owner: owner, vault: vault), label, receipt: sim.receipt, simulated: true))
            return
        }
        do {
            let (hash, queued) = try await client.submit(tx)
            nonce += 1
            // Queued: the local nonce ran ahead of the account's (a devnet revert).
            if queued { try await syncNonce() }
            pending[hash] = (owner, vault, label)
            logger.debug("sent \(label) of \(owner)/\(vault): \(hash)")
        } catch let error as ClientError {
            if error.code == "nonce_too_low" || error.code == "nonce_too_high" {
                try await syncNonce()
            }
            report(Attempt(owner: owner, vault: vault, market: label,
                           result: Self.isRace(error.code) ? .lost(code: error.code, message: error.message)
                               : .failed(code: error.code, message: error.message)))
        }
    }

    /// Starts an auction for each candidate vault (its first listed asset: one auction per vault
    /// runs at a time), restarts stale auctions and takes the ones priced at or under the oracle.
    func auctionSweep() async throws {
        let reply = try await client.auctionBook(limit: options.perSweep)
        var started = Set<String>()
        for c in reply.candidates where !(c.owner == address && c.vault == options.vault) {
            guard started.insert("\(c.owner)/\(c.vault)").inserted, let owner = Address(text: c.owner),
                  let asset = try await asset(c.asset) else { continue }
            try await send(.auctionStart(owner: owner, vault: c.vault, asset: asset.id, keeperVault: options.vault),
                           owner: c.owner, vault: c.vault, label: "auction_start \(c.asset)")
        }
        for a in reply.auctions where !(a.owner == address && a.vault == options.vault) {
            guard let owner = Address(text: a.owner), let asset = try await asset(a.asset) else { continue }
            if a.stale {
                try await send(.auctionRedo(owner: owner, vault: a.vault, asset: asset.id), owner: a.owner, vault: a.vault,
                               label: "auction_redo \(a.asset)")
                continue
            }
            guard let ratio = a.priceToOraclePpm, ratio + UInt64(options.auctionDiscountPpm) <= 1_000_000,
                  let price = OraclePrice.parse(a.price), price > 0, let lot = try? Amount.parse(a.lot, decimals: Int(asset.decimals)) else { continue }
            // As much of the lot as the keeper vault's USDC pays for at this price.
            let quote = try await keeperQuote()
            guard quote > 0 else { continue }
            let affordable = UInt128(quote) * Amount.pow10(Int(asset.decimals) + 2) / UInt128(price)
            let amount = min(lot, affordable)
            guard amount > 0 else { continue }
            try await send(.auctionTake(owner: owner, vault: a.vault, asset: asset.id, amount: amount, maxPrice: price, takerVault: options.vault),
                           owner: a.owner, vault: a.vault, label: "auction_take \(a.asset)")
        }
    }

    /// The keeper vault's USDC, in quantums (0 when it cannot be read).
    func keeperQuote() async throws -> Int128 {
        guard let v = try? await client.vaultState(Address(key.publicKey), options.vault) else { return 0 }
        let negative = v.quote.hasPrefix("-")
        let magnitude = (try? Amount.parse(negative ? String(v.quote.dropFirst()) : v.quote, decimals: 6)) ?? 0
        return negative ? -Int128(magnitude) : Int128(magnitude)
    }

    private var assetsBySymbol: [String: (id: UInt32, decimals: UInt8)] = [:]

    func asset(_ symbol: String) async throws -> (id: UInt32, decimals: UInt8)? {
        if assetsBySymbol.isEmpty {
            for a in try await client.assetList() { assetsBySymbol[a.symbol] = (a.id, a.decimals) }
        }
        return assetsBySymbol[symbol]
    }

    /// Codes that mean another keeper (or the vault's owner) got there first.
    static func isRace(_ code: String) -> Bool {
        ["already_liquidated", "vault_not_liquidatable", "position_not_found", "liquidation_cap_reached",
         "auction_exists", "auction_not_found", "auction_not_allowed", "auction_not_stale", "auction_stale", "auction_price_above_max"].contains(code)
    }

    /// Reports every sent liquidation that has committed since the last sweep.
    public func settlePending() async throws {
        for (hash, target) in pending {
            guard let receipt = try? await client.committedReceipt(hash) else { continue }
            pending[hash] = nil
            report(attempt(LiquidatableTarget(owner: target.owner, vault: target.vault), target.market, receipt: receipt, simulated: false))
        }
        if pending.count > 1_000 { pending.removeAll() }
    }

    struct LiquidatableTarget { let owner: String; let vault: UInt32 }

    func attempt(_ v: LiquidatableVaultReply, _ market: String, receipt: ReceiptReply, simulated: Bool) -> Attempt {
        attempt(LiquidatableTarget(owner: v.owner, vault: v.vault), market, receipt: receipt, simulated: simulated)
    }

    func attempt(_ v: LiquidatableTarget, _ market: String, receipt: ReceiptReply, simulated: Bool) -> Attempt {
        if market.hasPrefix("auction_") { return auctionAttempt(v, market, receipt: receipt, simulated: simulated) }
        guard receipt.succeeded, let event = receipt.events.first(where: { $0.type == "liquidation" }) else {
            return Attempt(owner: v.owner, vault: v.vault, market: market,
                           result: Self.isRace(receipt.code) ? .lost(code: receipt.code, message: receipt.message)
                               : .failed(code: receipt.code, message: receipt.message))
        }
        let bounty = event.attributes["bounty"] ?? "0", closed = event.attributes["closed_size"] ?? "0"
        if simulated { return Attempt(owner: v.owner, vault: v.vault, market: market, result: .simulated(bounty: bounty, closed: closed)) }
        liquidations += 1
        earned += (try? Amount.parse(bounty, decimals: 6)) ?? 0
        return Attempt(owner: v.owner, vault: v.vault, market: market, result: .liquidated(bounty: bounty, closed: closed, events: receipt.events))
    }

    func auctionAttempt(_ v: LiquidatableTarget, _ label: String, receipt: ReceiptReply, simulated: Bool) -> Attempt {
        guard receipt.succeeded else {
            return Attempt(owner: v.owner, vault: v.vault, market: label,
                           result: Self.isRace(receipt.code) ? .lost(code: receipt.code, message: receipt.message)
                               : .failed(code: receipt.code, message: receipt.message))
        }
        func event(_ type: String) -> [String: String] { receipt.events.first { $0.type == type }?.attributes ?? [:] }
        let action: String, detail: String
        if label.hasPrefix("auction_start") {
            let e = event("auction_started")
            action = "started"
            detail = "lot \(e["lot"] ?? "?") \(e["asset"] ?? ""), debt \(e["debt"] ?? "?") USDC, top \(e["top"] ?? "?") (oracle \(e["oracle_price"] ?? "?")), incentive \(e["incentive"] ?? "?")"
        } else if label.hasPrefix("auction_redo") {
            let e = event("auction_redo")
            action = "restarted"
            detail = "top \(e["top"] ?? "?") (oracle \(e["oracle_price"] ?? "?"))"
        } else {
            let e = event("auction_take"), end = event("auction_ended")
            action = "took"
            if !simulated { auctionTakes += 1 }
            detail = "\(e["amount"] ?? "?") \(e["asset"] ?? "") at \(e["price"] ?? "?") for \(e["paid"] ?? "?") USDC, debt left \(e["debt_left"] ?? "?")"
                + (end.isEmpty ? "" : "; auction ended (\(end["reason"] ?? "?"), lot returned \(end["lot_returned"] ?? "0"), fund paid \(end["fund_paid"] ?? "0"))")
        }
        return Attempt(owner: v.owner, vault: v.vault, market: label,
                       result: .auction(action: simulated ? "would have \(action)" : action, detail: detail, events: receipt.events))
    }

    private var markets: [String: UInt32] = [:]

    func marketID(_ symbol: String) async throws -> UInt32? {
        if markets.isEmpty {
            for m in try await client.marketList() { markets[m.params.symbol] = m.params.id }
        }
        return markets[symbol]
    }

    func syncNonce() async throws {
        nonce = try await client.nextNonce(of: Address(key.publicKey))
    }

    /// A human line for an attempt.
    public static func describe(_ a: Attempt) -> String {
        let target = "\(a.owner)/\(a.vault) \(a.market)"
        switch a.result {
        case let .liquidated(bounty, closed, events):
            let e = events.first { $0.type == "liquidation" }?.attributes ?? [:]
            return "liquidated \(target): closed \(closed) (book \(e["book_size"] ?? "?"), backstop \(e["backstop_size"] ?? "?"), adl \(e["adl_size"] ?? "?")) at bankruptcy \(e["bankruptcy_price"] ?? "?"), fee \(e["fee"] ?? "?"), bounty \(bounty) USDC"
        case let .auction(action, detail, _):
            return "\(action) \(target): \(detail)"
        case let .simulated(bounty, closed):
            return "would liquidate \(target): close \(closed) for a bounty of \(bounty) USDC (dry run)"
        case let .lost(code, message):
            return "lost \(target): \(code) (\(message))"
        case let .failed(code, message):
            return "failed \(target): \(code): \(message)"
        }
    }
}
