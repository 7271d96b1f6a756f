/// The collateral auction parameters (contracts-spec/collateral-auctions.md, "Parameters"): the
/// chain-wide `buf`, price curve, staleness and starter incentive, in the spirit of MakerDAO's
/// `clip` and `abaci`. Stored in table `protocol` under "auction_settings" once genesis names them
/// or the admin changes them; until then the standard values apply. The fields are generated from
/// the record's layout (state.md, "auction settings").
extension AuctionSettings {
    /// What a chain without an `auction_settings` entry uses (and the devnet): start 10% above
    /// the oracle, 1% off every 30 s (the oracle price after 10 steps, 5 minutes), stale below
    /// 60% of the start or after 30 minutes; 1 USDC + 0.1% of the debt to the starter, at most 500.
    public static let standard = AuctionSettings(bufPpm: 1_100_000, cutPpm: 990_000, stepSeconds: 30, cuspPpm: 600_000,
                                                 tailSeconds: 1_800, tip: 1_000_000, chipPpm: 1_000, maxIncentive: 500_000_000)

    /// The curve is evaluated one step at a time, so a price needs at most this many steps.
    public static let maxSteps: UInt32 = 10_000

    public func validate() throws(ProtocolError) {
        func bad(_ m: String) -> ProtocolError { ProtocolError(.invalidAuctionConfig, m) }
        guard bufPpm >= 1_000_000, bufPpm <= 10_000_000 else { throw bad("buf_ppm is 1000000 to 10000000 (1× to 10× the oracle price)") }
        guard cutPpm > 0, cutPpm < 1_000_000 else { throw bad("cut_ppm is 1 to 999999: each step must lower the price") }
        guard stepSeconds > 0 else { throw bad("step_seconds must be positive") }
        guard cuspPpm > 0, cuspPpm < 1_000_000 else { throw bad("cusp_ppm is 1 to 999999") }
        guard tailSeconds >= stepSeconds, tailSeconds / stepSeconds <= Self.maxSteps else {
            throw bad("tail_seconds is at least step_seconds and at most \(Self.maxSteps) steps")
        }
        guard chipPpm <= 100_000 else { throw bad("chip_ppm is at most 100000 (10% of the debt)") }
        guard tip <= maxIncentive else { throw bad("tip may not exceed max_incentive") }
        guard maxIncentive <= LiquidationSettings.maxAmount else { throw bad("amounts are at most 2^96 quantums") }
    }
}

/// 56 bytes: the `auction_set_config` payload and the record after its version byte.
extension AuctionSettings: SingletonRecord {
    public static let recordName = "auction settings"
    public static let stateKey = StateKey(.protocolAccounts, Array("auction_settings".utf8))
}

extension StateReader {
    /// The stored parameters, or the standard ones when none are stored.
    public func auctionSettings() -> AuctionSettings { singleton(AuctionSettings.self) ?? .standard }
}

extension AuctionSettings: AdminSettings {
    static let adminAction = "change the collateral auction parameters"
    static let changedEvent = "auction_config_set"

    func check(against state: StateOverlay) throws(ProtocolError) { try validate() }
}
