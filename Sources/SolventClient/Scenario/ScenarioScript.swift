import Foundation
import Logging
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventWire

/// What a script has seen so far, for its checks (ScenarioScriptChecks.swift).
struct ScriptState {
    /// The chain time of the script's last block.
    var time: UInt64 = 0
    /// The markets a `price` action has set, with the price set.
    var prices: [String: String] = [:]
    /// The `liquidation` and `adl` events of the last `liquidation_rounds`, and the top of each
    /// side's ADL queue of its market just before it.
    var lastLiquidations: [[String: String]] = []
    var lastADL: [[String: String]] = []
    var adlTopBefore: [String: ADLStandingReply] = [:]
    /// The insurance fund's balance when the keepers started.
    var fundAtKeepersStart: Decimal?
    var sweeps = 0
    /// The last `settle`: the `market_settled` events by market, and what each vault's quote
    /// gained across it ("owner/vault" → USDC).
    var settled: [String: [String: String]] = [:]
    var settlementPaid: [String: Decimal] = [:]
    var checks: [ScenarioRunner.CheckResult] = []
}

/// Every attempt of the script's keepers, as each keeper reports it.
final class KeeperAttempts: @unchecked Sendable {
    private let lock = NSLock()
    private var attempts: [(keeper: String, attempt: Keeper.Attempt)] = []
    func add(_ keeper: String, _ attempt: Keeper.Attempt) {
        lock.lock()
        defer { lock.unlock() }
        attempts.append((keeper, attempt))
    }
    var all: [(keeper: String, attempt: Keeper.Attempt)] {
        lock.lock()
        defer { lock.unlock() }
        return attempts
    }
}

/// Plays a scenario's `script` (contracts-spec/devnet.md, "Scripts"): one action after the
/// other, a block 1 s of chain time after the last unless the action says otherwise; a refused
/// transaction or an action that does not do what it says stops the run (`scenario_step_failed`).
extension ScenarioRunner {
    func play(_ actions: [ScenarioFile.Action], from time: UInt64) async throws {
        script.time = time
        for a in actions { try await perform(a) }
    }

    static func failed(_ text: String) -> ClientError { ClientError("scenario_step_failed", text) }

    func required<T>(_ value: T?, _ field: String, _ a: ScenarioFile.Action) throws -> T {
        guard let value else { throw ClientError("invalid_scenario", "script: `\(a.kind)` needs `\(field)`") }
        return value
    }

    /// Mines the next block, 1 s of chain time after the script's last.
    @discardableResult
    func nextBlock() async throws -> BlockReply {
        script.time = max(script.time + 1_000, try await headTime() + 1)
        return try await mine(at: script.time)
    }

    func market(_ symbol: String) async throws -> MarketReply {
        guard let m = try await client.markets().value.first(where: { $0.params.symbol == symbol.uppercased() }) else {
            throw ClientError("invalid_scenario", "script: no market \(symbol)")
        }
        return m
    }

    static func usdc(_ text: String) throws -> UInt128 { try Amount.parse(text, decimals: 6) }

    func perform(_ a: ScenarioFile.Action) async throws {
        switch a.kind {
        case "deposit":
            let asset = try await TransactionBuilder(client: client).asset(a.asset ?? "USDC")
            let amount = try TransactionBuilder.quantums(try required(a.amount, "amount", a), asset)
            try await send(try required(a.account, "account", a), .deposit(vault: a.vault ?? 0, asset: asset.id, amount: amount))
        case "send":
            let to = Address(try Self.key(required(a.to, "to", a)).publicKey)
            let asset = try await TransactionBuilder(client: client).asset(a.asset ?? "USDC")
            try await send(try required(a.account, "account", a), .send(to: to, asset: asset.id,
                                                                        amount: try TransactionBuilder.quantums(try required(a.amount, "amount", a), asset)))
        case "order":
            let m = try await market(required(a.market, "market", a))
            try await send(try required(a.account, "account", a), .orderPlace(try order(
                vault: a.vault ?? 0, m, side: try orderSide(a), size: required(a.size, "size", a), price: required(a.price, "price", a), ioc: a.ioc ?? false)))
        case "cancel_all":
            let m = try await market(required(a.market, "market", a))
            try await send(try required(a.account, "account", a), .orderCancelAll(vault: a.vault ?? 0, market: m.params.id))
        case "mine":
            if let s = a.seconds, s > 1 { script.time += (s - 1) * 1_000 }
            try await nextBlock()
        case "trade":
            try await trade(a)
        case "price":
            try await setPrice(required(a.market, "market", a), required(a.price, "price", a), override: a.override ?? false)
        case "start_keepers":
            try await startKeepers(required(a.accounts, "accounts", a))
        case "liquidation_rounds":
            try await liquidationRounds(a)
        case "list_market":
            try await listMarket(a)
        case "settle":
            try await settle(a)
        case "set_depth_addon":
            let m = try await market(required(a.market, "market", a))
            try await send(a.account ?? "admin", .marketSetDepthAddon(market: m.params.id, bandPpm: a.bandPpm ?? 0, windowMs: a.windowMs ?? 0,
                                                                     addonPpm: try required(a.addonPpm, "addon_ppm", a)))
            try await nextBlock()
        case "set_haircut_rule":
            try await setHaircutRule(a)
        case "set_surface":
            // `market`: the volatility feed; `markets`: its dated feeds (none removes the surface).
            let oracle = try await client.oracle().value.markets
            func id(_ symbol: String) throws -> UInt32 {
                guard let m = oracle.first(where: { $0.symbol == symbol }) else { throw ClientError("invalid_scenario", "script: no oracle market \(symbol)") }
                return m.id
            }
            try await send(a.account ?? "admin", .oracleSetSurface(base: try id(try required(a.market, "market", a)), points: try (a.markets ?? []).map(id)))
            try await nextBlock()
        case "set_yield":
            let asset = try await TransactionBuilder(client: client).asset(try required(a.asset, "asset", a))
            try await send(a.account ?? "admin", .assetSetYield(asset: asset.id, aprPpm: try required(a.aprPpm, "apr_ppm", a),
                                                                writedownPpm: a.writedownPpm ?? 0))
            try await nextBlock()
        case "set_oi_caps":
            // The admin (or `account`) sets the caps; the next block carries it (a refusal stops the run).
            let m = try await market(required(a.market, "market", a))
            try await send(a.account ?? "admin", .marketSetOiCaps(market: m.params.id, lower: try Self.usdc(required(a.oiLowerCap, "oi_lower_cap", a)),
                                                                 upper: try Self.usdc(required(a.oiUpperCap, "oi_upper_cap", a))))
            try await nextBlock()
        case "check":
            let result = try await evaluate(try required(a.check, "check", a), fundStart: records.first?.insuranceFund ?? 0)
            log("check: \(result.description): \(result.passed ? "pass" : "FAIL") (\(result.detail))")
            script.checks.append(result)
        default:
            throw ClientError("invalid_scenario", "script: unknown action `\(a.kind)`")
        }
    }

    /// The admin (or `account`) sets an asset's haircut rule; the next block carries it.
    func setHaircutRule(_ a: ScenarioFile.Action) async throws {
        let asset = try await TransactionBuilder(client: client).asset(try required(a.asset, "asset", a))
        var volMarket: UInt32 = 0
        if let vol = a.vol, vol != "realized" {
            guard let feed = try await client.oracle().value.markets.first(where: { $0.symbol == vol }) else {
                throw ClientError("invalid_scenario", "script: no oracle market \(vol)")
            }
            volMarket = feed.id
        }
        try await send(a.account ?? "admin", .assetSetHaircutRule(DynamicHaircuts.Settings(
            asset: asset.id, volMarket: volMarket, windowMs: a.windowMs ?? 0, scalePpm: try required(a.scalePpm, "scale_ppm", a),
            capPpm: a.capPpm ?? 0, ratePpmPerHour: a.ratePpmPerHour ?? 0, stepPpm: a.stepPpm ?? 0)))
        try await nextBlock()
    }

    func orderSide(_ a: ScenarioFile.Action) throws -> Side {
        switch a.side {
        case "buy": return .buy
        case "sell": return .sell
        default: throw ClientError("invalid_scenario", "script: `\(a.kind)` needs `side`: buy or sell")
        }
    }

    /// A limit order of `size` at `price` (`mark`: the market's mark rounded down to its tick).
    func order(vault: UInt32, _ m: MarketReply, side: Side, size: String, price: String, ioc: Bool) throws -> OrderRequest {
        let tick = try Amount.parse(m.params.tickSize, decimals: 8)
        let limit = price == "mark" ? try Amount.parse(m.markPrice ?? "0", decimals: 8) / tick * tick : try Amount.parse(price, decimals: 8)
        return OrderRequest(vault: vault, market: m.params.id, side: side, kind: .limit, timeInForce: ioc ? .immediateOrCancel : .goodTillCancelled,
                            reduceOnly: false, size: UInt64(try Amount.parse(size, decimals: 8)), price: UInt64(limit))
    }

    /// The maker rests the other side at the price, the account takes it immediate-or-cancel in
    /// the same block; it must fill.
    func trade(_ a: ScenarioFile.Action) async throws {
        let taker = try required(a.account, "account", a), symbol = try required(a.market, "market", a)
        let m = try await market(symbol)
        var size = try required(a.size, "size", a)
        if size == "delta" { size = try await deltaHedgeSize(a, m) }
        let side = try orderSide(a), price = try required(a.price, "price", a)
        try await send(a.maker ?? scenario.marketMaker, .orderPlace(try order(vault: 0, m, side: side.opposite, size: size, price: price, ioc: false)))
        try await send(taker, .orderPlace(try order(vault: a.vault ?? 0, m, side: side, size: size, price: price, ioc: true)))
        let block = try await nextBlock()
        let fills = events(block, "fill")
        guard !fills.isEmpty else { throw Self.failed("\(taker) \(a.side ?? "") \(size) \(symbol) at \(price): nothing filled") }
        log("\(taker)/\(a.vault ?? 0) \(a.side ?? "") \(size) \(symbol) at \(fills[0]["price"] ?? price) (block \(block.height))")
    }

    /// The vault's delta of the market's underlying, rounded toward zero to 0.0001: the size of
    /// a delta hedge.
    func deltaHedgeSize(_ a: ScenarioFile.Action, _ m: MarketReply) async throws -> String {
        let owner = try Self.address(required(a.account, "account", a))
        let oracle = try await client.oracle().value.markets.first { $0.id == m.params.oracleMarket }?.symbol
        let margin = try await client.margin(owner, a.vault ?? 0).value
        guard let delta = margin.portfolio.underlyings.first(where: { $0.oracleMarket == oracle })?.greeks.delta else {
            throw Self.failed("\(a.account ?? "") has no delta in \(oracle ?? "?")")
        }
        let magnitude = delta.hasPrefix("-") ? String(delta.dropFirst()) : delta
        let parts = magnitude.split(separator: ".", maxSplits: 1)
        let size = parts.count == 2 ? "\(parts[0]).\(parts[1].prefix(4))" : magnitude
        log("\(a.account ?? "")/\(a.vault ?? 0) delta \(delta): hedge size \(size)")
        return size
    }

    /// Sets an oracle price in its own block (signed by the five signers, or the admin's
    /// override) and checks that the oracle shows it.
    func setPrice(_ symbol: String, _ price: String, override: Bool) async throws {
        let time = max(script.time + 1_000, try await headTime() + 1)
        guard let m = try await client.oracle().value.markets.first(where: { $0.symbol == symbol }) else {
            throw ClientError("invalid_scenario", "script: no oracle market \(symbol)")
        }
        guard let fixed = OraclePrice.parse(price) else { throw ClientError("invalid_scenario", "script: '\(price)' is not a price") }
        _ = try await client.devnet("time", NextBlockTimeRequest(nextBlockTime: String(time)), as: NextBlockTimeReply.self)
        if override {
            _ = try await client.devnet("oracle", OracleOverrideRequest(market: symbol, price: price, mine: false), as: OracleOverrideReply.self)
            nonces[try Self.address("admin")] = nil
        } else {
            try await signedUpdate(m.id, prices: Array(repeating: fixed, count: DevnetKeys.oracleSignerCount), timeMs: time)
        }
        script.time = time
        try await mine(at: time)
        let shown = try await client.oracleMarket(symbol).value.price
        guard shown.flatMap(OraclePrice.parse) == fixed else { throw Self.failed("the oracle shows \(symbol) \(shown ?? "none"), expected \(price)") }
        script.prices[symbol] = price
        var r = try await record(step: records.count, liquidations: [], adl: 0)
        for (s, p) in script.prices { r.prices[s] = Double(p); r.truePrices[s] = Double(p) }
        records.append(r)
        log("\(symbol) \(price)\(override ? " (override)" : "") at block \(r.height)")
    }
}
