/// The liquidation parameters (contracts-spec/liquidation.md, "Parameters"): set in genesis,
/// changed by the admin, stored in table `protocol` under "liquidation_settings".
/// Amounts are USDC quantums, rates parts per million.
public struct LiquidationSettings: Equatable, Sendable {
    /// The liquidation fee on the closed notional.
    public var feePpm: UInt32
    /// The most one liquidation's fee may be.
    public var maxFee: UInt128
    /// The keeper's flat tip per liquidation.
    public var keeperTip: UInt128
    /// The keeper's share of the fee, on top of the tip.
    public var keeperSharePpm: UInt32
    /// The most one liquidation's bounty (tip + share) may be.
    public var maxBounty: UInt128
    /// A liquidation closes until equity ≥ (1 + buffer) × maintenance, or the whole position.
    public var bufferPpm: UInt32
    /// The most notional one liquidation may close in one position (one per position per block).
    public var maxPositionNotionalPerBlock: UInt128
    /// The most notional all liquidations of one vault may close in one block.
    public var maxVaultNotionalPerBlock: UInt128
    /// The keeper takes over what the book cannot absorb at the oracle price less this (a long)
    /// or plus this (a short).
    public var backstopDiscountPpm: UInt32

    public init(feePpm: UInt32, maxFee: UInt128, keeperTip: UInt128, keeperSharePpm: UInt32, maxBounty: UInt128, bufferPpm: UInt32,
                maxPositionNotionalPerBlock: UInt128, maxVaultNotionalPerBlock: UInt128, backstopDiscountPpm: UInt32) {
        self.feePpm = feePpm
        self.maxFee = maxFee
        self.keeperTip = keeperTip
        self.keeperSharePpm = keeperSharePpm
        self.maxBounty = maxBounty
        self.bufferPpm = bufferPpm
        self.maxPositionNotionalPerBlock = maxPositionNotionalPerBlock
        self.maxVaultNotionalPerBlock = maxVaultNotionalPerBlock
        self.backstopDiscountPpm = backstopDiscountPpm
    }

    /// Amounts stay far below 2^96 so that every product in the formulas fits 128 bits.
    static let maxAmount: UInt128 = 1 << 96

    public func validate() throws(ProtocolError) {
        func bad(_ m: String) -> ProtocolError { ProtocolError(.invalidLiquidationConfig, m) }
        guard feePpm <= 100_000 else { throw bad("fee_ppm is at most 100000 (10%)") }
        guard keeperSharePpm <= 1_000_000 else { throw bad("keeper_share_ppm is at most 1000000") }
        guard bufferPpm <= 1_000_000 else { throw bad("buffer_ppm is at most 1000000") }
        guard backstopDiscountPpm < 500_000 else { throw bad("backstop_discount_ppm is below 500000 (50%)") }
        guard maxPositionNotionalPerBlock > 0, maxVaultNotionalPerBlock > 0 else {
            throw bad("the per-block notional caps must be positive")
        }
        guard keeperTip <= maxBounty else { throw bad("keeper_tip may not exceed max_bounty") }
        for v in [maxFee, keeperTip, maxBounty, maxPositionNotionalPerBlock, maxVaultNotionalPerBlock] where v > Self.maxAmount {
            throw bad("amounts are at most 2^96 quantums")
        }
    }

    /// The soundness rules (liquidation.md, "Soundness"): a vault liquidated as soon as its equity
    /// falls under its maintenance requirement must be able to pay the liquidation fee and the
    /// keeper's discount on everything that gets closed, so that the insurance fund pays nothing.
    /// For a market, the fee rate plus the discount must be below its lowest maintenance rate (it
    /// also makes "the least size that restores the buffer" well defined); for portfolio vaults,
    /// the maintenance fraction of the closeout contingency must be above it.
    public func checkSoundness(markets: [PerpMarketParams]) throws(ProtocolError) {
        let cost = UInt64(feePpm) + UInt64(backstopDiscountPpm)
        for m in markets where cost >= UInt64(m.tiers[0].maintenancePpm) {
            throw ProtocolError(.unsoundLiquidationParameters,
                "fee_ppm \(feePpm) + backstop_discount_ppm \(backstopDiscountPpm) must be below \(m.symbol)'s lowest maintenance rate (\(m.tiers[0].maintenancePpm) ppm), or a liquidation at maintenance could cost the insurance fund")
        }
    }

    public func checkSoundness(portfolio p: PortfolioSettings) throws(ProtocolError) {
        let cost = UInt64(feePpm) + UInt64(backstopDiscountPpm)
        let covered = UInt64(p.maintenancePpm) * UInt64(p.closeoutPpm) / 1_000_000
        guard covered > cost else {
            throw ProtocolError(.unsoundLiquidationParameters,
                "portfolio maintenance_ppm \(p.maintenancePpm) × closeout_ppm \(p.closeoutPpm) / 10^6 = \(covered) must be above fee_ppm \(feePpm) + backstop_discount_ppm \(backstopDiscountPpm), or liquidating a portfolio vault at maintenance could cost the insurance fund")
        }
    }

    static let stateKey = StateKey(.protocolAccounts, Array("liquidation_settings".utf8))
}

/// The record after its version byte and the `liquidation_set_config` payload (liquidation.md).
extension LiquidationSettings: SingletonRecord {
    public static let recordName = "liquidation settings"
    public static let recordVersion: UInt8 = 1

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(
            feePpm: try c.u32(\.feePpm, "fee_ppm"), maxFee: try c.u128(\.maxFee, "max_fee"), keeperTip: try c.u128(\.keeperTip, "keeper_tip"),
            keeperSharePpm: try c.u32(\.keeperSharePpm, "keeper_share_ppm"), maxBounty: try c.u128(\.maxBounty, "max_bounty"),
            bufferPpm: try c.u32(\.bufferPpm, "buffer_ppm"),
            maxPositionNotionalPerBlock: try c.u128(\.maxPositionNotionalPerBlock, "max_position_notional_per_block"),
            maxVaultNotionalPerBlock: try c.u128(\.maxVaultNotionalPerBlock, "max_vault_notional_per_block"),
            backstopDiscountPpm: try c.u32(\.backstopDiscountPpm, "backstop_discount_ppm"))
    }
}

extension StateReader {
    /// Present from genesis on.
    public func liquidationSettings() -> LiquidationSettings { genesisSingleton(LiquidationSettings.self, "liquidation settings") }
}

extension StateOverlay {
    public func setLiquidationSettings(_ s: LiquidationSettings) { putSingleton(s) }
}

/// The admin's control over the liquidation parameters.
enum LiquidationAdmin {
    static func setSettings(_ settings: LiquidationSettings, by sender: Address, state: StateOverlay) throws(ProtocolError) -> [Event] {
        try AdminKey.require(sender, state, to: "change the liquidation parameters")
        try settings.validate()
        try settings.checkSoundness(markets: state.perpMarkets().map(\.params))
        try settings.checkSoundness(portfolio: state.portfolioSettings())
        state.setLiquidationSettings(settings)
        return [Event("liquidation_config_set", describe(settings))]
    }

    static func describe(_ s: LiquidationSettings) -> [(String, EventValue)] {
        [("fee_ppm", .number(s.feePpm)), ("max_fee", .usdc(s.maxFee)), ("keeper_tip", .usdc(s.keeperTip)),
         ("keeper_share_ppm", .number(s.keeperSharePpm)), ("max_bounty", .usdc(s.maxBounty)), ("buffer_ppm", .number(s.bufferPpm)),
         ("max_position_notional_per_block", .usdc(s.maxPositionNotionalPerBlock)),
         ("max_vault_notional_per_block", .usdc(s.maxVaultNotionalPerBlock)),
         ("backstop_discount_ppm", .number(s.backstopDiscountPpm))]
    }
}
