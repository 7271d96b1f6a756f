/// The stored form of the haircut rules and the admin's transaction (contracts-spec/haircuts.md,
/// "State" and "The rule").
extension DynamicHaircuts.Rule: ListedEntry {
    var listedID: UInt32 { asset }

    /// The transaction's bounds that do not need the floor (the cap is checked against it when set).
    var isWithinBounds: Bool {
        let s = settings
        let window = s.isRealized ? (s.windowMs >= 1_000 && s.windowMs <= DynamicHaircuts.maxWindowMs) : s.windowMs == 0
        return window && s.scalePpm >= 1 && s.scalePpm <= DynamicHaircuts.maxScalePpm && s.capPpm <= DynamicHaircuts.maxCapPpm
            && s.ratePpmPerHour >= 1 && s.ratePpmPerHour <= 1_000_000 && s.stepPpm >= 1 && s.stepPpm <= DynamicHaircuts.maxStepPpm
            && haircutPpm <= DynamicHaircuts.maxCapPpm && targetPpm <= DynamicHaircuts.maxCapPpm
    }

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        let settings = DynamicHaircuts.Settings(
            asset: try c.u32(\.settings.asset, "asset"), volMarket: try c.u32(\.settings.volMarket, "vol_market"),
            windowMs: try c.u64(\.settings.windowMs, "window_ms"), scalePpm: try c.u32(\.settings.scalePpm, "scale_ppm"),
            capPpm: try c.u32(\.settings.capPpm, "cap_ppm"), ratePpmPerHour: try c.u32(\.settings.ratePpmPerHour, "rate_ppm_per_hour"),
            stepPpm: try c.u32(\.settings.stepPpm, "step_ppm"))
        self.init(settings: settings, haircutPpm: try c.u32(\.haircutPpm, "haircut_ppm"), targetPpm: try c.u32(\.targetPpm, "target_ppm"),
                  volatilityPpm: try c.u64(\.volatilityPpm, "volatility_ppm"), variance: try c.u128(\.variance, "variance"),
                  lastPrice: try c.u64(\.lastPrice, "last_price"), sampledAtMs: try c.u64(\.sampledAtMs, "sampled_at_ms"),
                  movedAtMs: try c.u64(\.movedAtMs, "moved_at_ms"))
    }
}

extension DynamicHaircuts: SingletonRecord {
    public static let stateKey = StateKey(.protocolAccounts, Array("dynamic_haircuts".utf8))
    public static let recordName = "dynamic haircuts"

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(rules: try c.listedEntries(\.rules, "haircut rules", per: "asset", minElementSize: 88))
    }
}

extension StateReader {
    /// Every asset's haircut rule (none before the admin sets the first).
    public func dynamicHaircuts() -> DynamicHaircuts { singleton(DynamicHaircuts.self) ?? DynamicHaircuts() }
}

/// The admin's collateral controls.
enum CollateralAdmin {
    /// `asset_set_haircut_rule` (kind 24): sets, changes (keeping where the haircut stands) or,
    /// with a `scale_ppm` of 0, removes an asset's haircut rule.
    static func setHaircutRule(_ s: DynamicHaircuts.Settings, by sender: Address, context: BlockContext,
                               state: StateOverlay) throws(ProtocolError) -> [Event] {
        try AdminKey.require(sender, state, to: "change collateral haircuts")
        guard let asset = state.asset(s.asset) else { throw ProtocolError(.unknownAsset, "asset \(s.asset) does not exist") }
        guard !asset.isQuote else { throw ProtocolError(.assetNotCollateral, "USDC has no haircut") }
        guard let floor = asset.haircutPpm, state.isCollateral(asset) else {
            throw ProtocolError(.assetNotCollateral, "\(asset.symbol) is not vault collateral")
        }
        let haircuts = state.dynamicHaircuts()
        var rule: DynamicHaircuts.Rule?
        if s.scalePpm != 0 {
            if s.volMarket != 0 {
                guard let feed = state.oracleMarket(s.volMarket), feed.symbol.hasSuffix("-IV") else {
                    throw ProtocolError(.invalidField, "oracle market \(s.volMarket) is not a volatility feed (like BTC-IV)")
                }
            }
            try s.validate(floor: floor)
            guard !s.isRealized || asset.oracleMarket != nil else {
                throw ProtocolError(.invalidField, "\(asset.symbol) has no oracle price to take a realized volatility from: use an implied-volatility feed")
            }
            if var kept = haircuts.rule(of: s.asset) {
                if kept.settings.volMarket != s.volMarket {
                    (kept.volatilityPpm, kept.variance, kept.lastPrice, kept.sampledAtMs) = (0, 0, 0, context.timeMs)
                }
                kept.settings = s
                rule = kept
            } else {
                rule = DynamicHaircuts.Rule(s, floor: floor, at: context.timeMs)
            }
        }
        state.put(DynamicHaircuts(rules: haircuts.rules.setting(s.asset, to: rule)))
        return [Event("asset_haircut_rule_set", [
            ("asset", .text(asset.symbol)), ("id", .number(s.asset)), ("vol_market", .number(s.volMarket)), ("window_ms", .number(s.windowMs)),
            ("scale_ppm", .number(s.scalePpm)), ("cap_ppm", .number(s.capPpm)), ("rate_ppm_per_hour", .number(s.ratePpmPerHour)),
            ("step_ppm", .number(s.stepPpm)),
        ])]
    }
}
