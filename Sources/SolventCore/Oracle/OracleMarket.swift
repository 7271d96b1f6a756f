import SolventCrypto

/// An oracle market's price record (table `oracle_prices`, key = market id u32 big-endian).
public struct OracleMarket: Equatable, Sendable {
    public struct UsedReport: Equatable, Sendable {
        public let signer: Bytes32
        public let price: UInt64
        public let timestampMs: UInt64
    }

    public let id: UInt32
    public let symbol: String
    /// The asset this market prices, if it is one of the chain's assets (BTC-USD prices BTC).
    public let baseAsset: AssetID?
    /// The price in force (8 decimals); 0 until the market's first price.
    public var price: UInt64 = 0
    /// The median of the last accepted update (differs from `price` when that update was clamped).
    public var median: UInt64 = 0
    /// Block time of the last accepted update (or genesis time for a genesis price).
    public var updatedAtMs: UInt64 = 0
    /// The newest report timestamp accepted so far: every new report must be newer.
    public var lastReportMs: UInt64 = 0
    public var clamped = false
    /// The reports of the last accepted update, sorted by signer.
    public var reports: [UsedReport] = []
    /// Per signer, the timestamp of its latest accepted report in this market, sorted by signer:
    /// a report no newer than that is a replay.
    public var signerLastMs: [(signer: Bytes32, timestampMs: UInt64)] = []

    public init(id: UInt32, symbol: String, baseAsset: AssetID?) {
        self.id = id
        self.symbol = symbol
        self.baseAsset = baseAsset
    }

    public var hasPrice: Bool { price > 0 }

    public func lastTimestamp(of signer: Bytes32) -> UInt64? {
        signerLastMs.first { $0.signer == signer }?.timestampMs
    }

    mutating func recordSigner(_ signer: Bytes32, at timestamp: UInt64) {
        if let i = signerLastMs.firstIndex(where: { $0.signer == signer }) {
            signerLastMs[i].timestampMs = timestamp
        } else {
            signerLastMs.append((signer, timestamp))
            signerLastMs.sort { $0.signer < $1.signer }
        }
    }

    public static func == (a: OracleMarket, b: OracleMarket) -> Bool { a.encoded() == b.encoded() }

    static func key(_ id: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: id >> 24), UInt8(truncatingIfNeeded: id >> 16), UInt8(truncatingIfNeeded: id >> 8), UInt8(truncatingIfNeeded: id)]
    }

    static let recordVersion: UInt8 = 1

    /// Stored encoding (contracts-spec/oracle.md, "State").
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 96 + 48 * reports.count + 40 * signerLastMs.count)
        w.u8(Self.recordVersion)
        w.shortString(symbol)
        if let baseAsset {
            w.u8(1)
            w.u32(baseAsset)
        } else {
            w.u8(0)
        }
        w.u64(price)
        w.u64(median)
        w.u64(updatedAtMs)
        w.u64(lastReportMs)
        w.bool(clamped)
        w.u8(UInt8(reports.count))
        for r in reports {
            w.bytes32(r.signer)
            w.u64(r.price)
            w.u64(r.timestampMs)
        }
        w.u16(UInt16(signerLastMs.count))
        for s in signerLastMs {
            w.bytes32(s.signer)
            w.u64(s.timestampMs)
        }
        return w.bytes
    }

    public static func decode(id: UInt32, _ bytes: [UInt8]) throws(ProtocolError) -> OracleMarket {
        var r = ByteReader(bytes)
        guard try r.u8("oracle market version") == recordVersion else { throw ProtocolError(.unknownVersion, "oracle market version") }
        let symbol = try r.shortString("symbol", maxLength: 32)
        let base: AssetID? = try r.bool("has asset") ? try r.u32("asset") : nil
        var m = OracleMarket(id: id, symbol: symbol, baseAsset: base)
        m.price = try r.u64("price")
        m.median = try r.u64("median")
        m.updatedAtMs = try r.u64("updated_at")
        m.lastReportMs = try r.u64("last_report")
        m.clamped = try r.bool("clamped")
        let n = Int(try r.u8("report count"))
        for _ in 0..<n {
            m.reports.append(UsedReport(signer: try r.bytes32("signer"), price: try r.u64("price"), timestampMs: try r.u64("timestamp")))
        }
        let s = try r.count("signer timestamps", max: Int(UInt16.max), minElementSize: 40)
        for _ in 0..<s { m.signerLastMs.append((try r.bytes32("signer"), try r.u64("timestamp"))) }
        try r.expectEnd()
        return m
    }
}

extension StateReader {
    public func oracleMarket(_ id: UInt32) -> OracleMarket? {
        get(.oraclePrices, OracleMarket.key(id)).map { bytes in
            decodeStored(bytes, "oracle market \(id)") { (b) throws(ProtocolError) in try OracleMarket.decode(id: id, b) }
        }
    }
}

extension StateOverlay {
    public func putOracleMarket(_ market: OracleMarket) { put(.oraclePrices, OracleMarket.key(market.id), market.encoded()) }
}
