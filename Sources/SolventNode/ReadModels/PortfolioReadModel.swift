import SolventCore
import SolventStore
import SolventWire

/// A vault's margin in full as `GET /v1/vaults/{address}/{number}/margin` shows it
/// (portfolio-margin.md, "Query"): each position's standalone requirement and Greeks, the
/// portfolio evaluation with its scenario tables, the worst scenario, and the vault's Greeks.
enum PortfolioReadModel {
    /// The vault's risk at the latest prices (with `adjust` applied), and its portfolio
    /// evaluation: the one it is margined by, or for a cross or isolated vault what portfolio
    /// mode would ask.
    static func evaluate(_ id: VaultID, state: some StateReader, at time: UInt64, adjust: Margin.Adjustment?,
                         settings: PortfolioSettings) throws(ProtocolError) -> (VaultRisk, PortfolioMargin.Result) {
        let risk = try Margin.risk(of: id, state: state, at: time, prices: .latest, adjust: adjust)
        if let p = risk.portfolio { return (risk, p) }
        return (risk, try Margin.portfolio(risk.positions, settings: settings))
    }

    static func margin(id: VaultID, mode: VaultMode, risk: VaultRisk, portfolio p: PortfolioMargin.Result, state: some StateReader,
                       height: UInt64, time: UInt64, whatIf: WhatIfReply?) -> PortfolioMarginReply {
        func usdc(_ v: Int128) -> String { PerpUnits.formatQuote(v) }
        func usdc(_ v: UInt128) -> String { Amount.format(v, decimals: 6) }
        func name(_ oracle: UInt32) -> String { state.oracleMarket(oracle)?.symbol ?? String(oracle) }
        var byUnderlying = [UInt32: (Int128, Int128, Int128, Int128)]()
        var total = (Int128(0), Int128(0), Int128(0), Int128(0))
        let positions = risk.positions.map { pos in
            let g = greeks(pos)
            // Saturating sums: Greeks of positions near the size bound may pass 128 bits together.
            let u = byUnderlying[pos.underlyingOracle, default: (0, 0, 0, 0)]
            byUnderlying[pos.underlyingOracle] = (u.0.saturatingAdd(g.0), u.1.saturatingAdd(g.1), u.2.saturatingAdd(g.2), u.3.saturatingAdd(g.3))
            total = (total.0.saturatingAdd(g.0), total.1.saturatingAdd(g.1), total.2.saturatingAdd(g.2), total.3.saturatingAdd(g.3))
            return MarginPositionReply(
                market: pos.symbol, kind: pos.instrument.kindName, size: PerpUnits.formatSize(pos.size), markPrice: OraclePrice.format(pos.oraclePrice),
                underlyingPrice: OraclePrice.format(pos.underlyingPrice), value: usdc(pos.value),
                standaloneInitial: usdc(pos.initial), standaloneMaintenance: usdc(pos.maintenance),
                liquidityAddOn: pos.openInterestAddOn + pos.depthAddOn > 0 ? usdc(pos.openInterestAddOn + pos.depthAddOn) : nil,
                greeks: GreeksReply(delta: g.0, gamma: g.1, vega: g.2, theta: g.3))
        }
        let portfolio = PortfolioReply(
            initial: usdc(p.initial), maintenance: usdc(p.maintenance), scanLoss: usdc(p.scanLoss),
            credits: usdc(p.creditTotal), contingency: usdc(p.contingency),
            underlyings: p.underlyings.map { u in
                let g = byUnderlying[u.oracleMarket] ?? (0, 0, 0, 0)
                return UnderlyingMarginReply(
                    oracleMarket: name(u.oracleMarket), price: OraclePrice.format(u.spot), scanLoss: usdc(u.scanLoss),
                    worstScenario: u.worst, direction: u.direction, longDelta: PerpUnits.formatSize(Int64(clamping: u.longDelta)),
                    shortDelta: PerpUnits.formatSize(Int64(clamping: u.shortDelta)), hedgedDeltaCharge: usdc(u.hedgedDeltaCharge),
                    shortOptionCharge: usdc(u.shortOptionCharge), closeoutCharge: usdc(u.closeoutCharge),
                    greeks: GreeksReply(delta: g.0, gamma: g.1, vega: g.2, theta: g.3),
                    scenarios: u.scenarios.map {
                        MarginScenarioReply(priceMovePpm: $0.priceMovePpm, volMovePpm: $0.volMovePpm, coverPpm: $0.coverPpm,
                                            backVolMovePpm: $0.backVolMovePpm, pnl: usdc($0.pnl))
                    })
            },
            spreadCredits: p.credits.map {
                SpreadCreditReply(first: name($0.first), second: name($0.second), offsetLoss: usdc($0.offsetLoss), credit: usdc($0.credit))
            })
        var worst: WorstScenarioReply?
        var worstPnl: Int128 = 0
        for u in p.underlyings {
            guard let i = u.worst, u.scenarios[i].pnl < worstPnl else { continue }
            worstPnl = u.scenarios[i].pnl
            worst = WorstScenarioReply(oracleMarket: name(u.oracleMarket), priceMovePpm: u.scenarios[i].priceMovePpm,
                                       volMovePpm: u.scenarios[i].volMovePpm, backVolMovePpm: u.scenarios[i].backVolMovePpm,
                                       pnl: usdc(u.scenarios[i].pnl))
        }
        let vaultGreeks = GreeksReply(delta: 0, gamma: 0, vega: total.2, theta: total.3)
        return PortfolioMarginReply(
            owner: id.owner.text, vault: id.number, mode: mode.name, height: height, time: UTCTime.rfc3339(time), equity: usdc(risk.equity),
            positions: positions, standaloneInitial: usdc(risk.standaloneInitial), standaloneMaintenance: usdc(risk.standaloneMaintenance),
            portfolio: portfolio, offset: usdc(Int128(risk.standaloneInitial) - Int128(p.initial)), initialRequirement: usdc(risk.initial),
            maintenanceRequirement: usdc(risk.maintenance), freeCollateral: usdc(risk.freeCollateral), worst: worst,
            greeks: VaultGreeksReply(vega: vaultGreeks.vega, theta: vaultGreeks.theta), whatIf: whatIf)
    }

    /// A position's Greeks times the units of the underlying it holds (size / 10^8), in wads: a
    /// perpetual or future has delta = its size and nothing else.
    static func greeks(_ p: PositionRisk) -> (Int128, Int128, Int128, Int128) {
        let s = Int128(p.size)
        func scaled(_ g: Int128) -> Int128 { FixedPoint.mulDiv(s, g, 100_000_000, .down) ?? 0 }
        guard case .option(_, let strike, let call, _) = p.instrument else { return (scaled(FixedMath.one), 0, 0, 0) }
        guard let g = BlackScholes.evaluate(spot: p.underlyingPrice, strike: strike, vol: p.vol, timeMs: p.timeToExpiryMs, isCall: call) else {
            return (0, 0, 0, 0)
        }
        return (scaled(g.delta), scaled(g.gamma), scaled(g.vega), scaled(g.theta))
    }
}

extension GreeksReply {
    /// Inputs are wads (18 decimals) per whole unit of the underlying held; vega per 1.00 of
    /// volatility and theta per year, shown per point and per day.
    init(delta: Int128, gamma: Int128, vega: Int128, theta: Int128) {
        func decimalText(_ v: Int128) -> String { (v < 0 ? "-" : "") + Amount.format(v.magnitude, decimals: 18) }
        self.init(delta: decimalText(delta), gamma: decimalText(gamma), vega: decimalText(vega / 100), theta: decimalText(theta / 365))
    }
}
