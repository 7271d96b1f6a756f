import PropertyBased
import SolventCore
import Testing

@Suite struct MarginPropertyTests {
    var tiers: [MarginTier] {
        [MarginTier(maxNotional: 1_000_000_000_000, initialPpm: 50_000, maintenancePpm: 30_000),
         MarginTier(maxNotional: 5_000_000_000_000, initialPpm: 100_000, maintenancePpm: 50_000),
         MarginTier(maxNotional: nil, initialPpm: 200_000, maintenancePpm: 100_000)]
    }

    /// At a tier boundary the requirement is continuous and at most one quantum of rounding apart,
    /// and it equals rate × notional − deduction inside each tier.
    @Test func tieredRequirementIsContinuousAndProgressive() throws {
        let boundary: UInt128 = 1_000_000_000_000  // 1,000,000 USDC
        #expect(try Margin.requirement(notional: boundary, tiers: tiers, initial: true) == 50_000_000_000)
        #expect(try Margin.requirement(notional: boundary + 1_000_000, tiers: tiers, initial: true) == 50_000_000_000 + 100_000)
        // 2,000,000 USDC: 5% of the first million plus 10% of the second = 150,000 = 10% × 2M − 50,000.
        #expect(try Margin.requirement(notional: 2_000_000_000_000, tiers: tiers, initial: true) == 150_000_000_000)
        #expect(try Margin.requirement(notional: 2_000_000_000_000, tiers: tiers, initial: false) == 80_000_000_000)
    }

    @Test func requirementGrowsWithNotionalWithoutJumps() async {
        await propertyCheck(count: 300, input: Gen.uint64(in: 0...20_000_000_000_000), Gen.uint64(in: 1...1_000_000)) { n, step in
            let a = try Margin.requirement(notional: UInt128(n), tiers: tiers, initial: true)
            let b = try Margin.requirement(notional: UInt128(n) + UInt128(step), tiers: tiers, initial: true)
            #expect(b >= a)
            // No jump bigger than the top rate applied to the step, plus one for rounding.
            #expect(b - a <= UInt128(step) * 200_000 / 1_000_000 + 1)
        }
    }

    /// At the liquidation price the vault's equity meets its maintenance requirement (within the
    /// rounding of a price unit), for longs and shorts in any tier.
    @Test func liquidationPriceIsWhereEquityMeetsMaintenance() async throws {
        var checked = 0
        await propertyCheck(count: 200, input: Gen.int64(in: 1_000_000...50_000_000_000), Gen.int64(in: 1_000...300_000_000_000), Gen.bool) { size, collateral, long in
            let signed = long ? size : -size
            let entry: UInt64 = 60_000 * 100_000_000
            let cost = Int128(signed) * Int128(entry) / 10_000_000_000
            let market = PerpMarket(params: PerpMarketParams(id: 1, symbol: "BTC-PERP", oracleMarket: 1, tickSize: 100_000_000, stepSize: 10_000,
                                                               minOrderSize: 100_000, makerFeePpm: 0, takerFeePpm: 0, tiers: tiers,
                                                               fundingIntervalMs: 3_600_000, fundingSampleIntervalMs: 60_000,
                                                               fundingRateCapPpm: 0, impactNotional: 1))
            func risk(at price: UInt64) throws -> VaultRisk {
                try VaultRisk(quote: Int128(collateral) - cost, collateral: [],
                              positions: [Margin.positionRiskForTesting(market, Position(size: signed, costBasis: cost), price: price)])
            }
            let atEntry = try risk(at: entry)
            guard let liq = Margin.liquidationPrice(of: atEntry.positions[0], in: atEntry, tiers: tiers) else { return }
            checked += 1
            // The displayed price errs towards caution (up for a long, down for a short), so at it
            // the vault is at or just above maintenance, and two price units further it is below.
            let tolerance = Int128(size) / 10_000_000_000 + 3
            let at = try risk(at: liq)
            #expect(at.equity + tolerance >= Int128(at.maintenance), "at the liquidation price \(liq)")
            let past = try risk(at: long ? liq - 2 : liq + 2)
            #expect(past.equity <= Int128(past.maintenance) + tolerance, "just past the liquidation price \(liq)")
        }
        #expect(checked >= 100, "most random positions have a liquidation price (\(checked) of 200)")
    }
}
