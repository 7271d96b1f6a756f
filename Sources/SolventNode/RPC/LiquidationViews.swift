import SolventCore

/// The liquidation parameters with amounts in USDC (liquidation.md, "Parameters").
struct LiquidationConfigView: Codable {
    let feePpm: UInt32
    let maxFee: String
    let keeperTip: String
    let keeperSharePpm: UInt32
    let maxBounty: String
    let bufferPpm: UInt32
    let maxPositionNotionalPerBlock: String
    let maxVaultNotionalPerBlock: String
    let backstopDiscountPpm: UInt32

    enum CodingKeys: String, CodingKey {
        case feePpm = "fee_ppm", maxFee = "max_fee", keeperTip = "keeper_tip", keeperSharePpm = "keeper_share_ppm"
        case maxBounty = "max_bounty", bufferPpm = "buffer_ppm"
        case maxPositionNotionalPerBlock = "max_position_notional_per_block"
        case maxVaultNotionalPerBlock = "max_vault_notional_per_block"
        case backstopDiscountPpm = "backstop_discount_ppm"
    }

    init(_ s: LiquidationSettings) {
        func usdc(_ v: UInt128) -> String { Amount.format(v, decimals: 6) }
        feePpm = s.feePpm
        maxFee = usdc(s.maxFee)
        keeperTip = usdc(s.keeperTip)
        keeperSharePpm = s.keeperSharePpm
        maxBounty = usdc(s.maxBounty)
        bufferPpm = s.bufferPpm
        maxPositionNotionalPerBlock = usdc(s.maxPositionNotionalPerBlock)
        maxVaultNotionalPerBlock = usdc(s.maxVaultNotionalPerBlock)
        backstopDiscountPpm = s.backstopDiscountPpm
    }
}

// MARK: GET /v1/liquidatable

struct LiquidatableView: Encodable {
    let height: UInt64
    let blockTime: String
    /// Liquidatable vaults in all (the list may be cut by `limit`).
    let count: Int
    let vaults: [LiquidatableVaultView]
    let index: IndexView
    enum CodingKeys: String, CodingKey { case height, blockTime = "block_time", count, vaults, index }
}

/// The node's liquidation index (liquidation.md, "Finding liquidatable vaults").
struct IndexView: Encodable {
    let height: UInt64
    /// Vaults with positions the index follows.
    let tracked: Int
    let liquidatable: Int
    let heapEntries: Int
    /// Time deadlines queued (vaults holding options; old versions until dropped).
    let timeQueue: Int
    /// The last update (a block, or the build at start): its duration in microseconds, the
    /// oracle markets that moved, the vaults whose band a move left, the vaults whose time
    /// deadline the block reached, and the vaults revalued.
    let lastUpdateUs: UInt64
    let lastMovedMarkets: Int
    let lastLeftBands: Int
    let lastTimeRevalued: Int
    let lastRevalued: Int

    enum CodingKeys: String, CodingKey {
        case height, tracked, liquidatable, heapEntries = "heap_entries", timeQueue = "time_queue", lastUpdateUs = "last_update_us"
        case lastMovedMarkets = "last_moved_markets", lastLeftBands = "last_left_bands", lastTimeRevalued = "last_time_revalued"
        case lastRevalued = "last_revalued"
    }

    init(_ s: LiquidationIndex.Stats) {
        height = s.height
        tracked = s.tracked
        liquidatable = s.liquidatable
        heapEntries = s.heapEntries
        timeQueue = s.timeQueue
        lastUpdateUs = s.lastUpdate.nanoseconds / 1_000
        lastMovedMarkets = s.lastUpdate.movedMarkets
        lastLeftBands = s.lastUpdate.leftBands
        lastTimeRevalued = s.lastUpdate.timeDue
        lastRevalued = s.lastUpdate.revalued
    }
}

struct LiquidatableVaultView: Encodable {
    let owner: String
    let vault: UInt32
    let equity: String
    let maintenanceRequirement: String
    let shortfall: String
    let marginRatio: String?
    /// Whether every price the vault needs is fresh: a liquidation is refused (oracle_stale) until it is.
    let pricesFresh: Bool
    let positions: [LiquidatablePositionView]

    enum CodingKeys: String, CodingKey {
        case owner, vault, equity, maintenanceRequirement = "maintenance_requirement", shortfall, marginRatio = "margin_ratio"
        case pricesFresh = "prices_fresh", positions
    }

    /// Each position's liquidation is simulated on its own from the same state, with a keeper
    /// that can carry any backstop: what a liquidation sent now in the next block would do.
    init(_ entry: RiskShock.Shortfall, state: some StateReader, context: BlockContext, onlyMarket: UInt32?) {
        owner = entry.vault.owner.text
        vault = entry.vault.number
        equity = PerpUnits.formatQuote(entry.equity)
        maintenanceRequirement = Amount.format(entry.maintenance, decimals: 6)
        shortfall = PerpUnits.formatQuote(entry.shortfall)
        marginRatio = entry.maintenance == 0 ? nil
            : Amount.format(UInt128(clamping: max(0, FixedPoint.mulDiv(entry.equity, 1_000_000, Int128(entry.maintenance), .down) ?? 0)), decimals: 6)
        pricesFresh = (try? Margin.risk(of: entry.vault, state: state, at: context.timeMs, prices: .freshOnly)) != nil
        let risk = try? Margin.risk(of: entry.vault, state: state, at: context.timeMs, prices: .latest)
        positions = (risk?.positions ?? []).filter { onlyMarket == nil || $0.market == onlyMarket }.map { p in
            let tiers = state.perpMarket(p.market)?.params.tiers ?? []
            let overlay = StateOverlay(base: state)
            RiskShock.installProbeKeeper(overlay)
            let result = Result { () throws(ProtocolError) in
                try Liquidation.execute(target: entry.vault, market: p.market, keeper: RiskShock.probeKeeper, context: context, state: overlay)
            }
            return LiquidatablePositionView(p, liquidationPrice: risk.flatMap { Margin.liquidationPrice(of: p, in: $0, tiers: tiers) }, result)
        }
    }
}

struct LiquidatablePositionView: Encodable {
    let market: String
    let size: String
    let oraclePrice: String
    let liquidationPrice: String?
    let closeSize: String?
    let bankruptcyPrice: String?
    let bookSize: String?
    let backstopSize: String?
    let backstopPrice: String?
    let adlSize: String?
    /// What the other side would take over as a socialized loss (insurance-and-adl.md).
    let socializedSize: String?
    let fee: String?
    /// What the keeper would be paid now.
    let bounty: String?
    let deficit: String?
    /// Why a liquidation would be refused now (e.g. a stale price).
    let refusal: ErrorBody?

    enum CodingKeys: String, CodingKey {
        case market, size, oraclePrice = "oracle_price", liquidationPrice = "liquidation_price", closeSize = "close_size"
        case bankruptcyPrice = "bankruptcy_price", bookSize = "book_size", backstopSize = "backstop_size"
        case backstopPrice = "backstop_price", adlSize = "adl_size", socializedSize = "socialized_size", fee, bounty, deficit, refusal
    }

    init(_ p: PositionRisk, liquidationPrice: UInt64?, _ result: Result<Liquidation.Outcome, ProtocolError>) {
        market = p.symbol
        size = PerpUnits.formatSize(p.size)
        oraclePrice = OraclePrice.format(p.oraclePrice)
        self.liquidationPrice = liquidationPrice.map(OraclePrice.format)
        switch result {
        case .success(let o):
            closeSize = PerpUnits.formatSize(Int64(o.closedSize))
            bankruptcyPrice = OraclePrice.format(o.bankruptcyPrice)
            bookSize = PerpUnits.formatSize(Int64(o.bookSize))
            backstopSize = PerpUnits.formatSize(Int64(o.backstopSize))
            backstopPrice = OraclePrice.format(o.backstopPrice)
            adlSize = PerpUnits.formatSize(Int64(o.adlSize))
            socializedSize = PerpUnits.formatSize(Int64(o.socializedSize))
            fee = Amount.format(o.fee, decimals: 6)
            bounty = Amount.format(o.bounty, decimals: 6)
            deficit = PerpUnits.formatQuote(max(0, -o.surplus))
            refusal = nil
        case .failure(let e):
            closeSize = nil; bankruptcyPrice = nil; bookSize = nil; backstopSize = nil; backstopPrice = nil
            adlSize = nil; socializedSize = nil; fee = nil; bounty = nil; deficit = nil
            refusal = ErrorBody(code: e.code.name, message: e.message)
        }
    }
}

// MARK: POST /v1/simulate

struct SimulationView: Encodable {
    let hash: String
    /// The committed height the simulation ran on, and the height it pretended to be.
    let height: UInt64
    let simulatedHeight: UInt64
    let blockTime: String
    let receipt: ReceiptView
    let stateChanges: Int
    let committed = false

    enum CodingKeys: String, CodingKey {
        case hash, height, simulatedHeight = "simulated_height", blockTime = "block_time", receipt, stateChanges = "state_changes", committed
    }
}

// MARK: GET /v1/risk/shock

struct ShockView: Encodable {
    struct MoveView: Encodable {
        let market: String
        let move: String
        let from: String
        let to: String
    }

    struct OutcomeView: Encodable {
        let owner: String
        let vault: UInt32
        let market: String
        let closedSize: String
        let bankruptcyPrice: String
        let fee: String
        let bounty: String
        let deficitPaid: String
        let adlSize: String
        let socializedSize: String
        let socializedLoss: String
        enum CodingKeys: String, CodingKey {
            case owner, vault, market, closedSize = "closed_size", bankruptcyPrice = "bankruptcy_price", fee, bounty
            case deficitPaid = "deficit_paid", adlSize = "adl_size", socializedSize = "socialized_size", socializedLoss = "socialized_loss"
        }
    }

    struct ShortfallView: Encodable {
        let owner: String
        let vault: UInt32
        let equity: String
        let maintenanceRequirement: String
        let shortfall: String
        enum CodingKeys: String, CodingKey { case owner, vault, equity, maintenanceRequirement = "maintenance_requirement", shortfall }
    }

    struct RefusalView: Encodable {
        let owner: String
        let vault: UInt32
        let market: String
        let error: ErrorBody
    }

    let height: UInt64
    let moves: [MoveView]
    /// Vaults the index named as possibly affected (each then checked exactly).
    let candidates: Int
    let liquidatableCount: Int
    let liquidatable: [ShortfallView]
    let liquidationCount: Int
    let liquidations: [OutcomeView]
    let refusals: [RefusalView]
    let closedNotional: String
    let totalFees: String
    let totalBounties: String
    let insuranceFundBefore: String
    let insuranceFundDraw: String
    let insuranceFundAfter: String
    let deficitsPaid: String
    let adlVolume: String
    let adlSize: [String: String]
    let socializedLosses: String
    let stillLiquidatable: Int

    enum CodingKeys: String, CodingKey {
        case height, moves, candidates, liquidatableCount = "liquidatable_count", liquidatable, liquidationCount = "liquidation_count"
        case liquidations, refusals, closedNotional = "closed_notional", totalFees = "total_fees", totalBounties = "total_bounties"
        case insuranceFundBefore = "insurance_fund_before", insuranceFundDraw = "insurance_fund_draw"
        case insuranceFundAfter = "insurance_fund_after", deficitsPaid = "deficits_paid", adlVolume = "adl_volume", adlSize = "adl_size"
        case socializedLosses = "socialized_losses", stillLiquidatable = "still_liquidatable"
    }

    init(_ r: RiskShock.Report, height: UInt64, candidates: Int, limit: Int, state: some StateReader) {
        func usdc(_ v: UInt128) -> String { Amount.format(v, decimals: 6) }
        func symbol(_ market: UInt32) -> String { state.perpMarket(market)?.params.symbol ?? String(market) }
        self.height = height
        moves = r.prices.map {
            MoveView(market: $0.symbol, move: ShockView.formatPpm($0.ppm), from: OraclePrice.format($0.from), to: OraclePrice.format($0.to))
        }
        self.candidates = candidates
        liquidatableCount = r.liquidatable.count
        liquidatable = r.liquidatable.prefix(limit).map {
            ShortfallView(owner: $0.vault.owner.text, vault: $0.vault.number, equity: PerpUnits.formatQuote($0.equity),
                          maintenanceRequirement: usdc($0.maintenance), shortfall: PerpUnits.formatQuote($0.shortfall))
        }
        liquidationCount = r.liquidations.count
        liquidations = r.liquidations.prefix(limit).map { o in
            OutcomeView(owner: o.vault.owner.text, vault: o.vault.number, market: symbol(o.market), closedSize: PerpUnits.formatSize(Int64(o.closedSize)),
                        bankruptcyPrice: OraclePrice.format(o.bankruptcyPrice), fee: usdc(o.fee), bounty: usdc(o.bounty),
                        deficitPaid: usdc(o.deficitPaid), adlSize: PerpUnits.formatSize(Int64(o.adlSize)),
                        socializedSize: PerpUnits.formatSize(Int64(o.socializedSize)), socializedLoss: usdc(o.socializedLoss))
        }
        refusals = r.refusals.prefix(limit).map {
            RefusalView(owner: $0.vault.owner.text, vault: $0.vault.number, market: symbol($0.market),
                        error: ErrorBody(code: $0.error.code.name, message: $0.error.message))
        }
        closedNotional = usdc(r.closedNotional)
        totalFees = usdc(r.totalFees)
        totalBounties = usdc(r.totalBounties)
        insuranceFundBefore = usdc(r.fundBefore)
        insuranceFundDraw = usdc(r.fundDraw)
        insuranceFundAfter = usdc(r.fundAfter)
        deficitsPaid = usdc(r.deficitsPaid)
        adlVolume = usdc(r.adlNotional)
        adlSize = Dictionary(uniqueKeysWithValues: r.adlSize.filter { $0.value > 0 }.map { (symbol($0.key), PerpUnits.formatSize(Int64(clamping: $0.value))) })
        socializedLosses = usdc((try? r.liquidations.checkedSum { $0.socializedLoss }) ?? .max)
        stillLiquidatable = r.stillLiquidatable
    }

    /// A ppm move as a signed fraction, e.g. -200000 → "-0.2".
    static func formatPpm(_ ppm: Int64) -> String {
        (ppm < 0 ? "-" : "") + Amount.format(UInt128(ppm.magnitude), decimals: 6)
    }
}

// MARK: GET /v1/insurance

struct InsuranceView: Encodable {
    struct EntryView: Encodable {
        let sequence: UInt64
        let height: UInt64
        let flow: String
        let amount: String
        let balanceAfter: String
        let owner: String
        let vault: UInt32
        let market: String
        enum CodingKeys: String, CodingKey { case sequence, height, flow, amount, balanceAfter = "balance_after", owner, vault, market }
    }

    let balance: String
    let seeded: String
    let tradingFeesIn: String
    let liquidationFeesIn: String
    let bountyTopUps: String
    let deficitsPaid: String
    let deficitsDeleveraged: String
    let entryCount: UInt64
    let entries: [EntryView]
    /// Pass as `before` for the next (older) page; absent on the last page.
    let nextBefore: UInt64?
    let height: UInt64

    enum CodingKeys: String, CodingKey {
        case balance, seeded, tradingFeesIn = "trading_fees_in", liquidationFeesIn = "liquidation_fees_in", bountyTopUps = "bounty_top_ups"
        case deficitsPaid = "deficits_paid", deficitsDeleveraged = "deficits_deleveraged", entryCount = "entry_count", entries
        case nextBefore = "next_before", height
    }

    init(stats: InsuranceStats, balance: UInt128, entries: [InsuranceLogEntry], state: some StateReader, height: UInt64) {
        func usdc(_ v: UInt128) -> String { Amount.format(v, decimals: 6) }
        self.balance = usdc(balance)
        seeded = usdc(stats.seeded)
        tradingFeesIn = usdc(stats.tradingFeesIn)
        liquidationFeesIn = usdc(stats.liquidationFeesIn)
        bountyTopUps = usdc(stats.bountyTopUps)
        deficitsPaid = usdc(stats.deficitsPaid)
        deficitsDeleveraged = usdc(stats.deficitsDeleveraged)
        entryCount = stats.logCount
        self.entries = entries.map {
            EntryView(sequence: $0.sequence, height: $0.height, flow: $0.flow.name, amount: usdc($0.amount), balanceAfter: usdc($0.balanceAfter),
                      owner: $0.vault.owner.text, vault: $0.vault.number,
                      // An auction's shortfall names the auctioned asset where the others name a market.
                      market: $0.flow == .auctionShortfall ? state.asset($0.market)?.symbol ?? String($0.market)
                          : state.perpMarket($0.market)?.params.symbol ?? String($0.market))
        }
        nextBefore = entries.last.flatMap { $0.sequence > 0 ? $0.sequence : nil }
        self.height = height
    }
}

// MARK: GET /v1/adl/{market}

struct ADLStandingView: Encodable {
    let owner: String
    let vault: UInt32
    let size: String
    let unrealizedPnl: String
    let equity: String
    let profitPpm: String
    let leveragePpm: String
    let scorePpm: String
    let rank: Int
    let inQueue: Bool

    enum CodingKeys: String, CodingKey {
        case owner, vault, size, unrealizedPnl = "unrealized_pnl", equity, profitPpm = "profit_ppm", leveragePpm = "leverage_ppm"
        case scorePpm = "score_ppm", rank, inQueue = "in_queue"
    }

    init(_ s: AutoDeleveraging.Standing) {
        owner = s.vault.owner.text
        vault = s.vault.number
        size = PerpUnits.formatSize(s.size)
        unrealizedPnl = PerpUnits.formatQuote(s.unrealizedPnl)
        equity = PerpUnits.formatQuote(s.equity)
        profitPpm = String(s.profitPpm)
        leveragePpm = String(s.leveragePpm)
        scorePpm = String(s.score)
        rank = s.rank
        inQueue = s.eligible
    }
}

struct ADLView: Encodable {
    let market: String
    let height: UInt64
    /// The queue that would be deleveraged if a short went bankrupt (longs), and the reverse.
    let longs: [ADLStandingView]
    let shorts: [ADLStandingView]
}

// MARK: GET /v1/supply

struct SupplyView: Encodable {
    struct AssetView: Encodable {
        let asset: String
        let genesis: String
        let wallets: String
        let vaults: String
        let pools: String
        let total: String
        let conserved: Bool
    }

    struct MarketView: Encodable {
        let market: String
        let longs: String
        let shorts: String
        let openInterest: String
        let positions: Int
        let indexed: Int
        let fundingCovered: Bool
        let balanced: Bool
        enum CodingKeys: String, CodingKey {
            case market, longs, shorts, openInterest = "open_interest", positions, indexed, fundingCovered = "funding_covered", balanced
        }
    }

    let height: UInt64
    /// Every check below passes.
    let holds: Bool
    let assets: [AssetView]
    let markets: [MarketView]
    let insuranceFund: String
    let insuranceAccounted: Bool

    enum CodingKeys: String, CodingKey {
        case height, holds, assets, markets, insuranceFund = "insurance_fund", insuranceAccounted = "insurance_accounted"
    }

    init(_ a: SupplyAudit, height: UInt64, assets book: AssetBook) {
        self.height = height
        holds = a.holds
        assets = a.assets.map { line in
            func fmt(_ v: Int128) -> String { (v < 0 ? "-" : "") + book.format(v.magnitude, line.asset) }
            return AssetView(asset: line.symbol, genesis: fmt(Int128(clamping: line.genesis)), wallets: fmt(Int128(clamping: line.wallets)), vaults: fmt(line.vaults),
                             pools: fmt(line.pools), total: fmt(line.total), conserved: line.conserved)
        }
        markets = a.markets.map {
            MarketView(market: $0.symbol, longs: PerpUnits.formatSize(Int64(clamping: $0.longs)), shorts: PerpUnits.formatSize(Int64(clamping: $0.shorts)),
                       openInterest: PerpUnits.formatSize(Int64(clamping: $0.openInterest)), positions: $0.positions, indexed: $0.indexed,
                       fundingCovered: $0.fundingSurplus >= 0, balanced: $0.balanced)
        }
        insuranceFund = Amount.format(a.insuranceFund, decimals: 6)
        insuranceAccounted = a.insuranceAccounted
    }
}
