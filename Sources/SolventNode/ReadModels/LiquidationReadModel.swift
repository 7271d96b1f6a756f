import SolventCore
import SolventStore
import SolventWire

/// What `GET /v1/liquidatable` shows of a liquidatable vault (liquidation.md, "Queries"): its
/// margin, and for each position what liquidating it in the next block would do.
enum LiquidationReadModel {
    /// The index ranks the liquidatable vaults from the excess it stores; only the ones listed
    /// (and those holding options, whose margin moves with block time) are valued again, on one
    /// snapshot of the state, and each listed liquidation is simulated on it. When the index is
    /// not at the snapshot's height (a block committed between the two reads), every vault it
    /// names is valued instead.
    static func liquidatable(index: LiquidationIndex, state: some StateReader, head: ChainHead, context: BlockContext,
                             onlyMarket: UInt32?, limit: Int) -> LiquidatableReply {
        let limit = max(limit, 0)
        let ranking = index.ranking(limit: onlyMarket == nil ? limit : nil)
        let (count, queue) = ranking.height == head.height
            ? ranked(ranking, state: state, at: context.timeMs, onlyMarket: onlyMarket, limit: limit)
            : valuedOneByOne(index.liquidatable(), state: state, at: context.timeMs, onlyMarket: onlyMarket, limit: limit)
        return LiquidatableReply(
            height: head.height, blockTime: UTCTime.rfc3339(head.timeMs), count: count,
            vaults: queue.map { liquidatableVault($0, state: state, context: context, onlyMarket: onlyMarket) },
            index: LiquidationIndexReply(index.stats))
    }

    /// The count and the first `limit` of the queue (largest shortfall first, ties in vault key
    /// order) from an index at the snapshot's height: a vault without options is liquidatable at
    /// the query's time exactly when it was at the last block's, so only the listed ones are
    /// valued; the ones holding options are all valued at the query's time.
    static func ranked(_ ranking: LiquidationIndex.Ranking, state: some StateReader, at timeMs: UInt64, onlyMarket: UInt32?,
                       limit: Int) -> (count: Int, queue: [RiskShock.Shortfall]) {
        let holds = { (vault: VaultID) in onlyMarket.map { state.position(vault, $0) != nil } ?? true }
        let steady = onlyMarket == nil ? ranking.steady : ranking.steady.filter { holds($0.vault) }
        let steadyCount = onlyMarket == nil ? ranking.steadyCount : steady.count
        let listed = RiskShock.liquidatable(steady.prefix(limit).map(\.vault), state: state, at: timeMs)
        let timed = RiskShock.liquidatable(ranking.timed.filter(holds), state: state, at: timeMs)
        let dropped = min(limit, steady.count) - listed.count   // none while the index is exact
        let queue = (listed + timed).sorted(by: RiskShock.Shortfall.keeperOrder)
        return (steadyCount - dropped + timed.count, Array(queue.prefix(limit)))
    }

    /// The same from every candidate, each valued.
    static func valuedOneByOne(_ candidates: [VaultID], state: some StateReader, at timeMs: UInt64, onlyMarket: UInt32?,
                               limit: Int) -> (count: Int, queue: [RiskShock.Shortfall]) {
        var queue = RiskShock.liquidatable(candidates, state: state, at: timeMs)
        if let onlyMarket {
            queue = queue.filter { entry in state.position(entry.vault, onlyMarket) != nil }
        }
        return (queue.count, Array(queue.prefix(limit)))
    }

    /// Each position's liquidation is simulated on its own from the same state, with a keeper
    /// that can carry any backstop: what a liquidation sent now in the next block would do.
    static func liquidatableVault(_ entry: RiskShock.Shortfall, state: some StateReader, context: BlockContext,
                                  onlyMarket: UInt32?) -> LiquidatableVaultReply {
        let pricesFresh = (try? Margin.risk(of: entry.vault, state: state, at: context.timeMs, prices: .freshOnly)) != nil
        let risk = try? Margin.risk(of: entry.vault, state: state, at: context.timeMs, prices: .latest)
        let positions = (risk?.positions ?? []).filter { onlyMarket == nil || $0.market == onlyMarket }.map { p in
            let tiers = state.perpMarket(p.market)?.params.tiers ?? []
            return position(p, liquidationPrice: risk.flatMap { Margin.liquidationPrice(of: p, in: $0, tiers: tiers) },
                            simulatedLiquidation(of: entry.vault, market: p.market, state: state, context: context))
        }
        return LiquidatableVaultReply(
            owner: entry.vault.owner.text, vault: entry.vault.number, equity: PerpUnits.formatQuote(entry.equity),
            maintenanceRequirement: Amount.format(entry.maintenance, decimals: 6), shortfall: PerpUnits.formatQuote(entry.shortfall),
            marginRatio: entry.maintenance == 0 ? nil
                : Amount.format(UInt128(clamping: max(0, FixedPoint.mulDiv(entry.equity, 1_000_000, Int128(entry.maintenance), .down) ?? 0)), decimals: 6),
            pricesFresh: pricesFresh, positions: positions)
    }

    /// A liquidation of one position run on an overlay of the state, by the probe keeper.
    static func simulatedLiquidation(of vault: VaultID, market: UInt32, state: some StateReader,
                                     context: BlockContext) -> Result<Liquidation.Outcome, ProtocolError> {
        let overlay = StateOverlay(base: state)
        RiskShock.installProbeKeeper(overlay)
        return Result { () throws(ProtocolError) in
            try Liquidation.execute(target: vault, market: market, keeper: RiskShock.probeKeeper, context: context, state: overlay)
        }
    }

    static func position(_ p: PositionRisk, liquidationPrice: UInt64?, _ result: Result<Liquidation.Outcome, ProtocolError>)
        -> LiquidatablePositionReply {
        let base = (market: p.symbol, size: PerpUnits.formatSize(p.size), oraclePrice: OraclePrice.format(p.oraclePrice),
                    liquidationPrice: liquidationPrice.map(OraclePrice.format))
        switch result {
        case .success(let o):
            return LiquidatablePositionReply(
                market: base.market, size: base.size, oraclePrice: base.oraclePrice, liquidationPrice: base.liquidationPrice,
                closeSize: PerpUnits.formatSize(Int64(o.closedSize)), bankruptcyPrice: OraclePrice.format(o.bankruptcyPrice),
                bookSize: PerpUnits.formatSize(Int64(o.bookSize)), backstopSize: PerpUnits.formatSize(Int64(o.backstopSize)),
                backstopPrice: OraclePrice.format(o.backstopPrice), adlSize: PerpUnits.formatSize(Int64(o.adlSize)),
                socializedSize: PerpUnits.formatSize(Int64(o.socializedSize)), fee: Amount.format(o.fee, decimals: 6),
                bounty: Amount.format(o.bounty, decimals: 6), deficit: PerpUnits.formatQuote(max(0, -o.surplus)), refusal: nil)
        case .failure(let e):
            return LiquidatablePositionReply(
                market: base.market, size: base.size, oraclePrice: base.oraclePrice, liquidationPrice: base.liquidationPrice,
                closeSize: nil, bankruptcyPrice: nil, bookSize: nil, backstopSize: nil, backstopPrice: nil, adlSize: nil,
                socializedSize: nil, fee: nil, bounty: nil, deficit: nil, refusal: ErrorBody(e))
        }
    }
}
