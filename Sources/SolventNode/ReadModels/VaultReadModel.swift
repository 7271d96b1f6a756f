import SolventCore
import SolventStore
import SolventWire

/// A vault as `GET /v1/vaults` shows it: collateral valued, positions with their requirements,
/// liquidation prices and ADL places, and the margin summary (margin.md).
enum VaultReadModel {
    /// The vault's risk at fresh prices; failing that at the latest prices regardless (with
    /// `fresh` false); failing that, why not.
    struct Valuation {
        let risk: VaultRisk?
        let fresh: Bool
        let failure: ProtocolError?

        init(_ id: VaultID, state: some StateReader, at timeMs: UInt64) {
            do {
                risk = try Margin.risk(of: id, state: state, at: timeMs, prices: .freshOnly)
                fresh = true
                failure = nil
            } catch {
                fresh = false
                do {
                    risk = try Margin.risk(of: id, state: state, at: timeMs, prices: .latest)
                    failure = nil
                } catch {
                    risk = nil
                    failure = error
                }
            }
        }
    }

    static func vault(_ id: VaultID, _ v: Vault, state: some StateReader, head: ChainHead, assets: AssetBook,
                      adl: (PositionRisk) -> AutoDeleveraging.Standing? = { _ in nil }) -> VaultReply {
        let valuation = Valuation(id, state: state, at: head.timeMs)
        let risk = valuation.risk
        let quote = PerpUnits.formatQuote(v.quote)
        var collateral = [CollateralReply(asset: "USDC", amount: quote, oraclePrice: OraclePrice.format(OraclePrice.one), haircutPpm: 0, value: quote)]
        for entry in v.collateral.entries {
            let c = risk?.collateral.first { $0.asset.id == entry.asset }
            collateral.append(CollateralReply(
                asset: assets.symbol(entry.asset), amount: assets.format(entry.amount, entry.asset),
                oraclePrice: c.map { OraclePrice.format($0.oraclePrice) }, haircutPpm: c?.haircutPpm,
                value: c.map { Amount.format($0.value, decimals: 6) }))
        }
        var market: String?
        if case .isolated(let m) = v.mode { market = state.perpMarket(m)?.params.symbol ?? String(m) }
        return VaultReply(
            owner: id.owner.text, vault: id.number, mode: v.mode.name, market: market, quote: quote, collateral: collateral,
            positions: (risk?.positions ?? []).map { position($0, in: risk, state: state, standing: adl($0)) },
            margin: risk.map { margin($0, fresh: valuation.fresh) },
            marginError: valuation.failure.map(ErrorBody.init),
            openOrders: OrderBook.orders(owner: id.owner, vault: id.number, state: state).count, height: head.height)
    }

    static func position(_ p: PositionRisk, in risk: VaultRisk?, state: some StateReader, standing: AutoDeleveraging.Standing?) -> PositionReply {
        let tiers = state.perpMarket(p.market)?.params.tiers ?? []
        return PositionReply(
            market: p.symbol, size: PerpUnits.formatSize(p.size), side: p.size > 0 ? "long" : "short",
            entryPrice: OraclePrice.format(p.entryPrice), oraclePrice: OraclePrice.format(p.oraclePrice),
            notional: Amount.format(p.notional, decimals: 6), value: PerpUnits.formatQuote(p.value),
            unrealizedPnl: PerpUnits.formatQuote(p.unrealizedPnl), realizedPnl: PerpUnits.formatQuote(p.position.realizedPnl),
            fundingPaid: PerpUnits.formatQuote(p.position.fundingPaid), unsettledFunding: PerpUnits.formatQuote(p.unsettledFunding),
            initialRequirement: Amount.format(p.initial, decimals: 6), maintenanceRequirement: Amount.format(p.maintenance, decimals: 6),
            liquidationPrice: risk.flatMap { Margin.liquidationPrice(of: p, in: $0, tiers: tiers) }.map(OraclePrice.format),
            adlRank: standing?.rank, adlScorePpm: standing.map { String($0.score) })
    }

    static func margin(_ r: VaultRisk, fresh: Bool) -> MarginReply {
        MarginReply(
            equity: PerpUnits.formatQuote(r.equity), initialRequirement: Amount.format(r.initial, decimals: 6),
            maintenanceRequirement: Amount.format(r.maintenance, decimals: 6), freeCollateral: PerpUnits.formatQuote(r.freeCollateral),
            haircutAddOn: r.haircutAddOn == 0 ? nil : Amount.format(r.haircutAddOn, decimals: 6),
            marginRatio: r.marginRatioPpm.map { Amount.format(UInt128(clamping: max(0, $0)), decimals: 6) },
            liquidatable: r.isLiquidatable, pricesFresh: fresh)
    }
}
