// Risk views (liquidation.md and insurance-and-adl.md, "Queries"): price shocks, the insurance
// fund and its log, ADL queues and the conservation audit.

public struct ShockReply: Codable, Sendable {
    public struct Move: Codable, Sendable {
        public let market: String
        public let move: String
        public let from: String
        public let to: String

        public init(market: String, move: String, from: String, to: String) {
            (self.market, self.move, self.from, self.to) = (market, move, from, to)
        }
    }

    public struct Outcome: Codable, Sendable {
        public let owner: String
        public let vault: UInt32
        public let market: String
        public let closedSize: String
        public let bankruptcyPrice: String
        public let fee: String
        public let bounty: String
        public let deficitPaid: String
        public let adlSize: String
        public let socializedSize: String
        public let socializedLoss: String

        public init(owner: String, vault: UInt32, market: String, closedSize: String, bankruptcyPrice: String, fee: String,
                    bounty: String, deficitPaid: String, adlSize: String, socializedSize: String, socializedLoss: String) {
            (self.owner, self.vault, self.market, self.closedSize, self.bankruptcyPrice, self.fee, self.bounty, self.deficitPaid,
             self.adlSize, self.socializedSize, self.socializedLoss) =
                (owner, vault, market, closedSize, bankruptcyPrice, fee, bounty, deficitPaid, adlSize, socializedSize,
                 socializedLoss)
        }
    }

    public struct Shortfall: Codable, Sendable {
        public let owner: String
        public let vault: UInt32
        public let equity: String
        public let maintenanceRequirement: String
        public let shortfall: String

        public init(owner: String, vault: UInt32, equity: String, maintenanceRequirement: String, shortfall: String) {
            (self.owner, self.vault, self.equity, self.maintenanceRequirement, self.shortfall) =
                (owner, vault, equity, maintenanceRequirement, shortfall)
        }
    }

    public struct Refusal: Codable, Sendable {
        public let owner: String
        public let vault: UInt32
        public let market: String
        public let error: ErrorBody

        public init(owner: String, vault: UInt32, market: String, error: ErrorBody) {
            (self.owner, self.vault, self.market, self.error) = (owner, vault, market, error)
        }
    }

    public let height: UInt64
    public let moves: [Move]
    /// Vaults the index named as possibly affected (each then checked exactly).
    public let candidates: Int
    public let liquidatableCount: Int
    public let liquidatable: [Shortfall]
    public let liquidationCount: Int
    public let liquidations: [Outcome]
    public let refusals: [Refusal]
    public let closedNotional: String
    public let totalFees: String
    public let totalBounties: String
    public let insuranceFundBefore: String
    public let insuranceFundDraw: String
    public let insuranceFundAfter: String
    public let deficitsPaid: String
    public let adlVolume: String
    public let adlSize: [String: String]
    public let socializedLosses: String
    public let stillLiquidatable: Int

    public init(height: UInt64, moves: [Move], candidates: Int, liquidatableCount: Int, liquidatable: [Shortfall],
                liquidationCount: Int, liquidations: [Outcome], refusals: [Refusal], closedNotional: String, totalFees: String,
                totalBounties: String, insuranceFundBefore: String, insuranceFundDraw: String, insuranceFundAfter: String,
                deficitsPaid: String, adlVolume: String, adlSize: [String: String], socializedLosses: String,
                stillLiquidatable: Int) {
        (self.height, self.moves, self.candidates, self.liquidatableCount, self.liquidatable, self.liquidationCount,
         self.liquidations, self.refusals, self.closedNotional, self.totalFees, self.totalBounties, self.insuranceFundBefore,
         self.insuranceFundDraw, self.insuranceFundAfter, self.deficitsPaid, self.adlVolume, self.adlSize, self.socializedLosses,
         self.stillLiquidatable) =
            (height, moves, candidates, liquidatableCount, liquidatable, liquidationCount, liquidations, refusals,
             closedNotional, totalFees, totalBounties, insuranceFundBefore, insuranceFundDraw, insuranceFundAfter, deficitsPaid,
             adlVolume, adlSize, socializedLosses, stillLiquidatable)
    }
}

public struct InsuranceReply: Codable, Sendable {
    public struct Entry: Codable, Sendable {
        public let sequence: UInt64
        public let height: UInt64
        public let flow: String
        public let amount: String
        public let balanceAfter: String
        public let owner: String
        public let vault: UInt32
        public let market: String

        public init(sequence: UInt64, height: UInt64, flow: String, amount: String, balanceAfter: String, owner: String,
                    vault: UInt32, market: String) {
            (self.sequence, self.height, self.flow, self.amount, self.balanceAfter, self.owner, self.vault, self.market) =
                (sequence, height, flow, amount, balanceAfter, owner, vault, market)
        }
    }

    public let balance: String
    public let seeded: String
    public let tradingFeesIn: String
    public let liquidationFeesIn: String
    public let bountyTopUps: String
    public let deficitsPaid: String
    public let deficitsDeleveraged: String
    public let entryCount: UInt64
    public let entries: [Entry]
    /// Pass as `before` for the next (older) page; absent on the last page.
    public let nextBefore: UInt64?
    public let height: UInt64

    public init(balance: String, seeded: String, tradingFeesIn: String, liquidationFeesIn: String, bountyTopUps: String,
                deficitsPaid: String, deficitsDeleveraged: String, entryCount: UInt64, entries: [Entry],
                nextBefore: UInt64? = nil, height: UInt64) {
        (self.balance, self.seeded, self.tradingFeesIn, self.liquidationFeesIn, self.bountyTopUps, self.deficitsPaid,
         self.deficitsDeleveraged, self.entryCount, self.entries, self.nextBefore, self.height) =
            (balance, seeded, tradingFeesIn, liquidationFeesIn, bountyTopUps, deficitsPaid, deficitsDeleveraged, entryCount,
             entries, nextBefore, height)
    }
}

public struct ADLStandingReply: Codable, Sendable {
    public let owner: String
    public let vault: UInt32
    public let size: String
    public let unrealizedPnl: String
    public let equity: String
    public let profitPpm: String
    public let leveragePpm: String
    public let scorePpm: String
    public let rank: Int
    public let inQueue: Bool

    public init(owner: String, vault: UInt32, size: String, unrealizedPnl: String, equity: String, profitPpm: String,
                leveragePpm: String, scorePpm: String, rank: Int, inQueue: Bool) {
        (self.owner, self.vault, self.size, self.unrealizedPnl, self.equity, self.profitPpm, self.leveragePpm, self.scorePpm,
         self.rank, self.inQueue) =
            (owner, vault, size, unrealizedPnl, equity, profitPpm, leveragePpm, scorePpm, rank, inQueue)
    }
}

public struct ADLReply: Codable, Sendable {
    public let market: String
    public let height: UInt64
    /// The queue that would be deleveraged if a short went bankrupt (longs), and the reverse.
    public let longs: [ADLStandingReply]
    public let shorts: [ADLStandingReply]

    public init(market: String, height: UInt64, longs: [ADLStandingReply], shorts: [ADLStandingReply]) {
        (self.market, self.height, self.longs, self.shorts) = (market, height, longs, shorts)
    }
}

public struct SupplyReply: Codable, Sendable {
    public struct AssetLine: Codable, Sendable {
        public let asset: String
        public let genesis: String
        public let wallets: String
        public let vaults: String
        public let pools: String
        public let total: String
        public let conserved: Bool

        public init(asset: String, genesis: String, wallets: String, vaults: String, pools: String, total: String, conserved: Bool) {
            (self.asset, self.genesis, self.wallets, self.vaults, self.pools, self.total, self.conserved) =
                (asset, genesis, wallets, vaults, pools, total, conserved)
        }
    }

    public struct MarketLine: Codable, Sendable {
        public let market: String
        public let longs: String
        public let shorts: String
        public let openInterest: String
        public let positions: Int
        public let indexed: Int
        public let fundingCovered: Bool
        public let balanced: Bool

        public init(market: String, longs: String, shorts: String, openInterest: String, positions: Int, indexed: Int,
                    fundingCovered: Bool, balanced: Bool) {
            (self.market, self.longs, self.shorts, self.openInterest, self.positions, self.indexed, self.fundingCovered,
             self.balanced) =
                (market, longs, shorts, openInterest, positions, indexed, fundingCovered, balanced)
        }
    }

    public let height: UInt64
    /// Every check below passes.
    public let holds: Bool
    public let assets: [AssetLine]
    public let markets: [MarketLine]
    public let insuranceFund: String
    public let insuranceAccounted: Bool

    public init(height: UInt64, holds: Bool, assets: [AssetLine], markets: [MarketLine], insuranceFund: String,
                insuranceAccounted: Bool) {
        (self.height, self.holds, self.assets, self.markets, self.insuranceFund, self.insuranceAccounted) =
            (height, holds, assets, markets, insuranceFund, insuranceAccounted)
    }
}
