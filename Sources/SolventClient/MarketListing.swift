import SolventCore
import SolventWire

extension PerpMarketParams {
    /// A market shaped like `base` as the node reports it: its oracle, grid, fees, margin tiers
    /// and funding, with a new id, symbol and instrument (instruments.md, "Listing"). Used by
    /// `solvent tx market list --like` and by scenario scripts (`list_market`).
    public static func like(_ base: MarketParamsReply, id: UInt32, symbol: String, instrument: Instrument) throws -> PerpMarketParams {
        let tiers = base.marginTiers, impact = base.impactNotional
        func price(_ text: String) throws -> UInt64 {
            guard let p = OraclePrice.parse(text) else { throw ClientError("invalid_price", "'\(text)' is not a positive price with at most 8 decimals") }
            return p
        }
        func size(_ text: String) throws -> UInt64 {
            guard let v = try? Amount.parse(text, decimals: PerpUnits.sizeDecimals), v > 0, v <= UInt128(Int64.max) else {
                throw ClientError("invalid_size", "'\(text)' is not a positive size with at most 8 decimals")
            }
            return UInt64(v)
        }
        return PerpMarketParams(
            id: id, symbol: symbol.uppercased(), oracleMarket: base.oracleMarket,
            tickSize: try price(base.tickSize), stepSize: try size(base.stepSize), minOrderSize: try size(base.minOrderSize),
            makerFeePpm: base.makerFeePpm, takerFeePpm: base.takerFeePpm,
            tiers: try tiers.map { t in
                MarginTier(maxNotional: try t.maxNotional.map { try Amount.parse($0, decimals: 6) }, initialPpm: t.initialPpm,
                           maintenancePpm: t.maintenancePpm)
            },
            fundingIntervalMs: base.fundingIntervalMs, fundingSampleIntervalMs: base.fundingSampleIntervalMs,
            fundingRateCapPpm: base.fundingRateCapPpm, impactNotional: try Amount.parse(impact, decimals: 6),
            instrument: instrument)
    }
}
