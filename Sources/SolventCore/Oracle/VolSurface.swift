/// The volatility surface (contracts-spec/vol-surface.md): implied volatility per (underlying,
/// expiry) through the oracle, in feeds named `BASE-IV-DDMMMYY`. When the admin gives a volatility
/// feed (`BTC-IV`) a surface, every option marked with that feed takes its volatility from the
/// surface at its own expiry: a point's value at the point's expiry, linear in total variance
/// between points, flat outside; without a live point, the feed itself as before.
///
/// The surfaces are one record (table `protocol`, key `vol_surfaces`), absent until the admin
/// sets the first (`oracle_set_surface`).
public struct VolSurfaces: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        /// The `BASE-IV` feed options name as their `volatility_oracle`.
        public var base: UInt32
        /// The `BASE-IV-DDMMMYY` feeds, in expiry order.
        public var points: [UInt32]

        public init(base: UInt32, points: [UInt32]) { (self.base, self.points) = (base, points) }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }

    public func surface(of base: UInt32) -> Entry? { entries.entry(of: base) }

    public static let maxPoints = 8
    /// A point's volatility counts at most 100.0 (10 000%), so total variances fit 128 bits.
    public static let maxVol: UInt64 = 10_000_000_000

    /// The expiry of a `BASE-IV-DDMMMYY` feed: that day at 08:00 UTC (the dated markets' hour);
    /// nil for any other symbol.
    public static func expiry(ofFeed symbol: String) -> UInt64? {
        let parts = symbol.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1] == "IV", parts[2].utf8.count == 7 else { return nil }
        let tag = Array(parts[2].utf8)
        let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        func number(_ a: Int, _ b: Int) -> Int? {
            guard (48...57).contains(tag[a]), (48...57).contains(tag[b]) else { return nil }
            return Int(tag[a] - 48) * 10 + Int(tag[b] - 48)
        }
        guard let day = number(0, 1), let year = number(5, 6),
              let month = months.firstIndex(of: String(decoding: tag[2..<5], as: UTF8.self)) else { return nil }
        let fullYear = 2000 + year
        let leap = fullYear % 4 == 0 && (fullYear % 100 != 0 || fullYear % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day >= 1, day <= lengths[month] else { return nil }
        // Days since 1970-01-01: whole years, then months, then days.
        var days = 0
        for y in 1970..<fullYear { days += (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 366 : 365 }
        days += lengths[..<month].reduce(0, +) + day - 1
        return UInt64(days) * 86_400_000 + 8 * 3_600_000
    }

    /// The volatility at `expiry` seen at `time` from `points` (expiry, vol) with a value
    /// (vol-surface.md, "Interpolation"), and the expiries of the points it used; nil when no
    /// point expires after `time`.
    public static func vol(points: [(expiry: UInt64, vol: UInt64)], expiry: UInt64, time: UInt64) -> (vol: UInt64, used: [UInt64])? {
        let live = points.filter { $0.expiry > time }.map { ($0.expiry, min($0.vol, maxVol)) }.sorted { $0.0 < $1.0 }
        guard let first = live.first, let last = live.last else { return nil }
        let tau = expiry > time ? expiry - time : 0
        if tau <= first.0 - time { return (first.1, [first.0]) }
        if tau >= last.0 - time { return (last.1, [last.0]) }
        for (lo, hi) in zip(live, live.dropFirst()) {
            let (a, b) = (lo.0 - time, hi.0 - time)
            if tau == a { return (lo.1, [lo.0]) }
            guard tau > a, tau < b else { continue }
            // w = σ² τ (vol ≤ 10^10, τ < 2^64: each below 2^128); the two terms each floored.
            let wa = UInt128(lo.1) * UInt128(lo.1) * UInt128(a), wb = UInt128(hi.1) * UInt128(hi.1) * UInt128(b)
            let span = UInt128(b - a)
            let w = (FixedPoint.mulDiv(wa, UInt128(b - tau), span, .down) ?? 0) + (FixedPoint.mulDiv(wb, UInt128(tau - a), span, .down) ?? 0)
            return (UInt64(FixedMath.squareRoot(high: 0, low: w / UInt128(tau))), [lo.0, hi.0])
        }
        return nil
    }
}

extension VolSurfaces.Entry: ListedEntry {
    var listedID: UInt32 { base }
    var isWithinBounds: Bool { !points.isEmpty && points.count <= VolSurfaces.maxPoints }

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(base: try c.u32(\.base, "base"), points: try c.list(\.points, "points", width: .u8, minElementSize: 4))
    }
}

extension VolSurfaces: SingletonRecord {
    public static let stateKey = StateKey(.protocolAccounts, Array("vol_surfaces".utf8))
    public static let recordName = "volatility surfaces"

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(entries: try c.listedEntries(\.entries, "volatility surfaces", per: "feed", minElementSize: 6))
    }
}

extension StateReader {
    public func volSurfaces() -> VolSurfaces { singleton(VolSurfaces.self) ?? VolSurfaces() }
}

extension Margin {
    /// An option's volatility and the feeds it came from (vol-surface.md, "Marking"): from the
    /// surface of its `volatility_oracle` when it has one with a live point, else that feed's
    /// value. For a check every feed used must be fresh.
    public static func optionVolatility(_ volOracle: UInt32, expiry: UInt64, surfaces: VolSurfaces, _ state: some StateReader, _ time: UInt64,
                                 _ mode: Prices) throws(ProtocolError) -> (vol: UInt64, feeds: [UInt32]) {
        if let surface = surfaces.surface(of: volOracle) {
            var points = [(expiry: UInt64, vol: UInt64)](), feedOf = [UInt64: UInt32]()
            for id in surface.points {
                guard let m = state.oracleMarket(id), m.hasPrice, let at = VolSurfaces.expiry(ofFeed: m.symbol) else { continue }
                points.append((at, m.price))
                feedOf[at] = id
            }
            if let (vol, used) = VolSurfaces.vol(points: points, expiry: expiry, time: time) {
                let feeds = used.compactMap { feedOf[$0] }
                if case .freshOnly = mode {
                    for f in feeds { _ = try OracleGuard.priceForRiskIncrease(market: f, state: state, at: time) }
                }
                return (vol, feeds)
            }
        }
        return (try price(volOracle, state, time, mode), [volOracle])
    }
}

extension OracleAdmin {
    /// `oracle_set_surface` (kind 26): the `BASE-IV-DDMMMYY` feeds that form `base`'s surface;
    /// none removes it.
    static func setSurface(base: UInt32, points: [UInt32], by sender: Address, state: StateOverlay) throws(ProtocolError) -> [Event] {
        try AdminKey.require(sender, state, to: "change volatility surfaces")
        guard let feed = state.oracleMarket(base), feed.symbol.hasSuffix("-IV") else {
            throw ProtocolError(.invalidField, "oracle market \(base) is not a volatility feed like BTC-IV")
        }
        guard points.count <= VolSurfaces.maxPoints else { throw ProtocolError(.invalidField, "a surface has at most 8 points") }
        var dated = [(UInt64, UInt32)]()
        for id in points {
            guard let m = state.oracleMarket(id), m.symbol.hasPrefix(feed.symbol + "-"), let at = VolSurfaces.expiry(ofFeed: m.symbol) else {
                throw ProtocolError(.invalidField, "oracle market \(id) is not a \(feed.symbol)-DDMMMYY feed")
            }
            guard !dated.contains(where: { $0.0 == at }) else { throw ProtocolError(.invalidField, "two points of the surface expire together") }
            dated.append((at, id))
        }
        let entry = points.isEmpty ? nil : VolSurfaces.Entry(base: base, points: dated.sorted { $0.0 < $1.0 }.map(\.1))
        state.put(VolSurfaces(entries: state.volSurfaces().entries.setting(base, to: entry)))
        let symbols = (entry?.points ?? []).compactMap { state.oracleMarket($0)?.symbol }
        return [Event("oracle_surface_set", [("feed", .text(feed.symbol)), ("points", .text(symbols.joined(separator: ",")))])]
    }
}
