/// Perpetual futures markets (contracts-spec/markets.md).
///
/// Units: sizes are base units with 8 decimals ("size units", 1 BTC = 100_000_000), prices are US
/// dollars with 8 decimals (like oracle prices), quote amounts are USDC quantums (6 decimals).
/// So a trade of `size` at `price` is worth size × price / 10^10 USDC quantums; markets are listed
/// only with tick × step a multiple of 10^10, which makes every fill's quote amount exact.
public enum PerpUnits {
    public static let sizeDecimals = 8
    /// size units × price units / notionalDivisor = USDC quantums.
    public static let notionalDivisor: UInt128 = 10_000_000_000

    public static func formatSize(_ size: Int64) -> String {
        (size < 0 ? "-" : "") + Amount.format(UInt128(size.magnitude), decimals: sizeDecimals)
    }

    public static func formatQuote(_ q: Int128) -> String {
        (q < 0 ? "-" : "") + Amount.format(q.magnitude, decimals: 6)
    }
}

/// A margin tier: the rates that apply to the part of a position's notional that lies in this
/// tier's band (contracts-spec/margin.md, "Tiers").
public struct MarginTier: Equatable, Sendable {
    /// Upper end of the band in USDC quantums; nil for the last, unbounded tier.
    public var maxNotional: UInt128?
    public var initialPpm: UInt32
    public var maintenancePpm: UInt32

    public init(maxNotional: UInt128?, initialPpm: UInt32, maintenancePpm: UInt32) {
        self.maxNotional = maxNotional
        self.initialPpm = initialPpm
        self.maintenancePpm = maintenancePpm
    }
}

/// A market's listing parameters: set in genesis or by the admin.
public struct PerpMarketParams: Equatable, Sendable {
    public var id: UInt32
    /// "BTC-PERP".
    public var symbol: String
    /// The oracle market whose price marks this market.
    public var oracleMarket: UInt32
    /// Prices are multiples of this (price units).
    public var tickSize: UInt64
    /// Sizes are multiples of this (size units).
    public var stepSize: UInt64
    public var minOrderSize: UInt64
    public var makerFeePpm: UInt32
    public var takerFeePpm: UInt32
    public var tiers: [MarginTier]
    /// Funding is applied every `fundingIntervalMs` of block time from premium samples taken
    /// every `fundingSampleIntervalMs`; the rate per interval is capped at ± `fundingRateCapPpm`.
    public var fundingIntervalMs: UInt64
    public var fundingSampleIntervalMs: UInt64
    public var fundingRateCapPpm: UInt32
    /// The notional (USDC quantums) whose average fill price defines the impact bid and ask.
    public var impactNotional: UInt128
    /// A paused market accepts only cancellations and reduce-only orders.
    public var active: Bool
    /// Perpetual, dated future or option (Instrument.swift). Funding applies to perpetuals only.
    public var instrument: Instrument

    public init(id: UInt32, symbol: String, oracleMarket: UInt32, tickSize: UInt64, stepSize: UInt64, minOrderSize: UInt64,
                makerFeePpm: UInt32, takerFeePpm: UInt32, tiers: [MarginTier], fundingIntervalMs: UInt64,
                fundingSampleIntervalMs: UInt64, fundingRateCapPpm: UInt32, impactNotional: UInt128, active: Bool = true,
                instrument: Instrument = .perpetual) {
        self.id = id
        self.symbol = symbol
        self.oracleMarket = oracleMarket
        self.tickSize = tickSize
        self.stepSize = stepSize
        self.minOrderSize = minOrderSize
        self.makerFeePpm = makerFeePpm
        self.takerFeePpm = takerFeePpm
        self.tiers = tiers
        self.fundingIntervalMs = fundingIntervalMs
        self.fundingSampleIntervalMs = fundingSampleIntervalMs
        self.fundingRateCapPpm = fundingRateCapPpm
        self.impactNotional = impactNotional
        self.active = active
        self.instrument = instrument
    }

    /// The listing rules (markets.md, "Listing"): what makes a market's arithmetic exact and its
    /// margin schedule sound.
    public func validate() throws(ProtocolError) {
        func bad(_ m: String) -> ProtocolError { ProtocolError(.invalidMarket, "\(symbol): \(m)") }
        let parts = symbol.split(separator: "-", omittingEmptySubsequences: false)
        let wellFormed = symbol.utf8.count <= 32 && parts.allSatisfy { part in
            !part.isEmpty && part.utf8.count <= 16 && part.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }
        }
        switch instrument {
        case .perpetual:
            guard wellFormed, parts.count == 2, parts[1] == "PERP" else { throw bad("a perpetual's symbol must look like BTC-PERP") }
        case .future(let expiry):
            guard wellFormed, parts.count == 2, parts[1] != "PERP" else { throw bad("a future's symbol must look like BTC-26MAR27") }
            guard expiry > 0, expiry <= Limits.maxTimeMs else { throw bad("a future needs an expiry, at the latest 9999-12-31T23:59:59.999Z") }
        case .option(let expiry, let strike, let call, _):
            guard wellFormed, parts.count == 4, parts[3] == (call ? "C" : "P") else {
                throw bad("an option's symbol must look like BTC-26MAR27-70000-\(call ? "C" : "P")")
            }
            guard expiry > 0, expiry <= Limits.maxTimeMs, strike > 0, strike <= Limits.maxPrice else {
                throw bad("an option needs an expiry (at the latest 9999-12-31T23:59:59.999Z) and a strike between 1 and 10^18 price units")
            }
            guard tiers.count == 1 else { throw bad("an option market has one margin tier (rates on the underlying's notional)") }
        }
        guard tickSize > 0, stepSize > 0, minOrderSize >= stepSize, minOrderSize % stepSize == 0 else {
            throw bad("tick and step must be positive and the minimum order a positive multiple of the step")
        }
        guard tickSize <= Limits.maxPrice, minOrderSize <= Limits.maxSize else {
            throw bad("the tick is at most 10^18 price units and the minimum order at most 10^18 size units (limits.md)")
        }
        guard (UInt128(tickSize) * UInt128(stepSize)) % PerpUnits.notionalDivisor == 0 else {
            throw bad("tick × step must be a multiple of 10^10 so that every fill's quote amount is exact")
        }
        guard makerFeePpm <= 100_000, takerFeePpm <= 100_000 else { throw bad("fees are at most 10%") }
        guard !tiers.isEmpty, tiers.count <= 16, tiers.last!.maxNotional == nil else {
            throw bad("1 to 16 margin tiers, the last one unbounded")
        }
        var previous = MarginTier(maxNotional: 0, initialPpm: 0, maintenancePpm: 0)
        for (i, t) in tiers.enumerated() {
            guard t.maintenancePpm > 0, t.maintenancePpm <= t.initialPpm, t.initialPpm <= 1_000_000 else {
                throw bad("tier \(i): 0 < maintenance ≤ initial ≤ 100%")
            }
            guard t.initialPpm >= previous.initialPpm, t.maintenancePpm >= previous.maintenancePpm else {
                throw bad("tier \(i): rates may not fall as notional grows")
            }
            if i < tiers.count - 1 {
                guard let max = t.maxNotional, max > (previous.maxNotional ?? 0) else {
                    throw bad("tier \(i): bands must have increasing upper ends")
                }
            }
            previous = t
        }
        guard fundingIntervalMs >= 1_000, fundingIntervalMs <= Limits.maxFundingIntervalMs, fundingSampleIntervalMs >= 1,
              fundingSampleIntervalMs <= fundingIntervalMs else {
            throw bad("funding interval from 1 s to 365 days, sample interval between 1 ms and the funding interval")
        }
        guard fundingRateCapPpm <= 1_000_000, impactNotional > 0 else {
            throw bad("funding rate cap at most 100% and impact notional positive")
        }
    }
}

extension PerpMarketParams: RecordLayout {
    public var layoutKey: UInt32 { id }

    /// Layout in the market record and the `market_list`/`market_update` transactions (markets.md);
    /// the id is the table key (or precedes the layout in the transaction).
    public init<Coder: FieldCoder>(coding c: inout Coder, key id: UInt32) throws(ProtocolError) where Coder.Record == Self {
        let symbol = try c.shortString(\.symbol, "symbol", maxLength: 32)
        let oracle = try c.u32(\.oracleMarket, "oracle market")
        let tick = try c.u64(\.tickSize, "tick size"), step = try c.u64(\.stepSize, "step size")
        let minSize = try c.u64(\.minOrderSize, "min order size")
        let maker = try c.u32(\.makerFeePpm, "maker fee"), taker = try c.u32(\.takerFeePpm, "taker fee")
        let n = Int(try c.u8({ UInt8($0.tiers.count) }, "tier count"))
        try c.require(n >= 1 && n <= 16, ProtocolError(.fieldTooLong, "a market has 1 to 16 margin tiers"))
        var tiers = [MarginTier]()
        for i in 0..<n {
            let max = try c.u128({ $0.tiers[i].maxNotional ?? 0 }, "tier max notional")
            // The last tier is unbounded and encodes its bound as 0: one encoding per market.
            try c.require(i < n - 1 || max == 0, ProtocolError(.invalidField, "the last margin tier's max_notional must be encoded as 0"))
            tiers.append(MarginTier(maxNotional: i == n - 1 ? nil : max, initialPpm: try c.u32({ $0.tiers[i].initialPpm }, "initial"),
                                    maintenancePpm: try c.u32({ $0.tiers[i].maintenancePpm }, "maintenance")))
        }
        self.init(
            id: id, symbol: symbol, oracleMarket: oracle, tickSize: tick, stepSize: step, minOrderSize: minSize,
            makerFeePpm: maker, takerFeePpm: taker, tiers: tiers, fundingIntervalMs: try c.u64(\.fundingIntervalMs, "funding interval"),
            fundingSampleIntervalMs: try c.u64(\.fundingSampleIntervalMs, "sample interval"),
            fundingRateCapPpm: try c.u32(\.fundingRateCapPpm, "rate cap"), impactNotional: try c.u128(\.impactNotional, "impact notional"),
            active: try c.bool(\.active, "active"), instrument: try c.fields(\.instrument))
    }

    static func decode(id: UInt32, from r: inout ByteReader) throws(ProtocolError) -> PerpMarketParams { try decode(from: &r, key: id) }
}

/// A market's record: its parameters and its running state (table `perp_markets`).
public struct PerpMarket: Equatable, Sendable {
    public var params: PerpMarketParams
    /// Total size of all long positions (= total size of all short positions), size units.
    public var openInterest: UInt64 = 0
    /// Cumulative funding per size unit, in USDC quantums × 10^16 (funding.md).
    public var fundingIndex: Int128 = 0
    /// Funding settled by positions and not yet paid out to others (USDC quantums); the
    /// protocol owns whatever rounding leaves in it.
    public var fundingPool: Int128 = 0
    public var nextFundingMs: UInt64 = 0
    public var nextSampleMs: UInt64 = 0
    /// Premium samples (ppm) taken since the last funding.
    public var premiumSumPpm: Int64 = 0
    public var premiumSamples: UInt32 = 0
    /// The rate applied at the last funding, ppm per interval (positive: longs pay shorts).
    public var lastFundingRatePpm: Int64 = 0
    public var lastTradePrice: UInt64 = 0
    /// A dated market's settlement price per unit of the underlying's value (the oracle price for
    /// a future, the intrinsic value for an option), once settled; 0 before.
    public var settlementPrice: UInt64 = 0
    /// Block time of the settlement, 0 before.
    public var settledAtMs: UInt64 = 0

    public init(params: PerpMarketParams) { self.params = params }

    public var isSettled: Bool { settledAtMs != 0 }

    public var id: UInt32 { params.id }
}

extension PerpMarket: NumberedRecord {
    static let table = StateTable.perpMarkets
    public static let recordName = "perp market"
    public static let recordVersion: UInt8 = 2

    public var layoutKey: UInt32 { id }

    public init<Coder: FieldCoder>(coding c: inout Coder, key id: UInt32) throws(ProtocolError) where Coder.Record == Self {
        self.init(params: try c.fields(\.params, key: id))
        openInterest = try c.u64(\.openInterest, "open interest")
        fundingIndex = try c.i128(\.fundingIndex, "funding index")
        fundingPool = try c.i128(\.fundingPool, "funding pool")
        nextFundingMs = try c.u64(\.nextFundingMs, "next funding")
        nextSampleMs = try c.u64(\.nextSampleMs, "next sample")
        premiumSumPpm = try c.i64(\.premiumSumPpm, "premium sum")
        premiumSamples = try c.u32(\.premiumSamples, "premium samples")
        lastFundingRatePpm = try c.i64(\.lastFundingRatePpm, "last funding rate")
        lastTradePrice = try c.u64(\.lastTradePrice, "last trade price")
        settlementPrice = try c.u64(\.settlementPrice, "settlement price")
        settledAtMs = try c.u64(\.settledAtMs, "settled at")
    }

    public static func decode(id: UInt32, _ bytes: [UInt8]) throws(ProtocolError) -> PerpMarket { try decode(bytes, key: id) }
}

extension StateReader {
    public func perpMarket(_ id: UInt32) -> PerpMarket? { numbered(PerpMarket.self, id) }

    /// Every market in id order.
    public func perpMarkets() -> [PerpMarket] { allNumbered(PerpMarket.self) }
}
