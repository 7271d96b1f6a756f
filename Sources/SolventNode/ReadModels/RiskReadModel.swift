import SolventCore
import SolventWire

/// VaR and expected shortfall beside the scenario requirement (contracts-spec/risk-measures.md,
/// "Queries"): for one vault, and for every vault with a position at once.
enum RiskReadModel {
    static func usdc(_ v: UInt128) -> String { Amount.format(v, decimals: 6) }

    static func window(_ h: PriceHistory) -> RiskWindowReply {
        RiskWindowReply(samples: h.sampleCount, intervalMs: PriceHistory.intervalMs, from: h.rows.first?.timeMs, to: h.rows.last?.timeMs)
    }

    static func tail(_ t: RiskMeasures.Tail, pnls: [Int128]) -> RiskTailReply {
        RiskTailReply(var99: usdc(t.var99), es99: usdc(t.es99), var975: usdc(t.var975), es975: usdc(t.es975),
                      worstLoss: usdc(UInt128(max(0, -(pnls.min() ?? 0)))), bestGain: usdc(UInt128(max(0, pnls.max() ?? 0))))
    }

    /// requirement ÷ measure with 6 decimals, rounded down; nil when the measure is 0.
    static func ratio(_ requirement: UInt128, _ measure: UInt128) -> String? {
        guard measure > 0, let r = FixedPoint.mulDiv(requirement, 1_000_000, measure, .down) else { return nil }
        return Amount.format(r, decimals: 6)
    }

    static func vault(_ id: VaultID, state: some StateReader, head: ChainHead) throws(ProtocolError) -> VaultRiskReply {
        let risk = try Margin.risk(of: id, state: state, at: head.timeMs, prices: .latest)
        let history = state.priceHistory()
        var historical: RiskTailReply?, parametric: ParametricRiskReply?, failure: ErrorBody?
        var toEs: String?, toVar: String?
        do {
            let pnls = try RiskMeasures.historicalPnl(risk, history: history)
            if let t = try RiskMeasures.tail(pnls) {
                historical = tail(t, pnls: pnls)
                (toEs, toVar) = (ratio(risk.initial, t.es99), ratio(risk.initial, t.var99))
            }
            if let p = try RiskMeasures.parametric(risk, history: history) {
                parametric = ParametricRiskReply(var99: usdc(p.var99), var975: usdc(p.var975), sigma: usdc(p.sigma),
                                                 gammaMean: PerpUnits.formatQuote(p.gammaMean))
            }
        } catch {
            failure = ErrorBody(error)
        }
        return VaultRiskReply(owner: id.owner.text, vault: id.number, height: head.height, window: window(history),
                              equity: PerpUnits.formatQuote(risk.equity), initialRequirement: usdc(risk.initial),
                              maintenanceRequirement: usdc(risk.maintenance), historical: historical, parametric: parametric,
                              initialToEs99: toEs, initialToVar99: toVar, measuresError: failure)
    }

    /// Every vault with a position, each sample applied to all at once (risk-measures.md, "The
    /// whole protocol"); nil when `proceed` said stop first.
    static func protocolWide(state: some StateReader, head: ChainHead, proceed: () -> Bool) -> (ProtocolRiskReply?, valued: Int, total: Int) {
        let vaults = state.vaultsWithPositions()
        let history = state.priceHistory()
        var shortfall = [UInt128](repeating: 0, count: history.sampleCount)
        var varSum: UInt128 = 0, valued = 0, skipped = 0
        for (i, v) in vaults.enumerated() {
            if i % 256 == 0, !proceed() { return (nil, i, vaults.count) }
            guard let risk = try? Margin.risk(of: v, state: state, at: head.timeMs, prices: .latest), !risk.positions.isEmpty,
                  let pnls = try? RiskMeasures.historicalPnl(risk, history: history) else {
                skipped += 1
                continue
            }
            for (k, pnl) in pnls.enumerated() {
                let (after, overflow) = risk.equity.addingReportingOverflow(pnl)
                let owed = overflow ? (pnl < 0 ? UInt128(Int128.max) : 0) : UInt128(max(0, -after))
                shortfall[k] = shortfall[k].addingReportingOverflow(owed).overflow ? UInt128.max : shortfall[k] + owed
            }
            if let t = try? RiskMeasures.tail(pnls) { varSum = varSum.addingReportingOverflow(t.var99).overflow ? UInt128.max : varSum + t.var99 }
            valued += 1
        }
        let sums = shortfall.map { -Int128(clamping: $0) }
        let measures = (try? RiskMeasures.tail(sums)).flatMap { $0 }
        return (ProtocolRiskReply(height: head.height, window: window(history), vaults: valued, skipped: skipped,
                                  shortfall: measures.map { tail($0, pnls: sums) }, vaultVar99Sum: usdc(varSum),
                                  insuranceFund: usdc(state.insuranceFund())), valued, vaults.count)
    }
}
