/// Yield-bearing collateral (contracts-spec/yield-assets.md): shares of a USDC savings pool whose
/// exchange rate grows with block time at a rate the admin sets. The chain counts shares (their
/// supply never changes); what a share is worth is `rate(t)`, and its price in margin is that
/// rate in price units. A write-down of the rate is a de-peg.
///
/// Every yield asset's checkpoint is one record (table `protocol`, key `yield_assets`), written
/// at genesis and by `asset_set_yield`.
public struct YieldAssets: Equatable, Sendable {
    /// One asset's checkpoint: the rate (a wad) at `accruedAtMs` and the annual rate since.
    public struct Entry: Equatable, Sendable {
        public var asset: AssetID
        public var aprPpm: UInt32
        public var rate: UInt128
        public var accruedAtMs: UInt64

        public init(asset: AssetID, aprPpm: UInt32, rate: UInt128 = YieldAssets.one, accruedAtMs: UInt64) {
            (self.asset, self.aprPpm, self.rate, self.accruedAtMs) = (asset, aprPpm, rate, accruedAtMs)
        }

        /// rate + ⌊rate × apr × (t − accrued_at) / (10^6 × YEAR_MS)⌋, nil past 128 bits (a time
        /// before the checkpoint, which no block or query has, counts as no time).
        public func rate(at time: UInt64) -> UInt128? {
            let elapsed = UInt128(time - min(time, accruedAtMs))
            guard let interest = FixedPoint.mulDiv(rate, UInt128(aprPpm) * elapsed, YieldAssets.yearPpmMs, .down) else { return nil }
            let (sum, overflow) = rate.addingReportingOverflow(interest)
            return overflow ? nil : sum
        }

        /// ⌊rate(t) / 10^10⌋: USD per whole share with 8 decimals.
        public func price(at time: UInt64) throws(ProtocolError) -> UInt64 {
            guard let r = rate(at: time), r / 10_000_000_000 <= UInt128(UInt64.max) else {
                throw ProtocolError(.arithmeticOverflow, "the exchange rate of asset \(asset) no longer fits a price")
            }
            return UInt64(r / 10_000_000_000)
        }
    }

    /// In ascending asset order, one per asset.
    public var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }

    public func entry(of asset: AssetID) -> Entry? { entries.entry(of: asset) }

    /// 1 USDC a share, as a wad.
    public static let one: UInt128 = 1_000_000_000_000_000_000
    static let yearPpmMs: UInt128 = 1_000_000 * 31_536_000_000
    public static let maxAprPpm: UInt32 = 1_000_000
}

extension YieldAssets.Entry: ListedEntry {
    var listedID: UInt32 { asset }
    var isWithinBounds: Bool { aprPpm <= YieldAssets.maxAprPpm }

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(asset: try c.u32(\.asset, "asset"), aprPpm: try c.u32(\.aprPpm, "apr_ppm"), rate: try c.u128(\.rate, "rate"),
                  accruedAtMs: try c.u64(\.accruedAtMs, "accrued_at_ms"))
    }
}

extension YieldAssets: SingletonRecord {
    public static let stateKey = StateKey(.protocolAccounts, Array("yield_assets".utf8))
    public static let recordName = "yield assets"

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(entries: try c.listedEntries(\.entries, "yield assets", per: "asset", minElementSize: 32))
    }
}

extension StateReader {
    /// Every yield asset's checkpoint (none on a chain without yield assets).
    public func yieldAssets() -> YieldAssets { singleton(YieldAssets.self) ?? YieldAssets() }

    /// Whether vaults may hold `asset` as collateral: it has a haircut, and a price (an oracle
    /// market, or a yield rate).
    public func isCollateral(_ asset: Asset) -> Bool {
        asset.haircutPpm != nil && (asset.oracleMarket != nil || yieldAssets().entry(of: asset.id) != nil)
    }
}

extension Margin {
    /// The price a collateral asset counts at: a yield asset's rate at `time`, or its oracle
    /// market's price (fresh, or the latest, as `mode` says).
    static func collateralPrice(_ asset: Asset, yields: YieldAssets, _ state: some StateReader, _ time: UInt64,
                                _ mode: Prices) throws(ProtocolError) -> UInt64 {
        if let entry = yields.entry(of: asset.id) { return try entry.price(at: time) }
        guard let oracle = asset.oracleMarket else { throw ProtocolError(.assetNotCollateral, "\(asset.symbol) is not vault collateral") }
        return try price(oracle, state, time, mode)
    }
}

extension CollateralAdmin {
    /// `asset_set_yield` (kind 25): checkpoints the rate at the block's time, writes it down by
    /// `writedownPpm` (a de-peg) and sets the annual rate from now on.
    static func setYield(asset id: AssetID, aprPpm: UInt32, writedownPpm: UInt32, by sender: Address, context: BlockContext,
                         state: StateOverlay) throws(ProtocolError) -> [Event] {
        try AdminKey.require(sender, state, to: "change yield assets")
        guard let asset = state.asset(id) else { throw ProtocolError(.unknownAsset, "asset \(id) does not exist") }
        let yields = state.yieldAssets()
        guard var entry = yields.entry(of: id) else { throw ProtocolError(.invalidField, "\(asset.symbol) does not accrue yield") }
        guard aprPpm <= YieldAssets.maxAprPpm else { throw ProtocolError(.invalidField, "apr_ppm is at most 1000000 (100% a year)") }
        guard writedownPpm < 1_000_000 else { throw ProtocolError(.invalidField, "writedown_ppm is below 1000000") }
        guard let now = entry.rate(at: context.timeMs) else { throw .overflow }
        entry.rate = now / 1_000_000 * UInt128(1_000_000 - writedownPpm) + now % 1_000_000 * UInt128(1_000_000 - writedownPpm) / 1_000_000
        entry.aprPpm = aprPpm
        entry.accruedAtMs = context.timeMs
        state.put(YieldAssets(entries: yields.entries.setting(id, to: entry)))
        return [Event("asset_yield_set", [("asset", .text(asset.symbol)), ("id", .number(id)), ("apr_ppm", .number(aprPpm)),
                                          ("writedown_ppm", .number(writedownPpm)), ("rate", .amount(Int128(clamping: entry.rate), scale: 18))])]
    }
}
