/// The liquidation parameters (contracts-spec/liquidation.md, "Parameters"): set in genesis,
/// changed by the admin, stored in table `protocol` under "liquidation_settings".
/// Amounts are USDC quantums, rates parts per million. The fields are generated from the record's
/// layout (state.md, "Liquidation records").
extension LiquidationSettings {
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
}

/// The record after its version byte and the `liquidation_set_config` payload (liquidation.md).
extension LiquidationSettings: SingletonRecord {
    public static let stateKey = StateKey(.protocolAccounts, Array("liquidation_settings".utf8))
}

extension StateReader {
    /// Present from genesis on.
    public func liquidationSettings() -> LiquidationSettings { genesisSingleton(LiquidationSettings.self) }
}

extension LiquidationSettings: AdminSettings {
    static let adminAction = "change the liquidation parameters"
    static let changedEvent = "liquidation_config_set"

    /// Valid alone, and no listed market or portfolio setting left unsound (liquidation.md, "Soundness").
    func check(against state: StateOverlay) throws(ProtocolError) {
        try validate()
        try checkSoundness(markets: state.perpMarkets().map(\.params))
        try checkSoundness(portfolio: state.portfolioSettings())
    }
}
