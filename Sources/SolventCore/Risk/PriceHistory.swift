/// The chain's own price history (contracts-spec/risk-measures.md, "The return window"): one row
/// of every oracle market's price per hour of block time, the last 251 kept, from which the risk
/// measures take up to 250 hourly returns. Consensus state, so every node computes the same
/// measures; written at the start of the first block of each new hour (and of the chain).
public struct PriceHistory: Equatable, Sendable {
    public struct Row: Equatable, Sendable {
        public var timeMs: UInt64
        /// One price per market of `markets`, in that order (0: no price).
        public var prices: [UInt64]

        public init(timeMs: UInt64, prices: [UInt64]) { (self.timeMs, self.prices) = (timeMs, prices) }
    }

    /// Every oracle market, in id order, when the record was started.
    public var markets: [UInt32]
    /// Oldest first, at most `capacity`.
    public var rows: [Row]

    public init(markets: [UInt32] = [], rows: [Row] = []) { (self.markets, self.rows) = (markets, rows) }

    public static let intervalMs: UInt64 = 3_600_000
    public static let capacity = 251

    /// The return of `market` in sample `k` (1 ≤ k < rows.count): ⌊(P_k − P_(k−1)) × 10^6 / P_(k−1)⌋
    /// clamped to [−10^6, 10^7] ppm; 0 when either price is missing.
    public func returnPpm(market index: Int, sample k: Int) -> Int64 {
        let (before, after) = (rows[k - 1].prices[index], rows[k].prices[index])
        guard before > 0, after > 0 else { return 0 }
        let change = (Int128(after) - Int128(before)) * 1_000_000
        let r = change >= 0 ? change / Int128(before) : -((-change + Int128(before) - 1) / Int128(before))
        return Int64(min(10_000_000, max(-1_000_000, r)))
    }

    /// Samples in the window (returns between consecutive rows).
    public var sampleCount: Int { max(0, rows.count - 1) }

    /// The returns of every market in sample `k`, by oracle market id.
    public func returns(sample k: Int) -> [UInt32: Int64] {
        var out = [UInt32: Int64]()
        for (i, m) in markets.enumerated() { out[m] = returnPpm(market: i, sample: k) }
        return out
    }

    /// The newest row's time in a stored record (version, market count and ids, row count, rows of
    /// 8 + 8 × markets bytes), nil when there is no row or the bytes are short.
    static func lastRowTime(_ bytes: [UInt8]) -> UInt64? {
        var r = ByteReader(bytes)
        guard (try? r.u8("version")) != nil, let m = try? r.u16("market count") else { return nil }
        let countAt = 3 + 4 * Int(m)
        guard bytes.count >= countAt + 2 else { return nil }
        let rows = Int(bytes[countAt]) | Int(bytes[countAt + 1]) << 8
        let at = countAt + 2 + (rows - 1) * (8 + 8 * Int(m))
        guard rows > 0, bytes.count >= at + 8 else { return nil }
        return (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * $1) }
    }

    /// Begin-block (risk-measures.md): a row when the block is the first of a new hour of block
    /// time, or the chain's first.
    static func beginBlock(_ context: BlockContext, state: StateOverlay) {
        // Most blocks only need the newest row's time: read it from the bytes, decode once an hour.
        let stored = state.get(stateKey.table, stateKey.key)
        if let last = stored.flatMap(lastRowTime), context.timeMs / intervalMs <= last / intervalMs { return }
        var history = state.priceHistory()
        if let last = history.rows.last, context.timeMs / intervalMs <= last.timeMs / intervalMs { return }
        let markets = state.oracleMarkets()
        if history.rows.isEmpty { history.markets = markets.map(\.id) }
        let prices = history.markets.map { id in markets.first { $0.id == id }.map { $0.hasPrice ? $0.price : 0 } ?? 0 }
        history.rows.append(Row(timeMs: context.timeMs, prices: prices))
        if history.rows.count > capacity { history.rows.removeFirst(history.rows.count - capacity) }
        state.put(history)
    }
}

extension PriceHistory.Row: RecordLayout {
    public typealias Key = Int
    public var layoutKey: Int { prices.count }

    /// A row of `key` prices.
    public init<Coder: FieldCoder>(coding c: inout Coder, key count: Int) throws(ProtocolError) where Coder.Record == Self {
        let time = try c.u64(\.timeMs, "time_ms")
        var prices = [UInt64]()
        prices.reserveCapacity(count)
        for i in 0..<count { prices.append(try c.u64({ $0.prices[i] }, "price")) }
        self.init(timeMs: time, prices: prices)
    }
}

extension PriceHistory: SingletonRecord {
    public static let stateKey = StateKey(.protocolAccounts, Array("price_history".utf8))
    public static let recordName = "price history"

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        let markets = try c.list(\.markets, "markets", width: .u16, minElementSize: 4)
        let count = try c.u16({ UInt16($0.rows.count) }, "row count")
        try c.require(Int(count) <= PriceHistory.capacity, ProtocolError(.invalidField, "the price history holds at most 251 rows"))
        var rows = [Row]()
        for i in 0..<Int(count) { rows.append(try c.fields({ $0.rows[i] }, key: markets.count)) }
        self.init(markets: markets, rows: rows)
    }
}

extension UInt32: RecordLayout {
    public typealias Key = Void
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self = try c.u32({ $0 }, "id")
    }
}

extension StateReader {
    /// The hourly price rows (none before the chain's first block).
    public func priceHistory() -> PriceHistory { singleton(PriceHistory.self) ?? PriceHistory() }
}
