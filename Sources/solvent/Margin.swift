import ArgumentParser
import Foundation
import SolventClient
import SolventCore

extension Query {
    struct MarginQuery: ClientCommand {
        static let configuration = CommandConfiguration(
            commandName: "margin",
            abstract: "A vault's margin in full: standalone and portfolio requirements, the offset, the scenario table and the Greeks.",
            discussion: """
                --what-if MARKET:SIZE evaluates the vault with that position added at the mark price, without sending anything. \
                --risk adds the vault's one-hour VaR and expected shortfall over the chain's price history beside the scenario \
                requirement (contracts-spec/risk-measures.md).
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Owner address or key name.") var who: String
        @Option(name: .long, help: "Vault number.") var vault: UInt32 = 0
        @Option(name: .customLong("what-if"), help: "A hypothetical position, MARKET:SIZE (negative for short), e.g. BTC-PERP:-0.5.")
        var whatIf: String?
        @Flag(name: .long, help: "Print every scenario, not only the worst per underlying.") var scenarios = false
        @Flag(name: .long, help: "Also print historical and parametric VaR and ES beside the scenario requirement.") var risk = false

        func execute() async throws {
            let address = try resolveAddress(who, global)
            guard let m = global.forText(try await global.client.margin(address.text, vault, whatIf: whatIf)) else { return }
            func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
            print("vault        \(m.owner)/\(m.vault) (\(m.mode)) at height \(m.height)")
            if let w = m.whatIf { print("what if      \(w.size.hasPrefix("-") ? "" : "+")\(w.size) \(w.market) at \(w.price) (added to the vault here, nothing sent)") }
            print("equity       \(m.equity) USDC")
            if m.positions.isEmpty {
                print("positions    none")
            } else {
                var table = TextTable(header: ["market", "kind", "size", "mark", "standalone IM", "delta", "vega/pt"], rightAligned: [2, 3, 4, 5, 6])
                for p in m.positions {
                    table.add([p.market, p.kind, p.size, p.markPrice, p.standaloneInitial, Self.short(p.greeks.delta), Self.short(p.greeks.vega)])
                }
                print(table.render())
                for p in m.positions {
                    if let addOn = p.liquidityAddOn {
                        print("             \(p.market): \(addOn) of its standalone IM is the market's open-interest caps and depth add-on (in force in every vault mode)")
                    }
                }
            }
            print("standalone   initial \(m.standaloneInitial)   maintenance \(m.standaloneMaintenance) USDC (each position alone, summed: what a cross vault needs)")
            print("portfolio    initial \(m.portfolio.initial)   maintenance \(m.portfolio.maintenance) USDC"
                + "  (scan loss \(m.portfolio.scanLoss) − credits \(m.portfolio.credits) + contingency \(m.portfolio.contingency))")
            print("offset       \(Self.offsetSentence(m.offset))")
            print("in force     initial \(m.initialRequirement)   maintenance \(m.maintenanceRequirement)   free \(m.freeCollateral) USDC")
            if let w = m.worst {
                print("worst        \(w.oracleMarket) price \(Self.percent(w.priceMovePpm)) vol \(Self.percent(w.volMovePpm)): \(w.pnl) USDC")
            }
            print("greeks       vega \(Self.short(m.greeks.vega)) USD/vol point  theta \(Self.short(m.greeks.theta)) USD/day")
            for u in m.portfolio.underlyings {
                print("\(u.oracleMarket) at \(u.price): delta \(Self.short(u.greeks.delta)), gamma \(Self.short(u.greeks.gamma)); scan loss \(u.scanLoss), "
                    + "hedged-delta charge \(u.hedgedDeltaCharge), short-option charge \(u.shortOptionCharge), closeout charge \(u.closeoutCharge)")
                for (i, s) in u.scenarios.enumerated() where scenarios || i == u.worstScenario {
                    let cover = s.coverPpm == 1_000_000 ? "" : " (counted at \(Self.percent(Int64(s.coverPpm))))"
                    let vol = s.backVolMovePpm.map { "nearest \(Self.percent(s.volMovePpm)) later \(Self.percent($0))" } ?? Self.percent(s.volMovePpm)
                    print("  price \(pad(Self.percent(s.priceMovePpm), 8)) vol \(pad(vol, 8)) pnl \(s.pnl)\(cover)\(i == u.worstScenario ? "  <- worst" : "")")
                }
            }
            for c in m.portfolio.spreadCredits {
                print("credit       \(c.first)/\(c.second): \(c.credit) USDC on an offsetting loss of \(c.offsetLoss)")
            }
            if risk { try await printRisk(address.text) }
        }

        /// risk-measures.md, "Queries": the measures beside the requirement in force.
        func printRisk(_ address: String) async throws {
            guard let r = global.forText(try await global.client.vaultRisk(address, vault)) else { return }
            let w = r.window
            print("risk         over \(w.samples) hourly moves of the chain's price history (height \(r.height)); one hour, no liquidation in between")
            print("             scenario requirement: initial \(r.initialRequirement)   maintenance \(r.maintenanceRequirement) USDC")
            if let h = r.historical {
                print("historical   VaR 99% \(h.var99)   ES 99% \(h.es99)   VaR 97.5% \(h.var975)   ES 97.5% \(h.es975) USDC (worst hour \(h.worstLoss))")
            }
            if let p = r.parametric {
                print("parametric   VaR 99% \(p.var99)   VaR 97.5% \(p.var975) USDC (delta-gamma-vega normal: sigma \(p.sigma), gamma mean \(p.gammaMean))")
            }
            if let es = r.initialToEs99 { print("             the initial requirement is \(es) × ES 99%") }
            if r.historical == nil, r.measuresError == nil { print("             no hourly sample yet: the chain is younger than an hour") }
            if let e = r.measuresError { print("             not computed: \(e.code) (\(e.message))") }
        }

        /// `offset` = standalone sum − portfolio initial (portfolio-margin.md): what portfolio
        /// margining saves when positive, what it costs when negative.
        static func offsetSentence(_ offset: String) -> String {
            if offset.hasPrefix("-") { return "\(offset) USDC: portfolio margin needs \(offset.dropFirst()) USDC more than the standalone sum" }
            if offset == "0" { return "0 USDC: portfolio margin needs the same as the standalone sum" }
            return "\(offset) USDC: portfolio margin needs \(offset) USDC less than the standalone sum"
        }

        static func percent(_ ppm: Int64) -> String {
            let sign = ppm < 0 ? "-" : ppm > 0 ? "+" : ""
            return sign + Amount.format(UInt128(ppm.magnitude), decimals: 4) + "%"
        }

        /// A decimal trimmed to 6 places for the table (the JSON has all 18).
        static func short(_ text: String) -> String {
            guard let dot = text.firstIndex(of: ".") else { return text }
            let end = text.index(dot, offsetBy: 7, limitedBy: text.endIndex) ?? text.endIndex
            return String(text[..<end])
        }
    }
}
