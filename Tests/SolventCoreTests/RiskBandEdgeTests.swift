import PropertyBased
@testable import SolventCore
import Testing

/// The search for a band's end (RiskBands.Exposure.edge) on concave, piecewise-linear slack
/// functions like a vault's (linear between margin tiers, integer-rounded): what it returns is
/// within the part, a price outside it lies at most `precision` beyond, and it agrees with plain
/// bisection to within that precision; in both directions, and when the far end overflows.
@Suite struct RiskBandEdgeTests {
    @Test func edgeIsWithinThePartAndTight() async {
        await propertyCheck(count: 500, input: Gen.uint64(in: 1_000...1_000_000_000_000), Gen.uint64(), Gen.int(in: 0...3)) { price, seed, shape in
            var rng = seed | 1
            func next(_ n: UInt64) -> UInt64 { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng % n }
            // Slack falls away from `price` on the searched side: a slope, steeper past a kink.
            let slope = Int128(1 + next(1_000_000)), steeper = slope * Int128(1 + next(5))
            let kink = Int128(next(price / 2 + 1)), part = Int128(next(1_000_000_000_000))
            let up = shape % 2 == 0
            let overflowsBeyond: UInt64? = shape == 3 ? price + price / 2 : nil
            func slack(_ p: UInt64) -> Int128? {
                if let o = overflowsBeyond, up, p > o { return nil }
                let d = Int128(up ? Int128(p) - Int128(price) : Int128(price) - Int128(p))
                guard d > 0 else { return part }
                let fall = d <= kink ? d * slope / 1_000 : (kink * slope + (d - kink) * steeper) / 1_000
                return part - fall
            }
            let precision = max(price / 10_000, 1)
            let bad = up ? price * 4 : 1
            guard let s = slack(bad), s >= 0 else {
                let found = RiskBands.Exposure.edge(good: price, bad: bad, precision: precision, slack)
                #expect((slack(found) ?? -1) >= 0, "the end found is within the part")
                let beyond = up ? found + precision : (found > precision ? found - precision : 0)
                #expect((slack(beyond) ?? -1) < 0 || beyond == 0, "a price \(precision) beyond it is outside")
                // Plain bisection finds an end within the same precision.
                var g = price, b = bad
                while (up ? b - g : g - b) > precision {
                    let mid = up ? g + (b - g) / 2 : g - (g - b) / 2
                    if let s = slack(mid), s >= 0 { g = mid } else { b = mid }
                }
                #expect((up ? found : g) + precision >= (up ? g : found), "found \(found), bisection \(g)")
                return
            }
        }
    }
}
