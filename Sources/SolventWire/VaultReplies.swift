// A vault's collateral, positions and margin, and the protocol's own accounts (openapi.yaml).

public struct CollateralReply: Codable, Sendable {
    public let asset: String
    public let amount: String
    public let oraclePrice: String?
    public let haircutPpm: UInt32?
    /// amount × price × (1 − haircut), USDC.
    public let value: String?

    public init(asset: String, amount: String, oraclePrice: String? = nil, haircutPpm: UInt32? = nil, value: String? = nil) {
        (self.asset, self.amount, self.oraclePrice, self.haircutPpm, self.value) = (asset, amount, oraclePrice, haircutPpm, value)
    }
}

public struct PositionReply: Codable, Sendable {
    public let market: String
    public let size: String
    public let side: String
    public let entryPrice: String
    public let oraclePrice: String
    public let notional: String
    public let value: String
    public let unrealizedPnl: String
    public let realizedPnl: String
    public let fundingPaid: String
    public let unsettledFunding: String
    public let initialRequirement: String
    public let maintenanceRequirement: String
    public let liquidationPrice: String?
    /// insurance-and-adl.md, "Ranks": 5 (first fifth of the queue) to 1, 0 when not in the queue.
    public let adlRank: Int?
    public let adlScorePpm: String?

    public init(market: String, size: String, side: String, entryPrice: String, oraclePrice: String, notional: String,
                value: String, unrealizedPnl: String, realizedPnl: String, fundingPaid: String, unsettledFunding: String,
                initialRequirement: String, maintenanceRequirement: String, liquidationPrice: String? = nil,
                adlRank: Int? = nil, adlScorePpm: String? = nil) {
        (self.market, self.size, self.side, self.entryPrice, self.oraclePrice, self.notional, self.value, self.unrealizedPnl,
         self.realizedPnl, self.fundingPaid, self.unsettledFunding, self.initialRequirement, self.maintenanceRequirement,
         self.liquidationPrice, self.adlRank, self.adlScorePpm) =
            (market, size, side, entryPrice, oraclePrice, notional, value, unrealizedPnl, realizedPnl, fundingPaid,
             unsettledFunding, initialRequirement, maintenanceRequirement, liquidationPrice, adlRank, adlScorePpm)
    }
}

public struct MarginReply: Codable, Sendable {
    public let equity: String
    public let initialRequirement: String
    public let maintenanceRequirement: String
    public let freeCollateral: String
    /// Equity ÷ maintenance requirement (absent without positions); below 1 the vault is liquidatable.
    public let marginRatio: String?
    public let liquidatable: Bool
    /// Whether every price used was fresh; when not, the figures use the latest price regardless.
    public let pricesFresh: Bool

    public init(equity: String, initialRequirement: String, maintenanceRequirement: String, freeCollateral: String,
                marginRatio: String? = nil, liquidatable: Bool, pricesFresh: Bool) {
        (self.equity, self.initialRequirement, self.maintenanceRequirement, self.freeCollateral, self.marginRatio,
         self.liquidatable, self.pricesFresh) =
            (equity, initialRequirement, maintenanceRequirement, freeCollateral, marginRatio, liquidatable, pricesFresh)
    }
}

public struct VaultReply: Codable, Sendable {
    public let owner: String
    public let vault: UInt32
    public let mode: String
    public let market: String?
    /// The vault's USDC balance (signed).
    public let quote: String
    /// Every asset the vault holds, USDC (the quote) first.
    public let collateral: [CollateralReply]
    public let positions: [PositionReply]
    public let margin: MarginReply?
    public let marginError: ErrorBody?
    public let openOrders: Int
    public let height: UInt64

    public init(owner: String, vault: UInt32, mode: String, market: String? = nil, quote: String,
                collateral: [CollateralReply], positions: [PositionReply], margin: MarginReply? = nil,
                marginError: ErrorBody? = nil, openOrders: Int, height: UInt64) {
        (self.owner, self.vault, self.mode, self.market, self.quote, self.collateral, self.positions, self.margin,
         self.marginError, self.openOrders, self.height) =
            (owner, vault, mode, market, quote, collateral, positions, margin, marginError, openOrders, height)
    }
}

public struct ProtocolReply: Codable, Sendable {
    public let feePool: String
    public let insuranceFund: String
    public let insuranceFeeSharePpm: UInt32
    public let liquidation: LiquidationConfigReply
    public let height: UInt64

    public init(feePool: String, insuranceFund: String, insuranceFeeSharePpm: UInt32, liquidation: LiquidationConfigReply,
                height: UInt64) {
        (self.feePool, self.insuranceFund, self.insuranceFeeSharePpm, self.liquidation, self.height) =
            (feePool, insuranceFund, insuranceFeeSharePpm, liquidation, height)
    }
}

