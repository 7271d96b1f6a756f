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
}

/// Stored layout (contracts-spec/oracle.md, "State"); the id is the table key.
extension OracleMarket: NumberedRecord {
    static let table = StateTable.oraclePrices
    public static let recordName = "oracle market"

    public var layoutKey: UInt32 { id }

    public init<Coder: FieldCoder>(coding c: inout Coder, key id: UInt32) throws(ProtocolError) where Coder.Record == Self {
        self.init(id: id, symbol: try c.shortString(\.symbol, "symbol", maxLength: 32), baseAsset: try c.optionalU32(\.baseAsset, "asset"))
        price = try c.u64(\.price, "price")
        median = try c.u64(\.median, "median")
        updatedAtMs = try c.u64(\.updatedAtMs, "updated_at")
        lastReportMs = try c.u64(\.lastReportMs, "last_report")
        clamped = try c.bool(\.clamped, "clamped")
        reports = try c.list(\.reports, "reports", width: .u8, minElementSize: 48)
        signerLastMs = try c.list({ $0.signerLastMs.map(SignerTimestamp.init) }, "signer timestamps", width: .u16,
                                  minElementSize: 40).map { ($0.signer, $0.timestampMs) }
    }

    public static func decode(id: UInt32, _ bytes: [UInt8]) throws(ProtocolError) -> OracleMarket { try decode(bytes, key: id) }
}

extension OracleMarket.UsedReport: RecordLayout {
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(signer: try c.bytes32(\.signer, "signer"), price: try c.u64(\.price, "price"),
                  timestampMs: try c.u64(\.timestampMs, "timestamp"))
    }
}

/// One entry of an oracle market's per-signer replay guard.
private struct SignerTimestamp: RecordLayout {
    let signer: Bytes32
    let timestampMs: UInt64

    init(_ entry: (signer: Bytes32, timestampMs: UInt64)) {
        signer = entry.signer
        timestampMs = entry.timestampMs
    }

    init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init((try c.bytes32(\.signer, "signer"), try c.u64(\.timestampMs, "timestamp")))
    }
}

extension StateReader {
    public func oracleMarket(_ id: UInt32) -> OracleMarket? { numbered(OracleMarket.self, id) }
    /// Every oracle market, in id order.
    public func oracleMarkets() -> [OracleMarket] { allNumbered(OracleMarket.self) }
}
