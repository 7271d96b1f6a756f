@testable import SolventCore
import Testing

/// The margin scan's pricer (BlackScholes.Pricer) shares valuations, √T and ln(S/K) between the
/// options and scenarios of a scan; every price it gives must be `BlackScholes.price`'s, whatever
/// the order of the requests and however many repeat.
@Suite struct OptionPricerTests {
    @Test func everyPriceIsTheFormulasWhateverRepeats() {
        var rng: UInt64 = 0x5DEE_CE66_D1CE_4E5B
        func pick<T>(_ values: [T]) -> T {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
            return values[Int(rng % UInt64(values.count))]
        }
        // Few distinct values, so that keys repeat and partly repeat (same spot and strike at
        // another volatility, same expiry at another strike), with the zeros of the payoff rule.
        let spots: [UInt64] = [0, 1, 5_400_000_000_000, 6_000_000_000_000, 6_600_000_000_000, UInt64.max]
        let strikes: [UInt64] = [0, 1, 5_400_000_000_000, 6_000_000_000_000, 6_600_000_000_000, UInt64.max]
        let vols: [UInt64] = [0, 1, 42_000_000, 60_000_000, 78_000_000, UInt64.max]
        let times: [UInt64] = [0, 1, 3_600_000, 7_776_000_000, BlackScholes.yearMs * 40]
        var pricer = BlackScholes.Pricer()
        var checked = 0, shared = 0
        for scenario in 0..<400 {
            let spot = pick(spots)
            // Most scenarios keep the spot (volatility moves); some move it.
            if scenario % 3 == 0 { pricer.nextScenario(spot: spot) }
            for _ in 0..<12 {
                let (strike, vol, time, call) = (pick(strikes), pick(vols), pick(times), pick([true, false]))
                let expected = BlackScholes.price(spot: spot, strike: strike, vol: vol, timeMs: time, isCall: call)
                let got = pricer.price(spot: spot, strike: strike, vol: vol, timeMs: time, isCall: call)
                #expect(got == expected, "S \(spot) K \(strike) σ \(vol) T \(time) call \(call)")
                checked += 1
                if pricer.price(spot: spot, strike: strike, vol: vol, timeMs: time, isCall: !call)
                    == BlackScholes.price(spot: spot, strike: strike, vol: vol, timeMs: time, isCall: !call) { shared += 1 }
            }
        }
        #expect(checked == 4_800)
        #expect(shared == checked, "the other option of a shared valuation is the formula's too")
    }

    /// A scan's result through the pricer equals the scenario P&L recomputed option by option
    /// with the plain formula.
    @Test func scanPnlEqualsTheFormulaOptionByOption() throws {
        let expiry: UInt64 = 30 * 86_400_000
        let spot: UInt64 = 6_000_000_000_000
        var positions = [PortfolioMargin.Position]()
        for (i, (strike, call, size)) in [(UInt64(5_400_000_000_000), true, Int64(100_000_000)), (5_400_000_000_000, false, -50_000_000),
                                           (6_000_000_000_000, true, -100_000_000), (6_600_000_000_000, false, 30_000_000)].enumerated() {
            var p = PortfolioMargin.Position(market: UInt32(10 + i), symbol: "O\(i)", size: size,
                                             instrument: .option(expiryMs: expiry, strike: strike, isCall: call, volOracle: 0),
                                             underlying: 1, spot: spot)
            p.vol = 60_000_000
            p.timeToExpiryMs = expiry
            p.markWad = BlackScholes.price(spot: spot, strike: strike, vol: p.vol, timeMs: expiry, isCall: call)
            positions.append(p)
        }
        var pricer = BlackScholes.Pricer()
        for s in [spot / 2, spot * 9 / 10, spot, spot * 11 / 10] {
            for volMove in [Int64(-250_000), 0, 250_000] {
                let got = try PortfolioMargin.optionPnl(positions, to: s, volMovePpm: volMove, pricer: &pricer)
                var expected: Int128 = 0
                for p in positions {
                    guard case .option(_, let k, let call, _) = p.instrument else { continue }
                    let vol = UInt64(UInt128(p.vol) * UInt128(1_000_000 + volMove) / 1_000_000)
                    let price = BlackScholes.price(spot: s, strike: k, vol: vol, timeMs: p.timeToExpiryMs, isCall: call)
                    expected += try #require(FixedPoint.mulDiv(Int128(p.size), price - p.markWad, PortfolioMargin.wadPerQuantum, .down))
                }
                #expect(got == expected, "spot \(s) vol move \(volMove)")
            }
        }
    }
}
