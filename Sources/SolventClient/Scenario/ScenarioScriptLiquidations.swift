import Foundation
import Logging
import SolventCore
import SolventWire

/// Script actions for keepers racing each other (contracts-spec/devnet.md, "Scripts").
extension ScenarioRunner {
    /// Keepers (the `solvent keeper run` logic, in this process), one per account, each keeping
    /// into its vault 0 and reporting every attempt; the fund's balance now is where
    /// `insurance_fund_grew_from_fees` measures from.
    func startKeepers(_ accounts: [String]) async throws {
        let quiet = Logger(label: "scenario-keeper", factory: { _ in SwiftLogNoOpLogHandler() })
        for name in accounts {
            var options = Keeper.Options()
            options.vault = 0
            let attempts = keeperAttempts
            let keeper = Keeper(client: client, key: try Self.key(name), options: options, logger: quiet) { attempts.add(name, $0) }
            try await keeper.prepare()
            keepers.append((name, keeper))
        }
        script.fundAtKeepersStart = Decimal(string: try await client.insurance(limit: 1).value.balance)
        log("keepers \(accounts.joined(separator: ", ")) started; fund \(try await client.insurance(limit: 1).value.balance) USDC")
    }

    /// Up to three rounds: the keepers see the last block and sweep (in turns, the first to send
    /// alternating between rounds, so each wins some races); every liquidatable position the node
    /// lists without a refusal must have a `liquidate` in the mempool; then a block. Ends at the
    /// first round with nothing to liquidate or no liquidation event. With `market`, the top of
    /// both sides' ADL queue of that market is noted before the first round.
    func liquidationRounds(_ a: ScenarioFile.Action) async throws {
        let label = a.label ?? "liquidation rounds"
        script.adlTopBefore = [:]
        if let market = a.market {
            let queue = try await client.adl(market).value
            script.adlTopBefore["shorts"] = queue.shorts.first { $0.inQueue }
            script.adlTopBefore["longs"] = queue.longs.first { $0.inQueue }
        }
        var liquidations = [[String: String]](), adl = [[String: String]]()
        for _ in 0..<3 {
            let listed = try await client.liquidatable().value
            let expected = listed.vaults.reduce(0) { $0 + $1.positions.filter { $0.refusal == nil }.count }
            guard expected > 0 else { break }
            script.sweeps += 1
            for k in script.sweeps % 2 == 1 ? keepers : Array(keepers.reversed()) { try await k.keeper.sweep() }
            let sent = try await client.status().value.mempoolSize
            guard sent >= expected else { throw Self.failed("\(label): the keepers sent \(sent) of \(expected) liquidations") }
            let block = try await nextBlock()
            noteLiquidations(block)
            let round = events(block, "liquidation")
            for e in round { log("  block \(block.height): " + Self.describeLiquidation(e)) }
            for h in events(block, "adl") {
                log("  ADL: \(h["vault"] ?? "") bought back \(h["size"] ?? "") at \(h["price"] ?? "") (rank \(h["rank"] ?? ""), score \(h["score_ppm"] ?? ""))")
            }
            liquidations += round
            adl += events(block, "adl")
            if round.isEmpty { break }
        }
        for k in keepers { try await k.keeper.settlePending() }
        for l in liquidations { if let v = l["vault"] { liquidatedVaults.insert(v) } }
        script.lastLiquidations = liquidations
        script.lastADL = adl
        var r = try await record(step: records.count, liquidations: liquidations, adl: adl.count)
        for (s, p) in script.prices { r.prices[s] = Double(p); r.truePrices[s] = Double(p) }
        records.append(r)
        let bounties = keepers.map { "\($0.name) \(Amount.format($0.keeper.earned, decimals: 6))" }.joined(separator: ", ")
        log("\(label): \(liquidations.count) liquidations, \(adl.count) ADL fills; fund \(String(format: "%.2f", r.insuranceFund)) USDC; bounties \(bounties)")
    }

    static func describeLiquidation(_ e: [String: String]) -> String {
        "liquidated \(e["vault"] ?? "") \(e["market"] ?? ""): closed \(e["closed_size"] ?? "") of \(e["position"] ?? "") (book \(e["book_size"] ?? ""), "
            + "backstop \(e["backstop_size"] ?? ""), adl \(e["adl_size"] ?? "")) bankruptcy \(e["bankruptcy_price"] ?? "") fee \(e["fee"] ?? "") "
            + "bounty \(e["bounty"] ?? "") deficit paid \(e["deficit_paid"] ?? "") fund \(e["insurance_fund"] ?? "")"
    }
}
