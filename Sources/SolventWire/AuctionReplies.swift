// Collateral auctions for keepers (contracts-spec/collateral-auctions.md, "Queries"; rpc.md).

public struct AuctionsReply: Codable, Sendable {
    public let height: UInt64
    public let blockTime: String
    /// The time the prices are computed at: the next block's, as a take sent now would see it.
    public let priceTime: String
    public let settings: AuctionConfigReply
    /// Running auctions in all (the list may be cut by `limit`).
    public let count: Int
    public let auctions: [AuctionReply]
    public let candidates: [AuctionCandidateReply]

    public init(height: UInt64, blockTime: String, priceTime: String, settings: AuctionConfigReply, count: Int,
                auctions: [AuctionReply], candidates: [AuctionCandidateReply]) {
        (self.height, self.blockTime, self.priceTime, self.settings, self.count, self.auctions, self.candidates) =
            (height, blockTime, priceTime, settings, count, auctions, candidates)
    }
}

public struct AuctionReply: Codable, Sendable {
    public let owner: String
    public let vault: UInt32
    public let asset: String
    public let lot: String
    /// The vault's debt now, max(0, −quote), and the incentive the proceeds still owe the starter.
    public let debt: String
    public let incentiveDue: String
    /// debt + incentive due: what the auction still has to raise.
    public let tab: String
    public let debtAtStart: String
    public let starter: String
    public let starterVault: UInt32
    public let top: String
    public let price: String
    /// The asset's latest oracle price (null before its first), and price ÷ oracle in ppm.
    public let oraclePrice: String?
    public let priceToOraclePpm: UInt64?
    /// What buying the whole lot would cost now (at most the tab's worth is sold).
    public let lotCost: String?
    public let stale: Bool
    public let startedHeight: UInt64
    public let startedAt: String
    public let curveStartedAt: String
    public let elapsedSeconds: UInt64
    public let redos: UInt32
    public let sold: String
    public let raised: String

    public init(owner: String, vault: UInt32, asset: String, lot: String, debt: String, incentiveDue: String, tab: String,
                debtAtStart: String, starter: String, starterVault: UInt32, top: String, price: String,
                oraclePrice: String? = nil, priceToOraclePpm: UInt64? = nil, lotCost: String? = nil, stale: Bool,
                startedHeight: UInt64, startedAt: String, curveStartedAt: String, elapsedSeconds: UInt64, redos: UInt32,
                sold: String, raised: String) {
        (self.owner, self.vault, self.asset, self.lot, self.debt, self.incentiveDue, self.tab, self.debtAtStart, self.starter,
         self.starterVault, self.top, self.price, self.oraclePrice, self.priceToOraclePpm, self.lotCost, self.stale,
         self.startedHeight, self.startedAt, self.curveStartedAt, self.elapsedSeconds, self.redos, self.sold, self.raised) =
            (owner, vault, asset, lot, debt, incentiveDue, tab, debtAtStart, starter, starterVault, top, price, oraclePrice,
             priceToOraclePpm, lotCost, stale, startedHeight, startedAt, curveStartedAt, elapsedSeconds, redos, sold, raised)
    }
}

public struct AuctionCandidateReply: Codable, Sendable {
    public let owner: String
    public let vault: UInt32
    public let asset: String
    /// The lot an `auction_start` would take now: the vault's whole balance of the asset.
    public let amount: String
    public let debt: String
    /// `liquidated` or `underwater` (collateral-auctions.md, "Starting an auction").
    public let reason: String

    public init(owner: String, vault: UInt32, asset: String, amount: String, debt: String, reason: String) {
        (self.owner, self.vault, self.asset, self.amount, self.debt, self.reason) = (owner, vault, asset, amount, debt, reason)
    }
}
