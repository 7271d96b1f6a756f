// Liquidations for keepers and risk desks (contracts-spec/liquidation.md, "Queries"; rpc.md,
// "Liquidations"): liquidatable vaults, dry runs, price shocks, the insurance fund, ADL queues
// and the conservation audit.

public struct LiquidatableReply: Codable, Sendable {
    public let height: UInt64
    public let blockTime: String
    /// Liquidatable vaults in all (the list may be cut by `limit`).
    public let count: Int
    public let vaults: [LiquidatableVaultReply]
    public let index: LiquidationIndexReply

    public init(height: UInt64, blockTime: String, count: Int, vaults: [LiquidatableVaultReply], index: LiquidationIndexReply) {
        (self.height, self.blockTime, self.count, self.vaults, self.index) = (height, blockTime, count, vaults, index)
    }
}

/// The node's liquidation index (liquidation.md, "Finding liquidatable vaults").
public struct LiquidationIndexReply: Codable, Sendable {
    public let height: UInt64
    /// Vaults with positions the index follows.
    public let tracked: Int
    public let liquidatable: Int
    public let heapEntries: Int
    /// Time deadlines queued (vaults holding options; old versions until dropped).
    public let timeQueue: Int
    /// The last update (a block, or the build at start): its duration in microseconds, the
    /// oracle markets that moved, the vaults whose band a move left, the vaults whose time
    /// deadline the block reached, and the vaults revalued.
    public let lastUpdateUs: UInt64
    public let lastMovedMarkets: Int
    public let lastLeftBands: Int
    public let lastTimeRevalued: Int
    public let lastRevalued: Int

    public init(height: UInt64, tracked: Int, liquidatable: Int, heapEntries: Int, timeQueue: Int, lastUpdateUs: UInt64,
                lastMovedMarkets: Int, lastLeftBands: Int, lastTimeRevalued: Int, lastRevalued: Int) {
        (self.height, self.tracked, self.liquidatable, self.heapEntries, self.timeQueue, self.lastUpdateUs,
         self.lastMovedMarkets, self.lastLeftBands, self.lastTimeRevalued, self.lastRevalued) =
            (height, tracked, liquidatable, heapEntries, timeQueue, lastUpdateUs, lastMovedMarkets, lastLeftBands,
             lastTimeRevalued, lastRevalued)
    }
}

public struct LiquidatableVaultReply: Codable, Sendable {
    public let owner: String
    public let vault: UInt32
    public let equity: String
    public let maintenanceRequirement: String
    public let shortfall: String
    public let marginRatio: String?
    /// Whether every price the vault needs is fresh: a liquidation is refused (oracle_stale) until it is.
    public let pricesFresh: Bool
    public let positions: [LiquidatablePositionReply]

    public init(owner: String, vault: UInt32, equity: String, maintenanceRequirement: String, shortfall: String,
                marginRatio: String? = nil, pricesFresh: Bool, positions: [LiquidatablePositionReply]) {
        (self.owner, self.vault, self.equity, self.maintenanceRequirement, self.shortfall, self.marginRatio, self.pricesFresh,
         self.positions) =
            (owner, vault, equity, maintenanceRequirement, shortfall, marginRatio, pricesFresh, positions)
    }
}

public struct LiquidatablePositionReply: Codable, Sendable {
    public let market: String
    public let size: String
    public let oraclePrice: String
    public let liquidationPrice: String?
    public let closeSize: String?
    public let bankruptcyPrice: String?
    public let bookSize: String?
    public let backstopSize: String?
    public let backstopPrice: String?
    public let adlSize: String?
    /// What the other side would take over as a socialized loss (insurance-and-adl.md).
    public let socializedSize: String?
    public let fee: String?
    /// What the keeper would be paid now.
    public let bounty: String?
    public let deficit: String?
    /// Why a liquidation would be refused now (e.g. a stale price).
    public let refusal: ErrorBody?

    public init(market: String, size: String, oraclePrice: String, liquidationPrice: String? = nil, closeSize: String? = nil,
                bankruptcyPrice: String? = nil, bookSize: String? = nil, backstopSize: String? = nil,
                backstopPrice: String? = nil, adlSize: String? = nil, socializedSize: String? = nil, fee: String? = nil,
                bounty: String? = nil, deficit: String? = nil, refusal: ErrorBody? = nil) {
        (self.market, self.size, self.oraclePrice, self.liquidationPrice, self.closeSize, self.bankruptcyPrice, self.bookSize,
         self.backstopSize, self.backstopPrice, self.adlSize, self.socializedSize, self.fee, self.bounty, self.deficit,
         self.refusal) =
            (market, size, oraclePrice, liquidationPrice, closeSize, bankruptcyPrice, bookSize, backstopSize, backstopPrice,
             adlSize, socializedSize, fee, bounty, deficit, refusal)
    }
}

public struct SimulationReply: Codable, Sendable {
    public let hash: String
    /// The committed height the simulation ran on, and the height it pretended to be.
    public let height: UInt64
    public let simulatedHeight: UInt64
    public let blockTime: String
    public let receipt: ReceiptReply
    public let stateChanges: Int
    /// A dry run is never committed.
    public var committed = false

    public init(hash: String, height: UInt64, simulatedHeight: UInt64, blockTime: String, receipt: ReceiptReply,
                stateChanges: Int) {
        (self.hash, self.height, self.simulatedHeight, self.blockTime, self.receipt, self.stateChanges) =
            (hash, height, simulatedHeight, blockTime, receipt, stateChanges)
    }
}
