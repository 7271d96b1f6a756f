import Foundation
import SolventCore
import SolventWire

/// The report folder of a run: `summary.md` and the SVG plots (devnet.md, "Scenarios").
extension ScenarioRunner {
    /// Writes `summary.md` and the plots into `directory`; returns the files written.
    public static func writeReport(_ scenario: ScenarioFile, records: [StepRecord], checks: [CheckResult], to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let markets = Array(Set(records.flatMap(\.prices.keys))).sorted()
        var files = [String: String]()
        var priceSeries = [SVGChart.Series]()
        for m in markets {
            priceSeries.append(.init("\(m) on chain", records.map { $0.prices[m] ?? .nan }))
            if records.contains(where: { abs(($0.prices[m] ?? 0) - ($0.truePrices[m] ?? 0)) > ($0.truePrices[m] ?? 0) * 1e-6 }) {
                priceSeries.append(.init("\(m) honest", records.map { $0.truePrices[m] ?? .nan }))
            }
            if scenario.oracle?.mode == "signers", let liars = scenario.oracle?.liars, liars > 0 {
                let factor = scenario.oracle?.lieFactor ?? 1.5
                priceSeries.append(.init("\(m) reported by \(liars) lying signers", records.map { $0.step == 0 ? .nan : ($0.truePrices[m] ?? .nan) * factor }))
            }
        }
        // Prices of different markets differ by orders of magnitude: one chart per market.
        for m in markets {
            files["prices-\(m).svg"] = SVGChart.render(title: "\(m) oracle price", xLabel: "step", yLabel: "USD",
                                                        series: priceSeries.filter { $0.name.hasPrefix(m + " ") })
        }
        files["health.svg"] = SVGChart.render(
            title: "Vault health after each price move (vaults by margin ratio)", xLabel: "step", yLabel: "vaults",
            series: [.init("< 1 (liquidatable)", records.map { Double($0.health[0]) }), .init("1 to 1.5", records.map { Double($0.health[1]) }),
                     .init("1.5 to 3", records.map { Double($0.health[2]) }), .init(">= 3", records.map { Double($0.health[3]) })], zeroBased: true, integers: true)
        files["liquidations.svg"] = SVGChart.render(title: "Liquidations per step", xLabel: "step", yLabel: "liquidations",
                                                    series: [.init("liquidations", records.map { Double($0.liquidations) })], bars: true, integers: true)
        files["insurance.svg"] = SVGChart.render(title: "Insurance fund balance", xLabel: "step", yLabel: "USDC",
                                                 series: [.init("fund", records.map(\.insuranceFund))], zeroBased: true)
        files["adl.svg"] = SVGChart.render(title: "Auto-deleveraging fills per step", xLabel: "step", yLabel: "ADL fills",
                                           series: [.init("ADL fills", records.map { Double($0.adlEvents) })], bars: true, integers: true)
        files["bounties.svg"] = SVGChart.render(title: "Keeper bounties (cumulative)", xLabel: "step", yLabel: "USDC",
                                                series: [.init("bounties", records.map(\.keeperBounties))], zeroBased: true)
        // Collateral auctions: the auction's price against the oracle price of the asset it sells.
        let auctioned = Array(Set(records.flatMap(\.auctionPrices.keys))).sorted()
        for asset in auctioned {
            let oracle = markets.first { $0 == asset + "-USD" }
            var series = [SVGChart.Series(asset + " auction price", records.map { $0.auctionPrices[asset] ?? .nan })]
            if let oracle { series.append(.init(oracle + " oracle", records.map { $0.prices[oracle] ?? .nan })) }
            files["auction-\(asset).svg"] = SVGChart.render(title: "\(asset) collateral auction: price against the oracle", xLabel: "step",
                                                            yLabel: "USD", series: series)
        }
        let passed = checks.allSatisfy(\.passed)
        var md = "# Scenario: \(scenario.name)\n\n\(scenario.description)\n\n"
        let steps = scenario.steps == 0 ? nil : "\(scenario.steps) steps of \(scenario.stepSeconds ?? 60) s of chain time"
        let script = scenario.script.map { "a script of \($0.count) actions (a row per price set and per liquidation round)" }
        md += "**Result: \(passed ? "all checks passed" : "FAILED")**, \([steps, script].compactMap { $0 }.joined(separator: ", then "))."
        md += "\n\n"
        md += "## Checks\n\n| check | result | detail |\n|---|---|---|\n"
        for c in checks { md += "| \(c.description) | \(c.passed ? "pass" : "FAIL") | \(c.detail) |\n" }
        let total = records.reduce(0) { $0 + $1.liquidations }
        md += "\n## Figures\n\n"
        md += "- liquidations: \(total); ADL fills: \(records.reduce(0) { $0 + $1.adlEvents }); deficits paid by the fund: \(String(format: "%.2f", records.reduce(0) { $0 + $1.deficitsPaid })) USDC\n"
        md += "- insurance fund: \(String(format: "%.2f", records.first?.insuranceFund ?? 0)) → \(String(format: "%.2f", records.last?.insuranceFund ?? 0)) USDC\n"
        md += "- keeper bounties: \(String(format: "%.4f", records.last?.keeperBounties ?? 0)) USDC\n"
        if !auctioned.isEmpty || records.contains(where: { $0.auctionStarts > 0 }) {
            md += "- collateral auctions: \(records.reduce(0) { $0 + $1.auctionStarts }) started, \(records.reduce(0) { $0 + $1.auctionTakes }) takes raising "
                + "\(String(format: "%.6f", records.reduce(0) { $0 + $1.auctionRaised })) USDC; the fund paid \(String(format: "%.6f", records.reduce(0) { $0 + $1.auctionFundPaid })) USDC of shortfalls\n"
        }
        md += "\n## Plots\n\n"
        for name in files.keys.sorted() { md += "![\(name)](\(name))\n\n" }
        md += "## Steps\n\n| step | block | prices | liquidatable | liquidations | ADL | fund |\(auctioned.isEmpty ? "" : " auction |")\n|---|---|---|---|---|---|---|\(auctioned.isEmpty ? "" : "---|")\n"
        for r in records {
            let auction = auctioned.isEmpty ? "" : " " + r.auctionPrices.keys.sorted().map { "\($0) \(String(format: "%.2f", r.auctionPrices[$0]!))" }.joined(separator: ", ")
                + (r.auctionTakes > 0 ? " (\(r.auctionTakes) take\(r.auctionTakes == 1 ? "" : "s"))" : "") + " |"
            md += "| \(r.step) | \(r.height) | \(r.prices.keys.sorted().map { "\($0) \(String(format: "%.2f", r.prices[$0]!))" }.joined(separator: ", ")) | \(r.health[0]) | \(r.liquidations) | \(r.adlEvents) | \(String(format: "%.2f", r.insuranceFund)) |\(auction)\n"
        }
        files["summary.md"] = md
        for (name, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
        }
        return files.keys.sorted()
    }
}

extension String {
    /// A hash that is the same in every process (Swift's `hashValue` is seeded per process).
    var hashValueStable: UInt64 { utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 } }
}
