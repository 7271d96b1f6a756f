/// Dynamic collateral haircuts (contracts-spec/haircuts.md): an asset's haircut follows its
/// volatility (an implied-volatility feed, or the realized volatility of its own oracle price),
/// floored at its genesis haircut and capped, and moves towards that target at a bounded rate and
/// at most `stepPpm` a block. The initial requirement values the collateral `stepPpm` further out,
/// so a vault that met it one block ago cannot be liquidated by the haircut alone.
///
/// Every asset's rule and running state is one record (table `protocol`, key `dynamic_haircuts`),
/// absent until the admin sets the first rule (`asset_set_haircut_rule`).
public struct DynamicHaircuts: Equatable, Sendable {
    /// What the admin sets (kind 24): the payload, in order.
    public struct Settings: Equatable, Sendable {
        public var asset: AssetID
        /// An implied-volatility feed's oracle market, or 0: the realized volatility of the asset's price.
        public var volMarket: UInt32
        /// The realized volatility's window (0 for an implied feed).
        public var windowMs: UInt64
        /// Target haircut per unit of volatility; 0 removes the rule.
        public var scalePpm: UInt32
        public var capPpm: UInt32
        public var ratePpmPerHour: UInt32
        /// The most the haircut moves in a block, and the initial haircut's lead.
        public var stepPpm: UInt32

        public init(asset: AssetID, volMarket: UInt32, windowMs: UInt64, scalePpm: UInt32, capPpm: UInt32, ratePpmPerHour: UInt32,
                    stepPpm: UInt32) {
            (self.asset, self.volMarket, self.windowMs, self.scalePpm) = (asset, volMarket, windowMs, scalePpm)
            (self.capPpm, self.ratePpmPerHour, self.stepPpm) = (capPpm, ratePpmPerHour, stepPpm)
        }

        public var isRealized: Bool { volMarket == 0 }

        /// The bounds of haircuts.md, "The rule", for an asset whose genesis haircut is `floor`.
        public func validate(floor: UInt32) throws(ProtocolError) {
            if isRealized {
                guard windowMs >= 1_000, windowMs <= DynamicHaircuts.maxWindowMs else {
                    throw ProtocolError(.invalidField, "window_ms is from 1000 (1 s) to 2592000000 (30 days) for a realized volatility")
                }
            } else {
                guard windowMs == 0 else { throw ProtocolError(.invalidField, "window_ms is 0 for an implied-volatility feed") }
            }
            guard scalePpm >= 1, scalePpm <= DynamicHaircuts.maxScalePpm else {
                throw ProtocolError(.invalidField, "scale_ppm is from 1 to 10000000 (0 removes the rule)")
            }
            guard capPpm >= floor, capPpm <= DynamicHaircuts.maxCapPpm else {
                throw ProtocolError(.invalidField, "cap_ppm is from the floor, \(floor), to 950000")
            }
            guard ratePpmPerHour >= 1, ratePpmPerHour <= 1_000_000 else { throw ProtocolError(.invalidField, "rate_ppm_per_hour is from 1 to 1000000") }
            guard stepPpm >= 1, stepPpm <= DynamicHaircuts.maxStepPpm else { throw ProtocolError(.invalidField, "step_ppm is from 1 to 100000") }
        }
    }

    /// One asset's rule and where its haircut stands.
    public struct Rule: Equatable, Sendable {
        public var settings: Settings
        /// The current (maintenance) haircut, from the floor to the cap.
        public var haircutPpm: UInt32
        public var targetPpm: UInt32
        /// Annualized, ppm.
        public var volatilityPpm: UInt64
        /// Realized only: the averaged annualized variance, a wad.
        public var variance: UInt128
        /// Realized only: the price of the last sample (0: none yet).
        public var lastPrice: UInt64
        public var sampledAtMs: UInt64
        public var movedAtMs: UInt64

        /// A new rule: at the floor, nothing sampled, its clocks at `time`.
        public init(_ settings: Settings, floor: UInt32, at time: UInt64) {
            self.init(settings: settings, haircutPpm: floor, targetPpm: floor, volatilityPpm: 0, variance: 0, lastPrice: 0,
                      sampledAtMs: time, movedAtMs: time)
        }

        public init(settings: Settings, haircutPpm: UInt32, targetPpm: UInt32, volatilityPpm: UInt64, variance: UInt128, lastPrice: UInt64,
                    sampledAtMs: UInt64, movedAtMs: UInt64) {
            (self.settings, self.haircutPpm, self.targetPpm, self.volatilityPpm) = (settings, haircutPpm, targetPpm, volatilityPpm)
            (self.variance, self.lastPrice, self.sampledAtMs, self.movedAtMs) = (variance, lastPrice, sampledAtMs, movedAtMs)
        }

        public var asset: AssetID { settings.asset }

        /// The haircut the initial requirement values the asset at: `stepPpm` ahead (haircuts.md,
        /// "The two haircuts").
        public var initialHaircutPpm: UInt32 { min(1_000_000, haircutPpm + settings.stepPpm) }

        /// The begin-block update (haircuts.md, "The update, every block") at block time `time`,
        /// with `sample` the usable feed value (implied) or price (realized), nil when stale or missing.
        public func updated(floor: UInt32, at time: UInt64, sample: UInt64?) -> Rule {
            var r = self
            if let sample { r.sampleVolatility(sample, at: time) }
            r.targetPpm = DynamicHaircuts.target(volatilityPpm: r.volatilityPpm, scalePpm: settings.scalePpm, floor: floor, cap: settings.capPpm)
            r.move(at: time)
            return r
        }

        private mutating func sampleVolatility(_ sample: UInt64, at time: UInt64) {
            guard settings.isRealized else {
                volatilityPpm = (sample + 99) / 100
                return
            }
            guard lastPrice != 0 else {
                (lastPrice, sampledAtMs) = (sample, time)
                return
            }
            guard time > sampledAtMs else { return }
            variance = DynamicHaircuts.averagedVariance(variance, from: lastPrice, to: sample, elapsed: time - sampledAtMs, window: settings.windowMs)
            volatilityPpm = DynamicHaircuts.volatilityPpm(variance: variance)
            (lastPrice, sampledAtMs) = (sample, time)
        }

        private mutating func move(at time: UInt64) {
            let gap = haircutPpm > targetPpm ? haircutPpm - targetPpm : targetPpm - haircutPpm
            guard gap > 0 else {
                movedAtMs = time
                return
            }
            let rate = UInt128(settings.ratePpmPerHour)
            // elapsed × rate ≤ 2^64 × 10^6: fits.
            let earned = rate * UInt128(time - min(time, movedAtMs)) / DynamicHaircuts.hourMs
            let allowed = UInt32(min(UInt128(settings.stepPpm), earned))
            let move = min(allowed, gap)
            haircutPpm = haircutPpm > targetPpm ? haircutPpm - move : haircutPpm + move
            if move == gap || allowed == settings.stepPpm {
                movedAtMs = time
            } else {
                // Held back by the rate: only the time the move used is spent.
                movedAtMs += UInt64((UInt128(move) * DynamicHaircuts.hourMs + rate - 1) / rate)
            }
        }
    }

    /// In ascending asset order, one per asset.
    public var rules: [Rule]

    public init(rules: [Rule] = []) { self.rules = rules }

    public func rule(of asset: AssetID) -> Rule? { rules.entry(of: asset) }

    /// The maintenance and initial haircuts of `asset` (its floor for both without a rule).
    public func haircuts(of asset: Asset) -> (maintenance: UInt32, initial: UInt32)? {
        guard let floor = asset.haircutPpm else { return nil }
        guard let rule = rule(of: asset.id) else { return (floor, floor) }
        return (rule.haircutPpm, rule.initialHaircutPpm)
    }

    public static let yearMs: UInt128 = 31_536_000_000
    static let hourMs: UInt128 = 3_600_000
    public static let maxWindowMs: UInt64 = 30 * 86_400_000
    public static let maxScalePpm: UInt32 = 10_000_000
    public static let maxCapPpm: UInt32 = 950_000
    public static let maxStepPpm: UInt32 = 100_000
    /// The largest annualized variance one sample adds (a wad; a volatility of 10^9 ppm).
    static let maxSampleVariance: UInt128 = 1_000_000_000_000_000_000_000_000

    /// min(cap, max(floor, ⌈volatility × scale / 10^6⌉)).
    static func target(volatilityPpm: UInt64, scalePpm: UInt32, floor: UInt32, cap: UInt32) -> UInt32 {
        let scaled = (UInt128(volatilityPpm) * UInt128(scalePpm) + 999_999) / 1_000_000
        return UInt32(min(UInt128(cap), max(UInt128(floor), scaled)))
    }

    /// ⌊(variance × (window − d) + x × d) / window⌋, d = min(elapsed, window), with x the
    /// annualized squared log return min(10^24, ⌊⌊r² / 10^18⌋ × YEAR_MS / elapsed⌋). Both prices
    /// are below 2^64, so |r| < 45 × 10^18: r × r needs 256 bits, ⌊r² / 10^18⌋ < 2025 × 10^18 and
    /// its product with YEAR_MS fit 128; variance ≤ 10^24 and window ≤ 2.6 × 10^9 keep the
    /// average's products within 128 bits.
    static func averagedVariance(_ variance: UInt128, from last: UInt64, to price: UInt64, elapsed: UInt64, window: UInt64) -> UInt128 {
        let r = FixedMath.toWad(FixedMath.lnQ96(UInt128(price), UInt128(last)))
        let (high, low) = r.magnitude.multipliedFullWidth(by: r.magnitude)
        let squared = UInt128(FixedMath.one).dividingFullWidth((high, low)).quotient
        let x = min(maxSampleVariance, squared * yearMs / UInt128(elapsed))
        let d = UInt128(min(elapsed, window))
        return (variance * (UInt128(window) - d) + x * d) / UInt128(window)
    }

    /// ⌈√⌈variance / 10^6⌉⌉: the volatility in ppm of an annualized variance in wad.
    static func volatilityPpm(variance: UInt128) -> UInt64 {
        let v = (variance + 999_999) / 1_000_000
        let root = FixedMath.squareRoot(high: 0, low: v)
        return UInt64(root * root == v ? root : root + 1)
    }

    /// Begin-block (haircuts.md, "The update, every block"): every asset with a rule, in asset
    /// order. Writes the record only when something changed; an event for each haircut that moved.
    static func beginBlock(_ context: BlockContext, state: StateOverlay) -> [Event] {
        let current = state.dynamicHaircuts()
        guard !current.rules.isEmpty else { return [] }
        var next = current
        var events = [Event]()
        for i in next.rules.indices {
            let rule = next.rules[i]
            guard let asset = state.asset(rule.asset), let floor = asset.haircutPpm else { continue }
            let feed = rule.settings.isRealized ? asset.oracleMarket : rule.settings.volMarket
            let sample = feed.flatMap { try? OracleGuard.priceForRiskIncrease(market: $0, state: state, at: context.timeMs) }
            let updated = rule.updated(floor: floor, at: context.timeMs, sample: sample)
            next.rules[i] = updated
            if updated.haircutPpm != rule.haircutPpm {
                events.append(Event("haircut_moved", [("asset", .text(asset.symbol)), ("haircut_ppm", .number(updated.haircutPpm)),
                                                      ("target_ppm", .number(updated.targetPpm)),
                                                      ("volatility_ppm", .number(updated.volatilityPpm))]))
            }
        }
        if next != current { state.put(next) }
        return events
    }
}
