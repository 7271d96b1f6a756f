import Foundation
import SolventCore
import SolventWire

/// The checks a scenario file names, evaluated on the finished run (devnet.md, "Scenarios").
extension ScenarioRunner {
    func evaluate(fundStart: Double) async throws -> [CheckResult] {
        var out = [CheckResult]()
        for c in scenario.checks { out.append(try await evaluate(c, fundStart: fundStart)) }
        return out
    }

    /// One check, on the run so far (at the end, or where a script's `check` action stands).
    func evaluate(_ c: ScenarioFile.Check, fundStart: Double) async throws -> CheckResult {
        let totalLiquidations = records.reduce(0) { $0 + $1.liquidations }
        let totalADL = records.reduce(0) { $0 + $1.adlEvents }
        let fundEnd = records.last?.insuranceFund ?? 0
        let fundPeak = records.map(\.insuranceFund).max() ?? 0
        let v = c.value.flatMap(Double.init) ?? 0
        switch c.kind {
        case "conservation":
            return CheckResult(description: "conservation after every block", passed: conservationFailures.isEmpty,
                                   detail: conservationFailures.isEmpty ? "held at all \(blocksMined) blocks" : "failed at \(conservationFailures.joined(separator: ", "))")
        case "min_liquidations":
            return CheckResult(description: "at least \(Int(v)) liquidations", passed: Double(totalLiquidations) >= v, detail: "\(totalLiquidations)")
        case "max_liquidations":
            return CheckResult(description: "at most \(Int(v)) liquidations", passed: Double(totalLiquidations) <= v, detail: "\(totalLiquidations)")
        case "insurance_fund_grew":
            return CheckResult(description: "the insurance fund grew from penalties", passed: fundPeak > fundStart,
                                   detail: String(format: "%.2f → peak %.2f", fundStart, fundPeak))
        case "insurance_fund_drained":
            return CheckResult(description: "the insurance fund fell below \(c.value ?? "0")", passed: fundEnd < v || records.contains { $0.insuranceFund < v },
                                   detail: String(format: "lowest %.2f", records.map(\.insuranceFund).min() ?? 0))
        case "min_adl_events":
            return CheckResult(description: "at least \(Int(v)) ADL fills", passed: Double(totalADL) >= v, detail: "\(totalADL)")
        case "min_keeper_bounties":
            let earned = records.last?.keeperBounties ?? 0
            return CheckResult(description: "keepers earned at least \(c.value ?? "0") USDC", passed: earned >= v, detail: String(format: "%.4f", earned))
        case "price_within":
            let market = c.market ?? ""
            let worst = records.compactMap { r -> Double? in
                guard let p = r.prices[market], let t = r.truePrices[market], t > 0 else { return nil }
                return abs(p / t - 1)
            }.max() ?? 1
            return CheckResult(description: "\(market) stays within \(String(format: "%g", v * 100))% of the honest price",
                                   passed: worst <= v, detail: String(format: "worst %.4f%%", worst * 100))
        case "min_auction_takes":
            let takes = records.reduce(0) { $0 + $1.auctionTakes }
            return CheckResult(description: "at least \(Int(v)) auction takes", passed: Double(takes) >= v, detail: "\(takes)")
        case "auction_repaid":
            let address = try Self.address(c.account ?? "")
            let vault = try await client.vault(address, c.vault ?? 0).value
            let running = try await client.auctions().value.auctions.contains { $0.owner == address && $0.vault == (c.vault ?? 0) }
            let repaid = !vault.quote.hasPrefix("-") && !running
            return CheckResult(description: "\(c.account ?? "")/\(c.vault ?? 0) owes nothing after its collateral auction", passed: repaid,
                                   detail: "quote \(vault.quote) USDC, collateral " + { let other = vault.collateral.filter { $0.asset != "USDC" }
                                           return other.isEmpty ? "none" : other.map { "\($0.amount) \($0.asset)" }.joined(separator: ", ") }()
                                       + (running ? ", an auction still runs" : ""))
        case "socialized_loss_adds_up":
            let exact = !socialized.isEmpty && socialized.allSatisfy { $0.loss == $0.sumOfShares && $0.positions > 0 }
            let detail = socialized.isEmpty ? "no socialized loss"
                : socialized.map { "\($0.vault): \($0.positions) positions shared \(Amount.format($0.sumOfShares, decimals: 6)) of \(Amount.format($0.loss, decimals: 6))" }
                    .joined(separator: "; ")
            return CheckResult(description: "socialized losses add up, per position, to the deficit to the quantum", passed: exact, detail: detail)
        case "vault_closed_in_one_liquidation":
            let id = "\(try Self.address(c.account ?? ""))/\(c.vault ?? 0)"
            let mine = wholeCloses.filter { $0.vault == id }
            return CheckResult(description: "\(c.account ?? "")/\(c.vault ?? 0) is closed by one liquidation", passed: mine.contains { $0.whole },
                                   detail: mine.isEmpty ? "never liquidated" : "\(mine.count) liquidations, \(mine.contains { $0.whole } ? "one closed the whole position" : "none closed it all")")
        case "vault_liquidated", "vault_not_liquidated":
            let id = "\(try Self.address(c.account ?? ""))/\(c.vault ?? 0)"
            let was = liquidatedVaults.contains(id)
            let want = c.kind == "vault_liquidated"
            return CheckResult(description: "\(c.account ?? "")/\(c.vault ?? 0) \(want ? "is" : "is not") liquidated", passed: was == want,
                                   detail: was ? "liquidated" : "never liquidated")
        default:
            return try await evaluateScripted(c)
        }
    }
}
