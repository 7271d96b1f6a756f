/// The requirements of a position on its own (contracts-spec/margin.md, "Notional and
/// requirements", "Open-interest scaling"; options.md, "Standalone requirements").
extension Margin {
    /// Progressive tier requirement: each tier's rate applies to the part of the notional inside
    /// its band; one rounding, up, at the end. Continuous in the notional by construction.
    public static func requirement(notional: UInt128, tiers: [MarginTier], initial: Bool) throws(ProtocolError) -> UInt128 {
        roundedUp(try tierSum(notional: notional, tiers: tiers, initial: initial))
    }

    /// ⌈sum / 10^6⌉: a tier sum as the requirement it stands for.
    static func roundedUp(_ sum: UInt128) -> UInt128 { sum / 1_000_000 + (sum % 1_000_000 == 0 ? 0 : 1) }

    /// Σ rate × the part of the notional in each tier's band: the requirement times 10^6 before
    /// its rounding (at most notional × 10^6, rates being at most 100%).
    static func tierSum(notional: UInt128, tiers: [MarginTier], initial: Bool) throws(ProtocolError) -> UInt128 {
        var lower: UInt128 = 0
        var sum: UInt128 = 0
        for tier in tiers {
            let upper = tier.maxNotional ?? UInt128.max
            let rate = UInt128(initial ? tier.initialPpm : tier.maintenancePpm)
            if notional > lower {
                sum = try sum.adding(try (min(notional, upper) - lower).multiplied(by: rate))
            }
            guard notional > upper else { break }
            lower = upper
        }
        return sum
    }

    /// A position's standalone (cross-margin) initial and maintenance requirements (margin.md,
    /// "Requirements"; options.md, "Standalone requirements"):
    /// * perpetual or future: the tiers on the notional |size| × underlying price;
    /// * long option: its value, ⌈|size| × mark / 10^10⌉, for both: a long option is paid for in
    ///   full and lends no margin to the rest of the vault;
    /// * short option, with S the underlying's price and OTM how far out of the money the strike
    ///   is (max(K − S, 0) for a call, max(S − K, 0) for a put):
    ///   initial ⌈|size| × max(initial rate × S − OTM × 10^6, maintenance rate × S) / 10^16⌉,
    ///   maintenance ⌈|size| × maintenance rate × S / 10^16⌉ (the single tier's rates).
    public static func requirements(_ params: PerpMarketParams, size: Int64, mark: Mark) throws(ProtocolError) -> (initial: UInt128, maintenance: UInt128) {
        let (initial, maintenance) = try requirements(params, size: size, mark: mark, scaling: nil)
        return (initial.scaled, maintenance)
    }

    /// A market's open-interest caps and its open interest (size units), which scale the initial
    /// requirement of its perpetual or future positions (margin.md, "Open-interest scaling").
    public struct OpenInterestScaling: Sendable {
        public let caps: OpenInterestCaps.Entry
        public let openInterest: UInt64
    }

    /// The requirements, the initial one both from the tiers alone and as `scaling` raises it
    /// (the same without scaling, and for options, whose requirement is their own).
    static func requirements(_ params: PerpMarketParams, size: Int64, mark: Mark, scaling: OpenInterestScaling?) throws(ProtocolError)
        -> (initial: (tiers: UInt128, scaled: UInt128), maintenance: UInt128) {
        let units = UInt128(size.magnitude)
        switch params.instrument {
        case .perpetual, .future:
            guard let notional = FixedPoint.mulDiv(units, UInt128(mark.underlying), PerpUnits.notionalDivisor, .up) else { throw .overflow }
            let sum = try tierSum(notional: notional, tiers: params.tiers, initial: true)
            let tiers = roundedUp(sum)
            var scaled = tiers
            if let scaling {
                let open = OpenInterestCaps.openNotional(openInterest: scaling.openInterest, price: mark.underlying)
                scaled = OpenInterestCaps.initialRequirement(notional: notional, tierSum: sum, open: open, caps: scaling.caps)
            }
            return ((tiers, scaled), try requirement(notional: notional, tiers: params.tiers, initial: false))
        case .option(_, let strike, let call, _):
            if size >= 0 {
                guard let value = FixedPoint.mulDiv(units, UInt128(mark.price), PerpUnits.notionalDivisor, .up) else { throw .overflow }
                return ((value, value), value)
            }
            // Rates and prices are at most 2^32 and 2^64: these products fit 128 bits.
            let s = UInt128(mark.underlying), k = UInt128(strike)
            let otm = call ? (k > s ? k - s : 0) : (s > k ? s - k : 0)
            let im = UInt128(params.tiers[0].initialPpm) * s, mm = UInt128(params.tiers[0].maintenancePpm) * s
            let perUnit = max(im > otm * 1_000_000 ? im - otm * 1_000_000 : 0, mm)
            let divisor = PerpUnits.notionalDivisor * 1_000_000
            guard let initial = FixedPoint.mulDiv(units, perUnit, divisor, .up), let maintenance = FixedPoint.mulDiv(units, mm, divisor, .up) else {
                throw .overflow
            }
            return ((initial, initial), maintenance)
        }
    }
}
