import SolventCore
import SolventCrypto
import SolventStore
import SolventWire

/// What `GET /v1/liquidatable` shows of a liquidatable vault (liquidation.md, "Queries"): its
/// margin, and for each position what liquidating it in the next block would do.
enum LiquidationReadModel {
    /// The index ranks the liquidatable vaults from the excess it stores; only the ones listed
    /// (and those holding options, whose margin moves with block time) are valued again, and each
    /// listed liquidation is simulated. When the index is not at the snapshot's height (a block
    /// committed between the two reads), every vault it names is valued instead.
    /// `states`: snapshots of one state, one per core the listed vaults are spread over.
    static func liquidatable(index: LiquidationIndex, states: [StateSnapshot], head: ChainHead, context: BlockContext,
                             onlyMarket: UInt32?, limit: Int) -> LiquidatableReply {
        let state = states[0]
        let limit = max(limit, 0)
        let ranking = index.ranking(limit: onlyMarket == nil ? limit : nil)
        let (count, queue) = ranking.height == head.height
            ? ranked(ranking, state: state, at: context.timeMs, onlyMarket: onlyMarket, limit: limit)
            : valuedOneByOne(index.liquidatable(), state: state, at: context.timeMs, onlyMarket: onlyMarket, limit: limit)
        let replies = listed(queue, states: states, context: context, onlyMarket: onlyMarket)
        return LiquidatableReply(
            height: head.height, blockTime: UTCTime.rfc3339(head.timeMs), count: count - (queue.count - replies.count),
            vaults: replies, index: LiquidationIndexReply(index.stats))
    }

    /// Each listed vault's reply (a valuation and a simulated liquidation per position), the
    /// list cut into one run of consecutive vaults per snapshot, each run on its own core.
    static func listed(_ queue: [VaultID], states: [StateSnapshot], context: BlockContext,
                       onlyMarket: UInt32?) -> [LiquidatableVaultReply] {
        let workers = min(states.count, max(queue.count / 8, 1))
        let runs = Parallel.map(count: workers, minimumPerChunk: 1) { w in
            // Markets, oracle prices and settings decoded once per worker, not per vault.
            let state = DecodedRecords(states[w])
            return queue[(w * queue.count / workers)..<((w + 1) * queue.count / workers)].compactMap {
                liquidatableVault($0, state: state, context: context, onlyMarket: onlyMarket)
            }
        }
        return runs.flatMap { $0 }
    }

    /// The count and the first `limit` of the queue (largest shortfall first, ties in vault key
    /// order) from an index at the snapshot's height. A vault without options has the same
    /// excess at the query's time as at the last block's (nothing it depends on moves with
    /// time), so the index's order is exact for those and none is valued here; the ones holding
    /// options are all valued at the query's time.
    static func ranked(_ ranking: LiquidationIndex.Ranking, state: some StateReader, at timeMs: UInt64, onlyMarket: UInt32?,
                       limit: Int) -> (count: Int, queue: [VaultID]) {
        let holds = { (vault: VaultID) in onlyMarket.map { state.position(vault, $0) != nil } ?? true }
        let steady = onlyMarket == nil ? ranking.steady : ranking.steady.filter { holds($0.vault) }
        let steadyCount = onlyMarket == nil ? ranking.steadyCount : steady.count
        let timed = RiskShock.liquidatable(ranking.timed.filter(holds), state: state, at: timeMs).map { entry in
            // Saturated as the index's excess is.
            (vault: entry.vault, excess: (try? entry.equity.subtracting(Int128(entry.maintenance))) ?? Int128.min)
        }
        let queue = (steady.prefix(limit) + timed).sorted { a, b in a.excess != b.excess ? a.excess < b.excess : a.vault < b.vault }
        return (steadyCount + timed.count, queue.prefix(limit).map(\.vault))
    }

    /// The same from every candidate, each valued.
    static func valuedOneByOne(_ candidates: [VaultID], state: some StateReader, at timeMs: UInt64, onlyMarket: UInt32?,
                               limit: Int) -> (count: Int, queue: [VaultID]) {
        var queue = RiskShock.liquidatable(candidates, state: state, at: timeMs)
        if let onlyMarket {
            queue = queue.filter { entry in state.position(entry.vault, onlyMarket) != nil }
        }
        return (queue.count, queue.prefix(limit).map(\.vault))
    }

    /// Each position's liquidation is simulated on its own from the same state, with a keeper
    /// that can carry any backstop: what a liquidation sent now in the next block would do.
    /// nil if the vault is not liquidatable after all (never while the index is exact).
    static func liquidatableVault(_ vault: VaultID, state: some StateReader, context: BlockContext,
                                  onlyMarket: UInt32?) -> LiquidatableVaultReply? {
        guard let risk = try? Margin.risk(of: vault, state: state, at: context.timeMs, prices: .latest), risk.isLiquidatable else {
            return nil
        }
        let entry = RiskShock.Shortfall(vault: vault, equity: risk.equity, maintenance: risk.maintenance)
        // Fresh when every price the valuation used would pass a risk-increasing check (the same
        // answer as valuing again with fresh prices only, without the second valuation).
        let pricesFresh = risk.oracleMarkets.allSatisfy {
            (try? OracleGuard.priceForRiskIncrease(market: $0, state: state, at: context.timeMs)) != nil
        }
        let positions = risk.positions.filter { onlyMarket == nil || $0.market == onlyMarket }.map { p in
            let tiers = state.perpMarket(p.market)?.params.tiers ?? []
            return position(p, liquidationPrice: Margin.liquidationPrice(of: p, in: risk, tiers: tiers),
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
