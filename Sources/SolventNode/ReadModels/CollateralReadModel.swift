import SolventCore
import SolventWire

extension HaircutRuleReply {
    /// An asset's dynamic haircut as `GET /v1/assets` shows it (haircuts.md, "Queries").
    init(_ rule: DynamicHaircuts.Rule, state: some StateReader, height: UInt64) {
        let s = rule.settings
        self.init(
            source: s.isRealized ? "realized" : (state.oracleMarket(s.volMarket)?.symbol ?? "market\(s.volMarket)"),
            volMarket: s.volMarket, windowMs: s.windowMs, scalePpm: s.scalePpm, capPpm: s.capPpm, ratePpmPerHour: s.ratePpmPerHour,
            stepPpm: s.stepPpm, haircutPpm: rule.haircutPpm, initialHaircutPpm: rule.initialHaircutPpm, targetPpm: rule.targetPpm,
            volatilityPpm: rule.volatilityPpm, variance: Amount.format(rule.variance, decimals: 18),
            lastPrice: rule.lastPrice == 0 ? nil : OraclePrice.format(rule.lastPrice), sampledAt: rule.sampledAtMs,
            movedAt: rule.movedAtMs, height: height)
    }
}

extension AssetYieldReply {
    /// A yield asset's checkpoint and its rate and price at the head's time (yield-assets.md, "Queries").
    init(_ entry: YieldAssets.Entry, head: ChainHead) {
        let now = entry.rate(at: head.timeMs)
        self.init(aprPpm: entry.aprPpm, rate: Amount.format(entry.rate, decimals: 18), accruedAt: entry.accruedAtMs,
                  rateNow: now.map { Amount.format($0, decimals: 18) } ?? "overflow",
                  priceNow: (try? entry.price(at: head.timeMs)).map(OraclePrice.format) ?? "overflow", height: head.height)
    }
}
