import Foundation
import Logging
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventWire

/// Runs a scenario file against a fresh devnet (contracts-spec/devnet.md, "Scenarios") and
/// writes a report folder: `summary.md` and SVG plots of prices, vault health, liquidations,
/// the insurance fund, ADL, keeper bounties and, when collateral is auctioned, the auction price
/// against the oracle (collateral-auctions.md). Blocks are mined one at a time (manual mode),
/// `step_seconds` of chain time apart; the conservation audit runs after every block.
public final class ScenarioRunner: @unchecked Sendable {
    public struct StepRecord: Sendable {
        public let step: Int
        public let height: UInt64
        public var prices: [String: Double] = [:]
        public var truePrices: [String: Double] = [:]
        /// Vaults with positions by margin ratio once the step's prices are on chain, before the
        /// keepers act: < 1 (liquidatable), 1-1.5, 1.5-3, >= 3.
        public var health = [0, 0, 0, 0]
        public var liquidations = 0
        public var adlEvents = 0
        public var deficitsPaid = 0.0
        public var insuranceFund = 0.0
        public var keeperBounties = 0.0
        /// Per auctioned asset (BTC, ETH): the auction's price at the end of the step, or the
        /// price of the step's last take.
        public var auctionPrices: [String: Double] = [:]
        public var auctionStarts = 0
        public var auctionTakes = 0
        /// USDC raised by takes, and paid by the fund for auctions that ran out of collateral.
        public var auctionRaised = 0.0
        public var auctionFundPaid = 0.0
    }

    public struct CheckResult: Sendable {
        public let description: String
        public let passed: Bool
        public let detail: String
        public init(description: String, passed: Bool, detail: String) {
            self.description = description
            self.passed = passed
            self.detail = detail
        }
    }

    let scenario: ScenarioFile
    let scenarioDirectory: String
    let client: RPCClient
    let log: @Sendable (String) -> Void
    var chainId = ""
    var nonces: [String: UInt64] = [:]
    var records: [StepRecord] = []
    var conservationFailures: [String] = []
    var blocksMined = 0
    var liquidatedVaults = Set<String>()
    /// Per liquidation receipt with a socialized loss: the vault, the loss the liquidation names
    /// and the sum of the per-position losses of its `socialized_loss` events, in quantums.
    var socialized: [(vault: String, loss: UInt128, sumOfShares: UInt128, positions: Int)] = []
    /// Per liquidation: the vault, and whether it closed the whole position it found.
    var wholeCloses: [(vault: String, whole: Bool)] = []
    var keepers: [(name: String, keeper: Keeper)] = []
    var paths: [String: [Double]] = [:]
    var auctionsSeen = Set<String>()
    var script = ScriptState()
    let keeperAttempts = KeeperAttempts()

    public init(scenario: ScenarioFile, scenarioDirectory: String, client: RPCClient, log: @escaping @Sendable (String) -> Void) {
        self.scenario = scenario
        self.scenarioDirectory = scenarioDirectory
        self.client = client
        self.log = log
    }

    // MARK: Keys and transactions

    /// `dev0` ... `dev9` and `admin` are the devnet's; any other name is a key of the scenario's
    /// own (label `scenario/NAME`), unfunded at genesis.
    static func key(_ name: String) throws -> PrivateKey {
        if name == "admin" { return DevnetKeys.admin() }
        guard name.hasPrefix("dev") else { return DevnetKeys.key(label: "scenario/" + name) }
        guard let i = Int(name.dropFirst(3)), (0..<DevnetKeys.accountCount).contains(i) else {
            throw ClientError("invalid_scenario", "'\(name)' is not a devnet account (dev0 ... dev\(DevnetKeys.accountCount - 1))")
        }
        return DevnetKeys.account(i)
    }

    static func address(_ name: String) throws -> String { Address(try key(name).publicKey).text }

    func send(_ name: String, _ action: TxAction) async throws { try await send(key: try Self.key(name), action) }

    /// Signs `action` with `key` at the next nonce (counted locally) and submits it.
    func send(key: PrivateKey, _ action: TxAction) async throws {
        let address = Address(key.publicKey).text
        if nonces[address] == nil { nonces[address] = try await client.account(address).value.nonce }
        let tx = Transaction(chainId: chainId, sender: Address(key.publicKey), nonce: nonces[address]!, action: action).signed(with: key)
        _ = try await client.submit(hex: Hex.encode(tx.bytes), waitForCommit: false)
        nonces[address]! += 1
    }

    /// Mines one block and runs the conservation audit on it; returns the block.
    @discardableResult
    func mine(at timeMs: UInt64? = nil) async throws -> BlockReply {
        if let timeMs { _ = try await client.devnet("time", NextBlockTimeRequest(nextBlockTime: String(timeMs)), as: NextBlockTimeReply.self) }
        let mined = try await client.mine(blocks: 1).value
        blocksMined += 1
        let supply = try await client.supply().value
        if !supply.holds { conservationFailures.append("block \(mined.height)") }
        let block = try await client.block(String(mined.height)).value
        for tx in block.transactions where (tx.receipt?.code ?? "ok") != "ok" {
            // Keepers race each other and the clock: their refusals are results, not setup failures.
            if tx.action.type != "liquidate" && !tx.action.type.hasPrefix("auction_") {
                throw ClientError("scenario_step_failed", "block \(mined.height): \(tx.action.type) from \(tx.sender.prefix(12))… refused: \(tx.receipt!.code) \(tx.receipt!.message)")
            }
        }
        return block
    }

    /// The chain clock (what the node would stamp the next block with), never before the head.
    func headTime() async throws -> UInt64 {
        let s = try await client.status().value
        return max(s.chainTimeMs, s.blockTimeMs)
    }

    // MARK: Prices

    func buildPaths() throws {
        for (market, p) in scenario.prices {
            guard let start = p.start.flatMap(Double.init) ?? (p.kind == "csv" ? nil : 0), start > 0 || p.kind == "csv" else {
                throw ClientError("invalid_scenario", "prices.\(market): a positive start is needed")
            }
            var values = [Double]()
            switch p.kind {
            case "steps":
                var v = start
                let moves = try (p.moves ?? []).map { text -> Double in
                    guard let m = Double(text), m > -1 else { throw ClientError("invalid_scenario", "prices.\(market): bad move \(text)") }
                    return m
                }
                for i in 0...scenario.steps {
                    if i > 0, i - 1 < moves.count { v *= 1 + moves[i - 1] }
                    values.append(v)
                }
            case "gbm":
                var path = PricePath(spec: .gbm(GBMParameters(drift: 0, volatility: p.volatility ?? 0.8, jumpsPerDay: p.jumpsPerDay ?? 2,
                                                              jumpSize: p.jumpSize ?? 0.05, seed: p.seed ?? 1)),
                                     start: start, market: UInt32(truncatingIfNeeded: market.hashValueStable))
                values.append(start)
                for _ in 0..<scenario.steps { values.append(path.next(seconds: Double(scenario.stepSeconds ?? 60))) }
            case "csv":
                guard let file = p.file else { throw ClientError("invalid_scenario", "prices.\(market): a csv path needs `file`") }
                let path = file.hasPrefix("/") ? file : scenarioDirectory + "/" + file
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ClientError("invalid_scenario", "cannot read \(path)") }
                let rows = text.split(whereSeparator: \.isNewline).compactMap { Double($0.split(separator: ",").last.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? "") }
                guard !rows.isEmpty else { throw ClientError("invalid_scenario", "\(path) has no numbers") }
                values = (0...scenario.steps).map { rows[min($0, rows.count - 1)] }
            default:
                throw ClientError("invalid_scenario", "prices.\(market): kind is steps, gbm or csv")
            }
            paths[market] = values
        }
    }

    static func priceText(_ v: Double) -> String { String(format: "%.8f", v) }

    /// Puts every path's value for `step` on chain for the next block at `timeMs`.
    func publishPrices(step: Int, timeMs: UInt64, forceOverride: Bool = false) async throws {
        let signers = scenario.oracle?.mode == "signers" && !forceOverride
        let oracle = try await client.oracle().value
        // The reports are checked on admission against the next block's time: fix it first.
        _ = try await client.devnet("time", NextBlockTimeRequest(nextBlockTime: String(timeMs)), as: NextBlockTimeReply.self)
        for market in paths.keys.sorted() {
            let price = paths[market]![step]
            guard let m = oracle.markets.first(where: { $0.symbol == market }) else {
                throw ClientError("invalid_scenario", "no oracle market \(market)")
            }
            if signers {
                let liars = scenario.oracle?.liars ?? 0, factor = scenario.oracle?.lieFactor ?? 1.5
                try await signedUpdate(m.id, prices: (0..<DevnetKeys.oracleSignerCount).map { OracleFeeder.fixedPoint($0 < liars ? price * factor : price) },
                                       timeMs: timeMs)
            } else {
                _ = try await client.devnet("oracle", OracleOverrideRequest(market: market, price: Self.priceText(price), mine: false), as: OracleOverrideReply.self)
                // The node signs overrides with the admin key: keep the local nonce in step.
                nonces[try Self.address("admin")] = nil
            }
        }
    }

    /// One `oracle_update` from the relayer: signer i reports `prices[i]`, stamped 100 ms
    /// before the block at `timeMs`.
    func signedUpdate(_ market: UInt32, prices: [UInt64], timeMs: UInt64) async throws {
        let reports = prices.enumerated().map { i, price in
            OracleReport.sign(chainId: chainId, market: market, price: price, timestampMs: timeMs - 100, key: DevnetKeys.oracleSigner(i))
        }
        try await send(key: DevnetKeys.oracleRelayer(), .oracleUpdate(market: market, reports: reports))
    }

    // MARK: Running

    public func run() async throws -> (records: [StepRecord], checks: [CheckResult]) {
        chainId = try await client.status().value.chainId
        try buildPaths()
        let stepMs = UInt64(scenario.stepSeconds ?? 60) * 1_000
        var time = try await headTime()

        log("setup: deposits, vaults, opening prices")
        for a in scenario.accounts { if let d = a.deposit { try await send(a.name, .deposit(vault: 0, asset: 0, amount: try Amount.parse(d, decimals: 6))) } }
        let assets = try await client.assets().value
        for a in scenario.accounts {
            for h in a.collateral ?? [] {
                guard let asset = assets.first(where: { $0.symbol == h.asset.uppercased() }) else {
                    throw ClientError("invalid_scenario", "accounts.\(a.name): no asset \(h.asset)")
                }
                try await send(a.name, .deposit(vault: 0, asset: asset.id, amount: try Amount.parse(h.amount, decimals: Int(asset.decimals))))
            }
        }
        for k in scenario.keepers { try await send(k.account, .deposit(vault: 0, asset: 0, amount: try Amount.parse(k.deposit, decimals: 6))) }
        time += 1_000
        try await mine(at: time)
        for a in scenario.accounts where a.portfolioDeposit != nil {
            try await send(a.name, .vaultOpen(vault: 1, mode: .portfolio))
            try await send(a.name, .deposit(vault: 1, asset: 0, amount: try Amount.parse(a.portfolioDeposit!, decimals: 6)))
        }
        time += 1_000
        try await publishPrices(step: 0, timeMs: time, forceOverride: true)
        try await mine(at: time)

        log("setup: \(scenario.positions.count) positions against \(scenario.marketMaker)")
        let markets = try await client.markets().value
        for p in scenario.positions {
            guard let m = markets.first(where: { $0.params.symbol == p.market.uppercased() }) else {
                throw ClientError("invalid_scenario", "no market \(p.market)")
            }
            let tick = try Amount.parse(m.params.tickSize, decimals: 8)
            let reference = try p.price.map { try Amount.parse($0, decimals: 8) }
                ?? Amount.parse(m.markPrice ?? m.oraclePrice ?? "0", decimals: 8)
            let price = UInt64(reference / tick * tick)
            let side: Side = p.side == "buy" ? .buy : .sell
            let size = UInt64(try Amount.parse(p.size, decimals: 8))
            try await send(scenario.marketMaker, .orderPlace(OrderRequest(vault: 0, market: m.params.id, side: side.opposite, kind: .limit,
                                                                          timeInForce: .goodTillCancelled, reduceOnly: false, size: size, price: price)))
            try await send(p.account, .orderPlace(OrderRequest(vault: p.vault ?? 0, market: m.params.id, side: side, kind: .limit,
                                                               timeInForce: .immediateOrCancel, reduceOnly: false, size: size, price: price)))
        }
        time += 1_000
        try await mine(at: time)

        let quiet = Logger(label: "scenario-keeper", factory: { _ in SwiftLogNoOpLogHandler() })
        for k in scenario.keepers {
            var options = Keeper.Options()
            options.vault = 0
            let keeper = Keeper(client: client, key: try Self.key(k.account), options: options, logger: quiet) { _ in }
            try await keeper.prepare()
            keepers.append((k.account, keeper))
        }
        let fundStart = try await fund()
        records.append(try await record(step: 0, liquidations: [], adl: 0))

        for step in stride(from: 1, through: scenario.steps, by: 1) {
            time = max(time + stepMs, try await headTime() + 1)
            try await publishPrices(step: step, timeMs: time)
            let block = try await mine(at: time)
            noteLiquidations(block)
            let health = try await healthBuckets()
            var liquidations = events(block, "liquidation"), adl = events(block, "adl").count
            var auctionEvents = auctionEventsOf(block)
            // Keepers react to the block: up to three rounds while they find something.
            for _ in 0..<3 {
                for k in keepers { try await k.keeper.sweep() }
                guard try await client.status().value.mempoolSize > 0 else { break }
                time += 1_000
                let b = try await mine(at: time)
                noteLiquidations(b)
                liquidations += events(b, "liquidation")
                adl += events(b, "adl").count
                auctionEvents += auctionEventsOf(b)
            }
            for k in keepers { try await k.keeper.settlePending() }
            for l in liquidations { if let v = l["vault"] { liquidatedVaults.insert(v) } }
            var r = try await record(step: step, liquidations: liquidations, adl: adl)
            r.health = health
            try await recordAuctions(&r, auctionEvents)
            records.append(r)
            let pricesText = r.prices.keys.sorted().map { "\($0) \(String(format: "%.2f", r.prices[$0]!))" }.joined(separator: ", ")
            let auctionText = r.auctionPrices.isEmpty && r.auctionStarts == 0 ? ""
                : "; auctions: \(r.auctionStarts) started, \(r.auctionTakes) takes" + r.auctionPrices.keys.sorted().map { ", \($0) at \(String(format: "%.2f", r.auctionPrices[$0]!))" }.joined()
            log("step \(step)/\(scenario.steps) (block \(r.height)): \(pricesText); \(liquidations.count) liquidations, \(adl) ADL, fund \(String(format: "%.2f", r.insuranceFund)), unhealthy \(r.health[0])\(auctionText)")
        }
        if let actions = scenario.script { try await play(actions, from: time) }
        return (records, script.checks + (try await evaluate(fundStart: fundStart)))
    }

    /// Notes, per liquidation receipt of the block, the socialized loss against the sum of its
    /// per-position shares, and whether the liquidation closed the whole position.
    func noteLiquidations(_ block: BlockReply) {
        func quantums(_ text: String?) -> UInt128 { text.flatMap { try? Amount.parse($0, decimals: 6) } ?? 0 }
        for tx in block.transactions {
            let events = tx.receipt?.events ?? []
            guard let l = events.first(where: { $0.type == "liquidation" })?.attributes, let vault = l["vault"] else { continue }
            let position = l["position"].map { $0.hasPrefix("-") ? String($0.dropFirst()) : $0 }
            wholeCloses.append((vault, position != nil && l["closed_size"] == position))
            let loss = quantums(l["socialized_loss"])
            let shares = events.filter { $0.type == "socialized_loss" }
            if loss > 0 || !shares.isEmpty {
                socialized.append((vault, loss, shares.reduce(UInt128(0)) { $0 + quantums($1.attributes["loss"]) }, shares.count))
            }
        }
    }

    func events(_ block: BlockReply, _ type: String) -> [[String: String]] {
        block.transactions.flatMap { ($0.receipt?.events ?? []).filter { $0.type == type }.map(\.attributes) }
    }

    func auctionEventsOf(_ block: BlockReply) -> [(type: String, attributes: [String: String])] {
        block.transactions.flatMap { ($0.receipt?.events ?? []).filter { $0.type.hasPrefix("auction_") }.map { ($0.type, $0.attributes) } }
    }

    /// The step's auction figures: starts, takes, proceeds and fund payments from its blocks'
    /// events; each asset's auction price from the step's last take, else from the running auction.
    func recordAuctions(_ r: inout StepRecord, _ events: [(type: String, attributes: [String: String])]) async throws {
        for e in events {
            switch e.type {
            case "auction_started": r.auctionStarts += 1
            case "auction_take":
                r.auctionTakes += 1
                r.auctionRaised += e.attributes["paid"].flatMap(Double.init) ?? 0
                if let asset = e.attributes["asset"], let p = e.attributes["price"].flatMap(Double.init) { r.auctionPrices[asset] = p }
            case "auction_ended": r.auctionFundPaid += e.attributes["fund_paid"].flatMap(Double.init) ?? 0
            default: break
            }
        }
        for a in try await client.auctions().value.auctions where r.auctionPrices[a.asset] == nil {
            r.auctionPrices[a.asset] = Double(a.price)
        }
        auctionsSeen.formUnion(r.auctionPrices.keys)
    }

    func fund() async throws -> Double { Double(try await client.insurance(limit: 1).value.balance) ?? 0 }

    func record(step: Int, liquidations: [[String: String]], adl: Int) async throws -> StepRecord {
        let status = try await client.status().value
        var r = StepRecord(step: step, height: status.height)
        let oracle = try await client.oracle().value
        for m in oracle.markets where paths[m.symbol] != nil {
            r.prices[m.symbol] = m.price.flatMap(Double.init) ?? 0
            r.truePrices[m.symbol] = paths[m.symbol]![step]
        }
        r.health = try await healthBuckets()
        r.liquidations = liquidations.count
        r.adlEvents = adl
        r.deficitsPaid = liquidations.compactMap { $0["deficit_paid"].flatMap(Double.init) }.reduce(0, +)
        r.insuranceFund = try await fund()
        r.keeperBounties = keepers.reduce(0) { $0 + Double($1.keeper.earned) / 1_000_000 }
        return r
    }

    /// The scenario's vaults with positions (the market maker's included), by margin ratio.
    func healthBuckets() async throws -> [Int] {
        var buckets = [0, 0, 0, 0]
        var names = Set(scenario.accounts.map(\.name))
        names.insert(scenario.marketMaker)
        for name in names.sorted() {
            for v in try await client.vaults(try Self.address(name)).value where !v.positions.isEmpty {
                guard let ratio = v.margin?.marginRatio.flatMap(Double.init) else { continue }
                buckets[ratio < 1 ? 0 : ratio < 1.5 ? 1 : ratio < 3 ? 2 : 3] += 1
            }
        }
        return buckets
    }
}
