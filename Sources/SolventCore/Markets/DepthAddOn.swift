/// The book-depth add-on (contracts-spec/margin.md, "Book-depth add-on"): a market may ask more
/// initial margin of a position larger than the resting size its book has held near the oracle
/// price, averaged over a window of block time. Like open-interest scaling it never touches the
/// maintenance requirement.
///
/// The settings and running depths of every market that has an add-on are one record (table
/// `protocol`, key `depth_addons`), absent until the admin sets the first
/// (`market_set_depth_addon`).
public struct DepthAddOns: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var market: UInt32
        /// The band around the oracle price whose resting size counts, ppm (1 to 500 000).
        public var bandPpm: UInt32
        /// The averaging window, ms of block time (1 s to 30 days).
        public var windowMs: UInt64
        /// The extra initial rate on the size beyond the depth, ppm (1 to 1 000 000).
        public var addonPpm: UInt32
        /// Time-averaged resting size in the band, size units: the bids and the asks.
        public var bidDepth: UInt64
        public var askDepth: UInt64
        /// Block time of the last sample.
        public var sampledAtMs: UInt64

        public init(market: UInt32, bandPpm: UInt32, windowMs: UInt64, addonPpm: UInt32, bidDepth: UInt64 = 0, askDepth: UInt64 = 0,
                    sampledAtMs: UInt64) {
            (self.market, self.bandPpm, self.windowMs, self.addonPpm) = (market, bandPpm, windowMs, addonPpm)
            (self.bidDepth, self.askDepth, self.sampledAtMs) = (bidDepth, askDepth, sampledAtMs)
        }

        /// The depth on the side that would close a position of `size` (a long sells into the bids).
        public func closingDepth(size: Int64) -> UInt64 { size > 0 ? bidDepth : askDepth }

        /// ⌈max(0, |size| − depth) × price × addon_ppm / 10^16⌉ (excess × price fits 127 bits; the
        /// product with the rate is taken in full width).
        public func addOn(size: Int64, price: UInt64) -> UInt128 {
            let excess = UInt128(size.magnitude - min(size.magnitude, closingDepth(size: size)))
            let p = (excess * UInt128(price)).fullWidthProduct(UInt128(addonPpm))
            let (q, r) = (PerpUnits.notionalDivisor * 1_000_000).fullWidthQuotient(p)
            return q + (r == 0 ? 0 : 1)
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }

    public func addOn(of market: UInt32) -> Entry? { entries.entry(of: market) }

    public static let maxBandPpm: UInt32 = 500_000
    public static let maxWindowMs: UInt64 = 30 * 86_400_000
    /// Orders counted per side and sample: a block's work stays bounded.
    public static let maxOrdersPerSample = 10_000

    public static func validate(bandPpm: UInt32, windowMs: UInt64, addonPpm: UInt32) throws(ProtocolError) {
        guard addonPpm <= 1_000_000 else { throw ProtocolError(.invalidField, "addon_ppm is at most 1000000 (100%)") }
        guard addonPpm == 0 || (bandPpm >= 1 && bandPpm <= maxBandPpm) else {
            throw ProtocolError(.invalidField, "band_ppm is from 1 to 500000 (50%)")
        }
        guard addonPpm == 0 || (windowMs >= 1_000 && windowMs <= maxWindowMs) else {
            throw ProtocolError(.invalidField, "window_ms is from 1000 (1 s) to 2592000000 (30 days)")
        }
    }

    /// The resting size of `side` within `bandPpm` of `price`: bids at or above
    /// ⌈price × (10^6 − band) / 10^6⌉, asks at or below ⌊price × (10^6 + band) / 10^6⌋, at most
    /// `maxOrdersPerSample` orders from the best, saturating.
    static func inBand(market: UInt32, side: Side, price: UInt64, bandPpm: UInt32, state: some StateReader) -> UInt64 {
        let p = UInt128(price)
        let bound = side == .buy
            ? (p * UInt128(1_000_000 - bandPpm) + 999_999) / 1_000_000
            : p * UInt128(1_000_000 + bandPpm) / 1_000_000
        var total: UInt64 = 0, seen = 0
        OrderBook.scan(market: market, side: side, state: state) { o in
            let inside = side == .buy ? UInt128(o.price) >= bound : UInt128(o.price) <= bound
            guard inside, seen < maxOrdersPerSample else { return false }
            seen += 1
            let (sum, overflow) = total.addingReportingOverflow(o.remaining)
            total = overflow ? UInt64.max : sum
            return true
        }
        return total
    }

    /// ⌊(depth × (window − d) + sample × d) / window⌋ with d = min(elapsed, window).
    static func averaged(_ depth: UInt64, sample: UInt64, elapsed: UInt64, window: UInt64) -> UInt64 {
        let d = min(elapsed, window)
        return UInt64((UInt128(depth) * UInt128(window - d) + UInt128(sample) * UInt128(d)) / UInt128(window))
    }

    /// Begin-block sampling (margin.md, "The depth"): every market with an add-on and a fresh
    /// price, in market order. Writes the record only when something changed.
    static func beginBlock(_ context: BlockContext, state: StateOverlay) {
        let current = state.depthAddOns()
        guard !current.entries.isEmpty else { return }
        var next = current
        for i in next.entries.indices {
            let e = next.entries[i]
            guard context.timeMs > e.sampledAtMs, let market = state.perpMarket(e.market),
                  let price = try? OracleGuard.priceForRiskIncrease(market: market.params.oracleMarket, state: state, at: context.timeMs)
            else { continue }
            let elapsed = context.timeMs - e.sampledAtMs
            let bids = inBand(market: e.market, side: .buy, price: price, bandPpm: e.bandPpm, state: state)
            let asks = inBand(market: e.market, side: .sell, price: price, bandPpm: e.bandPpm, state: state)
            next.entries[i].bidDepth = averaged(e.bidDepth, sample: bids, elapsed: elapsed, window: e.windowMs)
            next.entries[i].askDepth = averaged(e.askDepth, sample: asks, elapsed: elapsed, window: e.windowMs)
            next.entries[i].sampledAtMs = context.timeMs
        }
        if next != current { state.put(next) }
    }
}

extension DepthAddOns.Entry: MarketEntry {
    var isWithinBounds: Bool {
        addonPpm >= 1 && addonPpm <= 1_000_000 && bandPpm >= 1 && bandPpm <= DepthAddOns.maxBandPpm
            && windowMs >= 1_000 && windowMs <= DepthAddOns.maxWindowMs
    }

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(market: try c.u32(\.market, "market"), bandPpm: try c.u32(\.bandPpm, "band_ppm"), windowMs: try c.u64(\.windowMs, "window_ms"),
                  addonPpm: try c.u32(\.addonPpm, "addon_ppm"), bidDepth: try c.u64(\.bidDepth, "bid_depth"),
                  askDepth: try c.u64(\.askDepth, "ask_depth"), sampledAtMs: try c.u64(\.sampledAtMs, "sampled_at_ms"))
    }
}

extension DepthAddOns: SingletonRecord {
    public static let stateKey = StateKey(.protocolAccounts, Array("depth_addons".utf8))
    public static let recordName = "depth add-ons"

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(entries: try c.listedEntries(\.entries, "depth add-ons", minElementSize: 44))
    }
}

extension StateReader {
    /// The depth add-ons of every market that has one (none before the admin sets the first).
    public func depthAddOns() -> DepthAddOns { singleton(DepthAddOns.self) ?? DepthAddOns() }
}

extension MarketAdmin {
    /// `market_set_depth_addon`: sets one market's add-on (its depths start at 0, sampled from
    /// this block's time); an `addon_ppm` of 0 removes it. Perpetuals and futures only.
    static func setDepthAddOn(market id: UInt32, bandPpm: UInt32, windowMs: UInt64, addonPpm: UInt32, by sender: Address,
                              context: BlockContext, state: StateOverlay) throws(ProtocolError) -> [Event] {
        let market = try linearMarket(id, for: "depth add-ons", by: sender, state: state)
        try DepthAddOns.validate(bandPpm: bandPpm, windowMs: windowMs, addonPpm: addonPpm)
        let entry = addonPpm == 0 ? nil
            : DepthAddOns.Entry(market: id, bandPpm: bandPpm, windowMs: windowMs, addonPpm: addonPpm, sampledAtMs: context.timeMs)
        state.put(DepthAddOns(entries: state.depthAddOns().entries.setting(id, to: entry)))
        return [Event("market_depth_addon_set", [("market", .text(market.params.symbol)), ("id", .number(id)),
                                                 ("band_ppm", .number(bandPpm)), ("window_ms", .number(windowMs)),
                                                 ("addon_ppm", .number(addonPpm))])]
    }
}
