import ArgumentParser
import Foundation
import SolventCore
import SolventStore

/// `solventd margin`: a vault's margin read straight from a node's store (the node may be
/// stopped), as raw integers: every requirement, scan loss and scenario profit in USDC
/// quantums. Two runs on the same store print the same bytes, whatever the process.
struct MarginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "margin",
        abstract: "Print a vault's margin from the store in raw integers (requirements, scan losses, every scenario).")

    @OptionGroup var home: HomeOption

    @Option(name: .long, help: "The vault, OWNER/NUMBER (OWNER as sv1... or hex).")
    var vault: String

    func run() throws {
        let parts = vault.split(separator: "/").map(String.init)
        guard parts.count == 2, let owner = Address(text: parts[0]), let number = UInt32(parts[1]) else {
            throw ValidationError("--vault is OWNER/NUMBER, like sv1.../1")
        }
        let store = try home.resolve().openStore(readOnly: true)
        let text: String = try store.withState { state, head in
            let id = VaultID(owner: owner, number: number)
            guard state.vault(id) != nil else { throw ValidationError("account \(owner) has no vault \(number)") }
            let risk: VaultRisk, portfolio: PortfolioMargin.Result
            do {
                risk = try Margin.risk(of: id, state: state, at: head.timeMs, prices: .latest)
                portfolio = try risk.portfolio ?? Margin.portfolio(risk.positions, settings: state.portfolioSettings())
            } catch {
                throw ValidationError("\(error)")
            }
            let scans = portfolio.underlyings.map { u in
                "{\"oracle_market\":\(u.oracleMarket),\"scan_loss\":\"\(u.scanLoss)\",\"hedged_delta_charge\":\"\(u.hedgedDeltaCharge)\","
                    + "\"short_option_charge\":\"\(u.shortOptionCharge)\",\"closeout_charge\":\"\(u.closeoutCharge)\",\"scenario_pnl\":[\(u.scenarios.map { "\"\($0.pnl)\"" }.joined(separator: ","))]}"
            }
            return "{\"height\":\(head.height),\"time_ms\":\(head.timeMs),\"equity\":\"\(risk.equity)\","
                + "\"initial\":\"\(risk.initial)\",\"maintenance\":\"\(risk.maintenance)\","
                + "\"haircut_add_on\":\"\(risk.haircutAddOn)\",\"liquidity_add_on\":\"\(risk.liquidityAddOn)\","
                + "\"standalone_initial\":\"\(risk.standaloneInitial)\",\"portfolio_initial\":\"\(portfolio.initial)\","
                + "\"portfolio_maintenance\":\"\(portfolio.maintenance)\",\"credits\":\"\(portfolio.creditTotal)\","
                + "\"underlyings\":[\(scans.joined(separator: ","))],\(Self.measures(risk, state.priceHistory()))}"
        }
        print(text)
    }

    /// The risk measures (risk-measures.md) in raw quantums: the window's size, the historical
    /// P&L of every sample, VaR and ES, the parametric figures, or the error.
    static func measures(_ risk: VaultRisk, _ history: PriceHistory) -> String {
        do {
            let pnls = try RiskMeasures.historicalPnl(risk, history: history)
            let tail = try RiskMeasures.tail(pnls), p = try RiskMeasures.parametric(risk, history: history)
            return "\"risk\":{\"samples\":\(history.sampleCount),\"pnls\":[\(pnls.map { "\"\($0)\"" }.joined(separator: ","))],"
                + "\"var_99\":\"\(tail?.var99 ?? 0)\",\"es_99\":\"\(tail?.es99 ?? 0)\",\"var_975\":\"\(tail?.var975 ?? 0)\","
                + "\"es_975\":\"\(tail?.es975 ?? 0)\",\"parametric_var_99\":\"\(p?.var99 ?? 0)\",\"sigma\":\"\(p?.sigma ?? 0)\","
                + "\"gamma_mean\":\"\(p?.gammaMean ?? 0)\"}"
        } catch {
            return "\"risk\":{\"error\":\"\(error.code.name)\"}"
        }
    }
}
