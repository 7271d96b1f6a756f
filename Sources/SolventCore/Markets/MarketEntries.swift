/// An entry of a record that holds at most one entry per id (a market, an asset), in ascending
/// id order (state.md, "Open-interest caps", "Depth add-ons"; haircuts.md, "State").
protocol ListedEntry: RecordLayout, Equatable where Key == Void {
    /// The id the list is ordered by.
    var listedID: UInt32 { get }
    /// Whether the entry's settings are within the bounds its transaction checks.
    var isWithinBounds: Bool { get }
}

/// A per-market entry: ordered by its market.
protocol MarketEntry: ListedEntry {
    var market: UInt32 { get }
}

extension MarketEntry {
    var listedID: UInt32 { market }
}

extension Array where Element: ListedEntry {
    /// The entries with `id`'s replaced by `entry`, or removed when `entry` is nil, in id order.
    func setting(_ id: UInt32, to entry: Element?) -> [Element] {
        var kept = filter { $0.listedID != id }
        if let entry { kept.append(entry) }
        return kept.sorted { $0.listedID < $1.listedID }
    }

    func entry(of id: UInt32) -> Element? { first { $0.listedID == id } }
}

extension FieldCoder {
    /// A u16 count of entries, each id once in ascending order and within its bounds (a stored
    /// record breaking either was not written by this code: `invalid_field`). `per` names the id
    /// in the message ("market", "asset").
    mutating func listedEntries<T: ListedEntry>(_ get: (Record) -> [T], _ what: String, per: String = "market",
                                                minElementSize: Int) throws(ProtocolError) -> [T] {
        let entries = try list(get, "entries", width: .u16, minElementSize: minElementSize)
        for (i, e) in entries.enumerated() {
            try require(i == 0 || entries[i - 1].listedID < e.listedID,
                        ProtocolError(.invalidField, "\(what) are listed once per \(per), in ascending \(per) order"))
            try require(e.isWithinBounds, ProtocolError(.invalidField, "\(per) \(e.listedID): \(what) out of their bounds"))
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
