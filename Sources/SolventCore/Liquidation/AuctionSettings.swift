/// The collateral auction parameters (contracts-spec/collateral-auctions.md, "Parameters"): the
/// chain-wide `buf`, price curve, staleness and starter incentive, in the spirit of MakerDAO's
/// `clip` and `abaci`. Stored in table `protocol` under "auction_settings" once genesis names them
/// or the admin changes them; until then the standard values apply.
public struct AuctionSettings: Equatable, Sendable {
    /// The starting price is the oracle price × buf (ppm, 1,000,000 = 1×).
    public var bufPpm: UInt32
    /// Each step the price is multiplied by cut (ppm, below 1,000,000).
    public var cutPpm: UInt32
    /// Seconds between two steps of the curve.
    public var stepSeconds: UInt32
    /// An auction whose price has fallen below cusp × its starting price is stale (ppm).
    public var cuspPpm: UInt32
    /// An auction older than this many seconds is stale.
    public var tailSeconds: UInt32
    /// The starter's flat incentive, USDC quantums.
    public var tip: UInt128
    /// The starter's incentive on top of the tip, as a share of the debt at the start (ppm).
    public var chipPpm: UInt32
    /// The most one start's incentive may be, USDC quantums.
    public var maxIncentive: UInt128

    public init(bufPpm: UInt32, cutPpm: UInt32, stepSeconds: UInt32, cuspPpm: UInt32, tailSeconds: UInt32, tip: UInt128,
                chipPpm: UInt32, maxIncentive: UInt128) {
        self.bufPpm = bufPpm
        self.cutPpm = cutPpm
        self.stepSeconds = stepSeconds
        self.cuspPpm = cuspPpm
        self.tailSeconds = tailSeconds
        self.tip = tip
        self.chipPpm = chipPpm
        self.maxIncentive = maxIncentive
    }

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

    static let stateKey = StateKey(.protocolAccounts, Array("auction_settings".utf8))
}

/// 56 bytes: the `auction_set_config` payload and the record after its version byte.
extension AuctionSettings: SingletonRecord {
    public static let recordName = "auction settings"
    public static let recordVersion: UInt8 = 1

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(bufPpm: try c.u32(\.bufPpm, "buf_ppm"), cutPpm: try c.u32(\.cutPpm, "cut_ppm"),
                  stepSeconds: try c.u32(\.stepSeconds, "step_seconds"), cuspPpm: try c.u32(\.cuspPpm, "cusp_ppm"),
                  tailSeconds: try c.u32(\.tailSeconds, "tail_seconds"), tip: try c.u128(\.tip, "tip"),
                  chipPpm: try c.u32(\.chipPpm, "chip_ppm"), maxIncentive: try c.u128(\.maxIncentive, "max_incentive"))
    }
}

extension StateReader {
    /// The stored parameters, or the standard ones when none are stored.
    public func auctionSettings() -> AuctionSettings { singleton(AuctionSettings.self) ?? .standard }
}

extension StateOverlay {
    public func setAuctionSettings(_ s: AuctionSettings) { putSingleton(s) }
}

/// The admin's control over the auction parameters.
enum AuctionAdmin {
    static func setSettings(_ settings: AuctionSettings, by sender: Address, state: StateOverlay) throws(ProtocolError) -> [Event] {
        try AdminKey.require(sender, state, to: "change the collateral auction parameters")
        try settings.validate()
        state.setAuctionSettings(settings)
        return [Event("auction_config_set", describe(settings))]
    }

    static func describe(_ s: AuctionSettings) -> [(String, EventValue)] {
        [("buf_ppm", .number(s.bufPpm)), ("cut_ppm", .number(s.cutPpm)), ("step_seconds", .number(s.stepSeconds)),
         ("cusp_ppm", .number(s.cuspPpm)), ("tail_seconds", .number(s.tailSeconds)), ("tip", .usdc(s.tip)),
         ("chip_ppm", .number(s.chipPpm)), ("max_incentive", .usdc(s.maxIncentive))]
    }
}
