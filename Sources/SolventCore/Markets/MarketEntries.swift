/// An entry of a record that holds at most one entry per market, in ascending market order
/// (state.md, "Open-interest caps" and "Depth add-ons").
protocol MarketEntry: RecordLayout, Equatable where Key == Void {
    var market: UInt32 { get }
    /// Whether the entry's settings are within the bounds its transaction checks.
    var isWithinBounds: Bool { get }
}

extension Array where Element: MarketEntry {
    /// The entries with `market`'s replaced by `entry`, or removed when `entry` is nil, in market order.
    func setting(_ market: UInt32, to entry: Element?) -> [Element] {
        var kept = filter { $0.market != market }
        if let entry { kept.append(entry) }
        return kept.sorted { $0.market < $1.market }
    }

    func entry(of market: UInt32) -> Element? { first { $0.market == market } }
}

extension FieldCoder {
    /// A u16 count of entries, each market once in ascending order and within its bounds (a
    /// stored record breaking either was not written by this code: `invalid_field`).
    mutating func marketEntries<T: MarketEntry>(_ get: (Record) -> [T], _ what: String, minElementSize: Int) throws(ProtocolError) -> [T] {
        let entries = try list(get, "entries", width: .u16, minElementSize: minElementSize)
        for (i, e) in entries.enumerated() {
            try require(i == 0 || entries[i - 1].market < e.market,
                        ProtocolError(.invalidField, "\(what) are listed once per market, in ascending market order"))
            try require(e.isWithinBounds, ProtocolError(.invalidField, "market \(e.market): \(what) out of their bounds"))
        }
        return entries
    }
}

extension MarketAdmin {
    /// The checks every per-market risk setting starts with (markets.md, kinds 38 and 39): the
    /// admin sends it (310), the market exists (500), and it is a perpetual or a future (501,
    /// "SYMBOL: `what` apply to perpetuals and futures, not options").
    static func linearMarket(_ id: UInt32, for what: String, by sender: Address, state: StateOverlay) throws(ProtocolError) -> PerpMarket {
        try AdminKey.require(sender, state, to: "change markets")
        guard let market = state.perpMarket(id) else { throw ProtocolError(.unknownMarket, "market \(id) does not exist") }
        guard !market.params.instrument.isOption else {
            throw ProtocolError(.invalidMarket, "\(market.params.symbol): \(what) apply to perpetuals and futures, not options")
        }
        return market
    }
}
