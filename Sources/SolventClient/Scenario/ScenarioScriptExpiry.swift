import Foundation
import SolventCore
import SolventWire

/// Script actions for dated markets: listing one that expires soon, and running the chain clock
/// until it settles (contracts-spec/devnet.md, "Scripts"; instruments.md, "Settlement").
extension ScenarioRunner {
    /// The admin (or `account`) sends a `market_list` shaped like `like`, expiring `expires_in`
    /// seconds after the chain's clock; the next block lists it.
    func listMarket(_ a: ScenarioFile.Action) async throws {
        let base = try await market(required(a.like, "like", a)).params
        let expiry = try await headTime() + (a.expiresIn ?? 0) * 1_000
        let instrument: Instrument
        switch base.kind ?? "perpetual" {
        case "perpetual": instrument = .perpetual
        case "future": instrument = .future(expiryMs: expiry)
        default:
            guard let vol = base.volatilityOracle, let strike = try OraclePrice.parse(required(a.strike, "strike", a)) else {
                throw ClientError("invalid_scenario", "script: an option needs `strike` and a market `like` with a volatility oracle")
            }
            instrument = .option(expiryMs: expiry, strike: strike, isCall: (a.type ?? (base.kind == "call" ? "call" : "put")).lowercased() == "call", volOracle: vol)
        }
        let params = try PerpMarketParams.like(base, id: try required(a.id, "id", a), symbol: try required(a.symbol, "symbol", a), instrument: instrument)
        try await send(a.account ?? "admin", .marketList(params))
        log("list \(params.symbol) like \(base.symbol), expiring at \(UTCTime.format(expiry))")
    }

    /// Publishes `price` (the five signers) in a block `every` 2 s of chain time until a block
    /// settles something, at most `within_seconds` (default 60) of chain time; that block must
    /// settle exactly `markets`. Notes the `market_settled` events and what every scenario vault's
    /// quote gained across the action.
    func settle(_ a: ScenarioFile.Action) async throws {
        let markets = Set(try required(a.markets, "markets", a)), symbol = try required(a.market, "market", a)
        let price = try required(a.price, "price", a)
        let before = try await quotes()
        let deadline = script.time + (a.withinSeconds ?? 60) * 1_000
        var settled = [[String: String]](), own = [EventReply]()
        while settled.isEmpty && script.time < deadline {
            script.time += 1_000
            try await setPrice(symbol, price, override: false)
            let height = try await client.status().value.height
            own = try await client.block(String(height)).value.events
            settled = own.filter { $0.type == "market_settled" }.map(\.attributes)
        }
        guard Set(settled.compactMap { $0["market"] }) == markets, settled.count == markets.count else {
            throw Self.failed("expected \(markets.sorted().joined(separator: ", ")) to settle together, got \(settled.map { $0["market"] ?? "" })")
        }
        for e in settled {
            log("  \(e["market"] ?? "") settled at \(e["settlement_price"] ?? "") (underlying \(e["underlying_price"] ?? "")): \(e["settled_size"] ?? "") paid to longs "
                + "\(e["paid_to_longs"] ?? "") by shorts \(e["paid_by_shorts"] ?? ""); \(e["orders_canceled"] ?? "") orders cancelled")
        }
        for e in own where e.type == "settlement" {
            log("    \(e.attributes["vault"] ?? "") \(e.attributes["market"] ?? "") \(e.attributes["size"] ?? "") at \(e.attributes["price"] ?? ""): "
                + "quote \(e.attributes["quote"] ?? ""), realized \(e.attributes["realized_pnl"] ?? "")")
        }
        script.settled = Dictionary(uniqueKeysWithValues: settled.map { ($0["market"] ?? "", $0) })
        let after = try await quotes()
        script.settlementPaid = after.reduce(into: [:]) { paid, vault in paid[vault.key] = vault.value - (before[vault.key] ?? 0) }
    }

    /// Every scenario account's vaults (and the market maker's): "owner/vault" → quote.
    func quotes() async throws -> [String: Decimal] {
        var names = Set(scenario.accounts.map(\.name))
        names.insert(scenario.marketMaker)
        var out = [String: Decimal]()
        for name in names.sorted() {
            for v in try await client.vaults(try Self.address(name)).value { out["\(v.owner)/\(v.vault)"] = Decimal(string: v.quote) ?? 0 }
        }
        return out
    }
}
