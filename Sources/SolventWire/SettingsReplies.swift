// Protocol parameters a governance action sets and the queries show.

/// The liquidation parameters with amounts in USDC (liquidation.md, "Parameters").
public struct LiquidationConfigReply: Codable, Sendable {
    public let feePpm: UInt32
    public let maxFee: String
    public let keeperTip: String
    public let keeperSharePpm: UInt32
    public let maxBounty: String
    public let bufferPpm: UInt32
    public let maxPositionNotionalPerBlock: String
    public let maxVaultNotionalPerBlock: String
    public let backstopDiscountPpm: UInt32

    public init(feePpm: UInt32, maxFee: String, keeperTip: String, keeperSharePpm: UInt32, maxBounty: String,
                bufferPpm: UInt32, maxPositionNotionalPerBlock: String, maxVaultNotionalPerBlock: String,
                backstopDiscountPpm: UInt32) {
        (self.feePpm, self.maxFee, self.keeperTip, self.keeperSharePpm, self.maxBounty, self.bufferPpm,
         self.maxPositionNotionalPerBlock, self.maxVaultNotionalPerBlock, self.backstopDiscountPpm) =
            (feePpm, maxFee, keeperTip, keeperSharePpm, maxBounty, bufferPpm, maxPositionNotionalPerBlock,
             maxVaultNotionalPerBlock, backstopDiscountPpm)
    }
}

public struct AuctionConfigReply: Codable, Sendable {
    public let bufPpm: UInt32
    public let cutPpm: UInt32
    public let stepSeconds: UInt32
    public let cuspPpm: UInt32
    public let tailSeconds: UInt32
    public let tip: String
    public let chipPpm: UInt32
    public let maxIncentive: String

    public init(bufPpm: UInt32, cutPpm: UInt32, stepSeconds: UInt32, cuspPpm: UInt32, tailSeconds: UInt32, tip: String,
                chipPpm: UInt32, maxIncentive: String) {
        (self.bufPpm, self.cutPpm, self.stepSeconds, self.cuspPpm, self.tailSeconds, self.tip, self.chipPpm, self.maxIncentive) =
            (bufPpm, cutPpm, stepSeconds, cuspPpm, tailSeconds, tip, chipPpm, maxIncentive)
    }
}
