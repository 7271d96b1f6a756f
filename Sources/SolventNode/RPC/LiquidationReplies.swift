import SolventCore
import SolventStore
import SolventWire

// The liquidation and risk replies (SolventWire/LiquidationReplies.swift, RiskReplies.swift)
// from the core's reports and records: formatting only, amounts in USDC. The liquidatable
// vaults' simulated liquidations are in ReadModels/LiquidationReadModel.swift.

extension LiquidationIndexReply {
    /// The node's liquidation index (liquidation.md, "Finding liquidatable vaults").
    init(_ s: LiquidationIndex.Stats) {
        self.init(height: s.height, tracked: s.tracked, liquidatable: s.liquidatable, heapEntries: s.heapEntries, timeQueue: s.timeQueue,
                  lastUpdateUs: s.lastUpdate.nanoseconds / 1_000, lastMovedMarkets: s.lastUpdate.movedMarkets,
                  lastLeftBands: s.lastUpdate.leftBands, lastTimeRevalued: s.lastUpdate.timeDue, lastRevalued: s.lastUpdate.revalued)
    }
}

extension ShockReply {
    init(_ r: RiskShock.Report, height: UInt64, candidates: Int, limit: Int, state: some StateReader) {
        func usdc(_ v: UInt128) -> String { Amount.format(v, decimals: 6) }
        func symbol(_ market: UInt32) -> String { state.perpMarket(market)?.params.symbol ?? String(market) }
        self.init(
            height: height,
            moves: r.prices.map {
                Move(market: $0.symbol, move: ShockReply.formatPpm($0.ppm), from: OraclePrice.format($0.from), to: OraclePrice.format($0.to))
            },
            candidates: candidates,
            liquidatableCount: r.liquidatable.count,
            liquidatable: r.liquidatable.prefix(limit).map {
                Shortfall(owner: $0.vault.owner.text, vault: $0.vault.number, equity: PerpUnits.formatQuote($0.equity),
                          maintenanceRequirement: usdc($0.maintenance), shortfall: PerpUnits.formatQuote($0.shortfall))
            },
            liquidationCount: r.liquidations.count,
            liquidations: r.liquidations.prefix(limit).map { o in
                Outcome(owner: o.vault.owner.text, vault: o.vault.number, market: symbol(o.market), closedSize: PerpUnits.formatSize(Int64(o.closedSize)),
                        bankruptcyPrice: OraclePrice.format(o.bankruptcyPrice), fee: usdc(o.fee), bounty: usdc(o.bounty),
                        deficitPaid: usdc(o.deficitPaid), adlSize: PerpUnits.formatSize(Int64(o.adlSize)),
                        socializedSize: PerpUnits.formatSize(Int64(o.socializedSize)), socializedLoss: usdc(o.socializedLoss))
            },
            refusals: r.refusals.prefix(limit).map {
                Refusal(owner: $0.vault.owner.text, vault: $0.vault.number, market: symbol($0.market), error: ErrorBody($0.error))
            },
            closedNotional: usdc(r.closedNotional), totalFees: usdc(r.totalFees), totalBounties: usdc(r.totalBounties),
            insuranceFundBefore: usdc(r.fundBefore), insuranceFundDraw: usdc(r.fundDraw), insuranceFundAfter: usdc(r.fundAfter),
            deficitsPaid: usdc(r.deficitsPaid), adlVolume: usdc(r.adlNotional),
            adlSize: Dictionary(uniqueKeysWithValues: r.adlSize.filter { $0.value > 0 }.map { (symbol($0.key), PerpUnits.formatSize(Int64(clamping: $0.value))) }),
            socializedLosses: usdc((try? r.liquidations.checkedSum { $0.socializedLoss }) ?? .max),
            stillLiquidatable: r.stillLiquidatable)
    }

    /// A ppm move as a signed fraction, e.g. -200000 → "-0.2".
    static func formatPpm(_ ppm: Int64) -> String {
        (ppm < 0 ? "-" : "") + Amount.format(UInt128(ppm.magnitude), decimals: 6)
    }
}

extension InsuranceReply {
    init(stats: InsuranceStats, balance: UInt128, entries: [InsuranceLogEntry], state: some StateReader, height: UInt64) {
        func usdc(_ v: UInt128) -> String { Amount.format(v, decimals: 6) }
        self.init(
            balance: usdc(balance), seeded: usdc(stats.seeded), tradingFeesIn: usdc(stats.tradingFeesIn),
            liquidationFeesIn: usdc(stats.liquidationFeesIn), bountyTopUps: usdc(stats.bountyTopUps), deficitsPaid: usdc(stats.deficitsPaid),
            deficitsDeleveraged: usdc(stats.deficitsDeleveraged), entryCount: stats.logCount,
            entries: entries.map {
                Entry(sequence: $0.sequence, height: $0.height, flow: $0.flow.name, amount: usdc($0.amount), balanceAfter: usdc($0.balanceAfter),
                      owner: $0.vault.owner.text, vault: $0.vault.number,
                      // An auction's shortfall names the auctioned asset where the others name a market.
                      market: $0.flow == .auctionShortfall ? state.asset($0.market)?.symbol ?? String($0.market)
                          : state.perpMarket($0.market)?.params.symbol ?? String($0.market))
            },
            nextBefore: entries.last.flatMap { $0.sequence > 0 ? $0.sequence : nil }, height: height)
    }
}

extension ADLStandingReply {
    init(_ s: AutoDeleveraging.Standing) {
        self.init(owner: s.vault.owner.text, vault: s.vault.number, size: PerpUnits.formatSize(s.size),
                  unrealizedPnl: PerpUnits.formatQuote(s.unrealizedPnl), equity: PerpUnits.formatQuote(s.equity),
                  profitPpm: String(s.profitPpm), leveragePpm: String(s.leveragePpm), scorePpm: String(s.score), rank: s.rank, inQueue: s.eligible)
    }
}

extension SupplyReply {
    init(_ a: SupplyAudit, height: UInt64, assets book: AssetBook) {
        self.init(
            height: height, holds: a.holds,
            assets: a.assets.map { line in
                func fmt(_ v: Int128) -> String { (v < 0 ? "-" : "") + book.format(v.magnitude, line.asset) }
                return AssetLine(asset: line.symbol, genesis: fmt(Int128(clamping: line.genesis)), wallets: fmt(Int128(clamping: line.wallets)),
                                 vaults: fmt(line.vaults), pools: fmt(line.pools), total: fmt(line.total), conserved: line.conserved)
            },
            markets: a.markets.map {
                MarketLine(market: $0.symbol, longs: PerpUnits.formatSize(Int64(clamping: $0.longs)), shorts: PerpUnits.formatSize(Int64(clamping: $0.shorts)),
                           openInterest: PerpUnits.formatSize(Int64(clamping: $0.openInterest)), positions: $0.positions, indexed: $0.indexed,
                           fundingCovered: $0.fundingSurplus >= 0, balanced: $0.balanced)
            },
            insuranceFund: Amount.format(a.insuranceFund, decimals: 6), insuranceAccounted: a.insuranceAccounted)
    }
}
