import SolventCore

// The index's reading of state (liquidation.md, "Finding liquidatable vaults"): one vault's
// valuation, and which assets' holders a block's record changes revalue.
extension LiquidationIndex {
    /// The vault's bands and, if it holds options, its time deadline (liquidation.md, "Time"),
    /// from one valuation at the latest prices and block time `time`.
    static func valuation(of vault: VaultID, state: some StateReader, at time: UInt64, bucket: UInt64) -> Valuation {
        guard let risk = try? Margin.risk(of: vault, state: state, at: time, prices: .latest), !risk.positions.isEmpty else {
            return Valuation(vault: vault, bands: nil, unpriced: !state.positions(of: vault).isEmpty)
        }
        let bands = RiskBands.compute(risk: risk, state: state)
        var valuation = Valuation(vault: vault, bands: bands, unpriced: false, collateral: risk.collateral.map(\.asset.id))
        valuation.due = TimeHorizon.deadline(risk: risk, excess: bands.excess, at: time, cap: bucketEnd(vault, after: time, width: bucket))
        // A liquidatable vault holding a yield asset gains with every block's accrual: valued
        // again at the next block (one that is not liquidatable cannot become so by accrual).
        if bands.liquidatable, !risk.collateral.isEmpty {
            let yields = state.yieldAssets()
            if risk.collateral.contains(where: { yields.entry(of: $0.asset.id) != nil }) { valuation.due = min(valuation.due ?? .max, time + 1) }
        }
        if let due = TimeHorizon.surfaceDeadline(risk, state: state, at: time) { valuation.due = min(valuation.due ?? .max, due) }
        return valuation
    }

    /// The assets whose maintenance haircut differs between two encodings of the haircut rules.
    static func movedHaircuts(old: [UInt8]?, new: [UInt8]?) -> [AssetID] {
        func haircuts(_ bytes: [UInt8]?) -> [AssetID: UInt32] {
            guard let bytes, let rules = try? DynamicHaircuts.decode(bytes) else { return [:] }
            return Dictionary(rules.rules.map { ($0.asset, $0.haircutPpm) }, uniquingKeysWith: { a, _ in a })
        }
        let (before, after) = (haircuts(old), haircuts(new))
        return Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
    }

    /// The yield assets whose checkpoint differs between two encodings of the record.
    static func changedYields(old: [UInt8]?, new: [UInt8]?) -> [AssetID] {
        let before = old.flatMap { try? YieldAssets.decode($0) }?.entries ?? []
        let after = new.flatMap { try? YieldAssets.decode($0) }?.entries ?? []
        return Set(before.map(\.asset) + after.map(\.asset)).filter { a in
            before.first { $0.asset == a } != after.first { $0.asset == a }
        }.sorted()
    }
}
