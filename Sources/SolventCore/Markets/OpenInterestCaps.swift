/// Open-interest scaled initial margin (contracts-spec/margin.md, "Open-interest scaling"), as
/// dYdX v4 defines it for its liquidity tiers: a market may have a lower and an upper cap on its
/// open notional (open interest × oracle price, USDC quantums). Below the lower cap a position's
/// initial requirement is its tiers'; between the caps the initial fraction rises linearly to
/// 100% of the notional, which it reaches at the upper cap. The maintenance requirement never
/// changes, so the caps make opening risk dearer and never liquidate anyone.
///
/// The caps of every market that has them are one record (table `protocol`, key
/// `open_interest_caps`), absent until the admin sets the first (`market_set_oi_caps`).
public struct OpenInterestCaps: Equatable, Sendable {
    /// One market's caps: `upper` > 0 and `lower` ≤ `upper`, USDC quantums.
    public struct Entry: Equatable, Sendable {
        public var market: UInt32
        public var lower: UInt128
        public var upper: UInt128

        public init(market: UInt32, lower: UInt128, upper: UInt128) {
            (self.market, self.lower, self.upper) = (market, lower, upper)
        }

        /// How far `open` lies between the caps, ⌊(open − lower) × 10^6 / (upper − lower)⌋
        /// within [0, 10^6] (10^6 at or above the upper cap, as the requirement is 100% there).
        public func scalingPpm(open: UInt128) -> Int64 {
            if open >= upper { return 1_000_000 }
            if open <= lower { return 0 }
            // Below the upper cap, at most 10^24: × 10^6 fits.
            return Int64((open - lower) * 1_000_000 / (upper - lower))
        }
    }

    /// In ascending market order, one per market.
    public var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }

    public func caps(of market: UInt32) -> Entry? { entries.entry(of: market) }

    /// Caps are at most 10^24 quantums (10^18 USDC): every product below fits 256 bits and every
    /// divisor 128.
    public static let maxCap: UInt128 = 1_000_000_000_000_000_000_000_000

    /// The listing-like rules of a cap pair (markets.md, "`market_set_oi_caps`").
    public static func validate(lower: UInt128, upper: UInt128) throws(ProtocolError) {
        guard upper <= maxCap else { throw ProtocolError(.invalidField, "open-interest caps are at most 10^24 quantums (10^18 USDC)") }
        guard lower <= upper else { throw ProtocolError(.invalidField, "oi_lower_cap may not exceed oi_upper_cap") }
    }

    /// ⌈open interest × price / 10^10⌉: the market's open notional in USDC quantums, rounded up
    /// (a larger open notional asks more margin).
    public static func openNotional(openInterest: UInt64, price: UInt64) -> UInt128 {
        let product = UInt128(openInterest) * UInt128(price)
        return product / PerpUnits.notionalDivisor + (product % PerpUnits.notionalDivisor == 0 ? 0 : 1)
    }

    /// The initial requirement of a position of `notional` whose tiers' rates give `tierSum`
    /// (Σ rate × band, before the division by 10^6), for a market whose open notional is
    /// `open`:
    ///
    ///     open ≥ upper:             notional                              (100%)
    ///     else open ≤ lower:        ⌈tierSum / 10^6⌉                      (the tiers' requirement)
    ///     between, with D = upper − lower and X = open − lower:
    ///         min(notional, ⌈(tierSum × (D − X) + notional × 10^6 × X) / (10^6 × D)⌉)
    ///
    /// which is dYdX's base fraction plus (X / D) × (1 − base fraction), applied to the notional
    /// and rounded up once. `tierSum` is at most notional × 10^6.
    public static func initialRequirement(notional: UInt128, tierSum: UInt128, open: UInt128, caps: Entry) -> UInt128 {
        if open >= caps.upper { return notional }
        if open <= caps.lower { return Margin.roundedUp(tierSum) }
        let d = caps.upper - caps.lower, x = open - caps.lower
        // tierSum × (D − X) and notional × 10^6 × X are each below 2^115 × 2^80; their sum fits
        // 256 bits, and the quotient is at most the notional (the weights add up to D).
        let a = tierSum.fullWidthProduct(d - x), b = (notional * 1_000_000).fullWidthProduct(x)
        let (low, carry) = a.low.addingReportingOverflow(b.low)
        let high = a.high + b.high + (carry ? 1 : 0)
        let (q, r) = (d * 1_000_000).fullWidthQuotient((high, low))
        return min(notional, q + (r == 0 ? 0 : 1))
    }
}

extension OpenInterestCaps.Entry: MarketEntry {
    var isWithinBounds: Bool { upper > 0 && lower <= upper && upper <= OpenInterestCaps.maxCap }

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(market: try c.u32(\.market, "market"), lower: try c.u128(\.lower, "oi_lower_cap"), upper: try c.u128(\.upper, "oi_upper_cap"))
    }
}

extension OpenInterestCaps: SingletonRecord {
    public static let stateKey = StateKey(.protocolAccounts, Array("open_interest_caps".utf8))
    public static let recordName = "open-interest caps"

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(entries: try c.listedEntries(\.entries, "open-interest caps", minElementSize: 36))
    }
}

extension StateReader {
    /// The caps of every market that has them (none before the admin sets the first).
    public func openInterestCaps() -> OpenInterestCaps { singleton(OpenInterestCaps.self) ?? OpenInterestCaps() }
}

extension MarketAdmin {
    /// `market_set_oi_caps`: sets one market's caps; an upper cap of 0 (and a lower cap of 0)
    /// removes them. Perpetuals and futures only: an option's requirement is its own.
    static func setOpenInterestCaps(market id: UInt32, lower: UInt128, upper: UInt128, by sender: Address,
                                    state: StateOverlay) throws(ProtocolError) -> [Event] {
        let market = try linearMarket(id, for: "open-interest caps", by: sender, state: state)
        try OpenInterestCaps.validate(lower: lower, upper: upper)
        let entry = upper == 0 ? nil : OpenInterestCaps.Entry(market: id, lower: lower, upper: upper)
        state.put(OpenInterestCaps(entries: state.openInterestCaps().entries.setting(id, to: entry)))
        return [Event("market_oi_caps_set", [("market", .text(market.params.symbol)), ("id", .number(id)),
                                              ("oi_lower_cap", .usdc(lower)), ("oi_upper_cap", .usdc(upper))])]
    }
}
