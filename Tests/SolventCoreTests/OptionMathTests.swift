import Foundation
@testable import SolventCore
import Testing

/// contracts-spec/vectors/options.json, written by contracts-spec/examples/options.py (options.md
/// in Python, integers only): the fixed-point math and Black-Scholes must give the same bits.
/// Then the prices and Greeks against the textbook formulas in Double, the edge cases, and the
/// shape of the prices (options.md, "Error bounds" and "Black-Scholes").
@Suite struct OptionMathTests {
    struct Vectors: Decodable {
        struct Point: Decodable {
            let x: String
            let result: String?
        }
        struct Option: Decodable {
            struct Greeks: Decodable {
                let delta: String
                let gamma: String
                let vega: String
                let theta: String
                let thetaPerDay: String
                enum CodingKeys: String, CodingKey { case delta, gamma, vega, theta, thetaPerDay = "theta_per_day" }
            }
            let name: String
            let spot: String
            let strike: String
            let vol: String
            let timeMs: String
            let isCall: Bool
            let price: String
            let greeks: Greeks?
            enum CodingKeys: String, CodingKey {
                case name, spot, strike, vol, timeMs = "time_ms", isCall = "is_call", price, greeks
            }
        }
        let exp: [Point]
        let ln: [Point]
        let sqrt: [Point]
        let normalCdf: [Point]
        let normalPdf: [Point]
        let blackScholes: [Option]
        enum CodingKeys: String, CodingKey {
            case exp, ln, sqrt, normalCdf = "normal_cdf", normalPdf = "normal_pdf", blackScholes = "black_scholes"
        }
    }

    static func vectors() throws -> Vectors {
        try JSONDecoder().decode(Vectors.self, from: Spec.data("contracts-spec/vectors/options.json"))
    }

    static let one = FixedMath.one
    static let dollar: UInt64 = 100_000_000
    static let hourMs: UInt64 = 3_600_000
    static let dayMs: UInt64 = 86_400_000

    // MARK: - Bit for bit

    @Test func mathFunctionsMatchTheVectors() throws {
        let v = try Self.vectors()
        let functions: [(String, [Vectors.Point], (Int128) -> Int128?)] = [
            ("exp", v.exp, FixedMath.exp), ("ln", v.ln, FixedMath.ln), ("sqrt", v.sqrt, FixedMath.sqrt),
            ("normalCDF", v.normalCdf, FixedMath.normalCDF), ("normalPDF", v.normalPdf, FixedMath.normalPDF),
        ]
        for (name, points, function) in functions {
            #expect(!points.isEmpty)
            for p in points {
                let x = try #require(Int128(p.x))
                #expect(function(x).map { String($0) } == p.result, "\(name)(\(p.x))")
            }
        }
    }

    @Test func blackScholesMatchesTheVectors() throws {
        let options = try Self.vectors().blackScholes
        #expect(options.count > 72)
        for o in options {
            let spot = try #require(UInt64(o.spot)), strike = try #require(UInt64(o.strike))
            let vol = try #require(UInt64(o.vol)), time = try #require(UInt64(o.timeMs))
            let label = "\(o.name): \(o.spot) \(o.strike) \(o.vol) \(o.timeMs) \(o.isCall ? "call" : "put")"
            #expect(String(BlackScholes.price(spot: spot, strike: strike, vol: vol, timeMs: time, isCall: o.isCall)) == o.price, "\(label)")
            let greeks = BlackScholes.evaluate(spot: spot, strike: strike, vol: vol, timeMs: time, isCall: o.isCall)
            guard let want = o.greeks else {
                #expect(greeks == nil, "\(label)")
                continue
            }
            let got = try #require(greeks, "\(label)")
            #expect(String(got.price) == o.price, "\(label)")
            #expect(String(got.delta) == want.delta, "\(label)")
            #expect(String(got.gamma) == want.gamma, "\(label)")
            #expect(String(got.vega) == want.vega, "\(label)")
            #expect(String(got.theta) == want.theta, "\(label)")
            #expect(String(got.thetaPerDay) == want.thetaPerDay, "\(label)")
        }
    }

    /// The worked examples of options.md.
    @Test func workedExamplesOfTheSpec() throws {
        #expect(FixedMath.exp(Self.one) == 2_718_281_828_459_045_235)
        #expect(FixedMath.ln(3 * Self.one) == 1_098_612_288_668_109_691)
        #expect(FixedMath.sqrt(2 * Self.one) == 1_414_213_562_373_095_048)
        #expect(FixedMath.normalCDF(Self.one) == 841_344_746_068_542_948)
        #expect(FixedMath.normalPDF(Self.one) == 241_970_724_519_143_349)
        #expect(FixedMath.normalCDF(-5 * Self.one) == 286_651_571_879)
        let call = try #require(BlackScholes.evaluate(spot: 60_000 * Self.dollar, strike: 65_000 * Self.dollar,
                                                      vol: 60_000_000, timeMs: 30 * Self.dayMs, isCall: true))
        #expect(call == BlackScholes.Greeks(price: 2_237_868_155_404_665_042_358, delta: 352_226_012_545_885_960,
                                            gamma: 35_970_777_370_789, vega: 6_386_044_859_252_438_231_230,
                                            theta: -23_309_063_736_271_399_543_989))
        #expect(call.thetaPerDay == -63_860_448_592_524_382_312)
        let put = BlackScholes.price(spot: 60_000 * Self.dollar, strike: 65_000 * Self.dollar, vol: 60_000_000, timeMs: 30 * Self.dayMs, isCall: false)
        #expect(put == 7_237_868_155_404_665_042_358)
    }

    // MARK: - Against Double

    /// The textbook formulas in Double (Foundation's log, exp and erfc), in dollars.
    static func reference(spot: Double, strike: Double, vol: Double, years: Double, isCall: Bool) -> [Double] {
        let v = vol * years.squareRoot()
        let d1 = (log(spot / strike) + v * v / 2) / v, d2 = d1 - v
        func cdf(_ x: Double) -> Double { erfc(-x / 2.0.squareRoot()) / 2 }
        let pdf = Foundation.exp(-d1 * d1 / 2) / (2 * Double.pi).squareRoot()
        let price = isCall ? spot * cdf(d1) - strike * cdf(d2) : strike * cdf(-d2) - spot * cdf(-d1)
        let delta = isCall ? cdf(d1) : -cdf(-d1)
        return [price, delta, pdf / (spot * v), spot * pdf * years.squareRoot(), -spot * pdf * vol / (2 * years.squareRoot())]
    }

    /// Price, delta, gamma (per USD), vega and theta (per year) within 10^-8 of the Double value
    /// plus 2 × 10^-18 (two wad units, what the wad itself resolves): relative 10^-8 wherever a
    /// value is above 2 × 10^-10, absolute 4 × 10^-18 below that. options.md measures 10^-10 and
    /// one unit on this grid.
    @Test func blackScholesAgreesWithDouble() throws {
        let names = ["price", "delta", "gamma", "vega", "theta"]
        var cases = 0
        for spotDollars in [20_000, 35_000, 60_000, 100_000] as [UInt64] {
            for strikePercent in [50, 70, 90, 100, 110, 140, 200] as [UInt64] {
                let spot = spotDollars * Self.dollar, strike = spotDollars * strikePercent / 100 * Self.dollar
                for volPercent in [10, 30, 60, 100, 200] as [UInt64] {
                    for time in [Self.hourMs, Self.dayMs, 7 * Self.dayMs, 30 * Self.dayMs, 182 * Self.dayMs, 730 * Self.dayMs] {
                        for isCall in [true, false] {
                            let g = try #require(BlackScholes.evaluate(spot: spot, strike: strike, vol: volPercent * 1_000_000, timeMs: time, isCall: isCall))
                            let got = [g.price, g.delta, g.gamma, g.vega, g.theta].map { Double($0) / 1e18 }
                            let want = Self.reference(spot: Double(spot) / 1e8, strike: Double(strike) / 1e8, vol: Double(volPercent) / 100,
                                                      years: Double(time) / Double(BlackScholes.yearMs), isCall: isCall)
                            for i in 0..<5 {
                                #expect(abs(got[i] - want[i]) <= 1e-8 * abs(want[i]) + 2e-18,
                                        "\(names[i]) \(spotDollars) \(strikePercent)% \(volPercent)% \(time) ms \(isCall ? "call" : "put"): \(got[i]) against \(want[i])")
                            }
                            #expect(BlackScholes.price(spot: spot, strike: strike, vol: volPercent * 1_000_000, timeMs: time, isCall: isCall) == g.price)
                            cases += 1
                        }
                    }
                }
            }
        }
        #expect(cases == 1680)
    }

    /// exp, ln, Φ and φ against Double over their ranges: within 10^-14 relative (Double's own
    /// error, with the argument's rounding to a Double) plus two wad units.
    @Test func mathAgreesWithDouble() throws {
        for i in stride(from: -4_000, through: 4_600, by: 1) {
            let x = Int128(i) * 10_000_000_000_000_000 + 123_456_789
            let want = Foundation.exp(Double(x) / 1e18)
            let got = Double(try #require(FixedMath.exp(x))) / 1e18
            #expect(abs(got - want) <= 1e-14 * want + 2e-18, "exp(\(x))")
        }
        for i in stride(from: -170, through: 200, by: 1) {
            let x = Int128(Foundation.exp(Double(i) / 10 * log(10.0)) * 1e18)
            let got = Double(try #require(FixedMath.ln(x))) / 1e18
            #expect(abs(got - log(Double(x) / 1e18)) <= 1e-14 * abs(got) + 2e-18, "ln(\(x))")
        }
        for i in stride(from: -1_200, through: 1_200, by: 1) {
            let x = Int128(i) * 10_000_000_000_000_000 + 7_654_321
            let d = Double(x) / 1e18
            let cdf = Double(FixedMath.normalCDF(x)) / 1e18, pdf = Double(FixedMath.normalPDF(x)) / 1e18
            #expect(abs(cdf - erfc(-d / 2.0.squareRoot()) / 2) <= 1e-14 + 2e-18, "normalCDF(\(x))")
            #expect(abs(pdf - Foundation.exp(-d * d / 2) / (2 * Double.pi).squareRoot()) <= 1e-14 * pdf + 2e-18, "normalPDF(\(x))")
        }
    }

    /// √ is exact: the result squared is at most x × 10^18 and the next integer squared above it.
    @Test func squareRootIsTheExactFloor() throws {
        for x in [0, 1, 2, 3, 999_999_999_999_999_999, Self.one, 2 * Self.one, 10_000 * Self.one + 7, Int128.max / 3, Int128.max] as [Int128] {
            let r = UInt128(try #require(FixedMath.sqrt(x)))
            let n = UInt128(x).multipliedFullWidth(by: UInt128(Self.one))
            let square = r.multipliedFullWidth(by: r), next = (r + 1).multipliedFullWidth(by: r + 1)
            #expect(square.high < n.high || (square.high == n.high && square.low <= n.low), "sqrt(\(x))")
            #expect(next.high > n.high || (next.high == n.high && next.low > n.low), "sqrt(\(x))")
        }
    }

    // MARK: - Edge cases

    @Test func outOfDomainIsNilAndLimitsAreExact() {
        #expect(FixedMath.ln(0) == nil)
        #expect(FixedMath.ln(-Self.one) == nil)
        #expect(FixedMath.sqrt(-1) == nil)
        #expect(FixedMath.exp(47 * Self.one) == nil)
        #expect(FixedMath.exp(Int128.max) == nil)
        #expect(FixedMath.exp(Int128.min) == 0)
        #expect(FixedMath.exp(-42 * Self.one) == 0)
        #expect(FixedMath.exp(0) == Self.one)
        #expect(FixedMath.ln(Self.one) == 0)
        // The largest result: e^46.58 is about 1.70e20, just below Int128.max / 10^18.
        #expect(FixedMath.exp(46_580_000_000_000_000_000) != nil)
        #expect(FixedMath.exp(46_600_000_000_000_000_000) == nil)
        #expect(FixedMath.ln(Int128.max) != nil)
        #expect(FixedMath.sqrt(Int128.max) != nil)
        #expect(FixedMath.normalCDF(0) == Self.one / 2)
        #expect(FixedMath.normalCDF(Int128.min) == 0)
        #expect(FixedMath.normalCDF(Int128.max) == Self.one)
        #expect(FixedMath.normalPDF(Int128.min) == 0)
        #expect(FixedMath.normalPDF(Int128.max) == 0)
        #expect(FixedMath.divWad(Self.one, 0, .down) == nil)
        #expect(FixedMath.divWad(Self.one, Int128.min, .down) == -1)
        #expect(FixedMath.divWad(Self.one, Int128.min, .up) == 0)
        #expect(FixedMath.divWad(3 * Self.one, -2 * Self.one, .down) == -1_500_000_000_000_000_000)
        #expect(FixedMath.mulWad(-3, Self.one / 2, .down) == -2)
        #expect(FixedMath.mulWad(-3, Self.one / 2, .up) == -1)
        #expect(FixedMath.mulWad(Int128.max, 2 * Self.one, .down) == nil)
    }

    /// Φ(−x) = 1 − Φ(x) in q96, φ is even, and Φ never leaves [0, one].
    @Test func normalDistributionIsSymmetric() {
        for i in stride(from: 0, through: 13_000, by: 7) {
            let x = Int128(i) * 1_000_000_000_000_000 + 987_654_321
            let q = FixedMath.toQ96(x)
            #expect(FixedMath.normalCDFQ96(q) + FixedMath.normalCDFQ96(-q) == FixedMath.q96One)
            #expect(FixedMath.normalPDF(x) == FixedMath.normalPDF(-x))
            let cdf = FixedMath.normalCDF(x)
            #expect(cdf >= Self.one / 2 && cdf <= Self.one && FixedMath.normalCDF(-x) <= Self.one / 2)
        }
    }

    @Test func expiryOrVolatilityZeroIsThePayoff() throws {
        let s = 60_000 * Self.dollar
        for (spot, strike, callDelta) in [(s, s - 5_000 * Self.dollar, Self.one), (s, s + 5_000 * Self.dollar, 0), (s, s, Self.one / 2)] {
            for (vol, time) in [(60_000_000, 0), (0, 30 * Self.dayMs), (0, 0)] as [(UInt64, UInt64)] {
                let call = try #require(BlackScholes.evaluate(spot: spot, strike: strike, vol: vol, timeMs: time, isCall: true))
                let put = try #require(BlackScholes.evaluate(spot: spot, strike: strike, vol: vol, timeMs: time, isCall: false))
                let intrinsic = (Int128(spot) - Int128(strike)) * 10_000_000_000
                #expect(call == BlackScholes.Greeks(price: max(intrinsic, 0), delta: callDelta, gamma: 0, vega: 0, theta: 0))
                #expect(put == BlackScholes.Greeks(price: max(-intrinsic, 0), delta: callDelta - Self.one, gamma: 0, vega: 0, theta: 0))
            }
        }
    }

    /// Every input, however absurd, gives a price (and Greeks or nil) without trapping, within
    /// the bounds any option price keeps: intrinsic ≤ price ≤ spot for a call, ≤ strike for a put.
    @Test func extremeInputsNeverTrap() {
        let values: [UInt64] = [0, 1, 2, 99_999_999, 100_000_000, 6_000_000_000_000, 1 << 40, UInt64(Int64.max), UInt64.max]
        var nils = 0
        for spot in values {
            for strike in values {
                for vol in values {
                    for time in [0, 1, 1_000, Self.dayMs, BlackScholes.yearMs, 1 << 50, UInt64.max] as [UInt64] {
                        for isCall in [true, false] {
                            let price = BlackScholes.price(spot: spot, strike: strike, vol: vol, timeMs: time, isCall: isCall)
                            let s = Int128(spot) * 10_000_000_000, k = Int128(strike) * 10_000_000_000
                            #expect(price >= max(isCall ? s - k : k - s, 0) && price <= (isCall ? s : k))
                            guard let g = BlackScholes.evaluate(spot: spot, strike: strike, vol: vol, timeMs: time, isCall: isCall) else {
                                nils += 1
                                continue
                            }
                            #expect(g.price == price)
                            #expect(isCall ? (0...Self.one).contains(g.delta) : (-Self.one...0).contains(g.delta))
                            #expect(g.gamma >= 0 && g.vega >= 0 && g.theta <= 0)
                        }
                    }
                }
            }
        }
        // Nil needs σ√T near 10^-13 with a visible density, or spot × σ/√T near 10^20 USD a year.
        #expect(nils > 0 && nils < 200)
        #expect(BlackScholes.evaluate(spot: 1, strike: 1, vol: 1, timeMs: 1, isCall: true) == nil)
    }

    // MARK: - Shape

    /// call − put = spot − strike to the unit, for both results.
    @Test func putCallParityHoldsToTheUnit() throws {
        let strikes: [UInt64] = [30_000 * Self.dollar, 59_999 * Self.dollar, 60_000 * Self.dollar, 60_001 * Self.dollar, 100_000 * Self.dollar]
        let settings: [(vol: UInt64, time: UInt64)] = [(1_000_000, Self.hourMs), (60_000_000, 30 * Self.dayMs), (250_000_000, 730 * Self.dayMs)]
        for step in 0..<13 {
            let spot = 20_000 * Self.dollar + UInt64(step) * (7_777 * Self.dollar + 12_345)
            for strike in strikes {
                for (vol, time) in settings {
                    let call = try #require(BlackScholes.evaluate(spot: spot, strike: strike, vol: vol, timeMs: time, isCall: true))
                    let put = try #require(BlackScholes.evaluate(spot: spot, strike: strike, vol: vol, timeMs: time, isCall: false))
                    let intrinsic = (Int128(spot) - Int128(strike)) * 10_000_000_000
                    #expect(call.price - put.price == intrinsic)
                    #expect(call.delta - put.delta == Self.one)
                    #expect(call.gamma == put.gamma && call.vega == put.vega && call.theta == put.theta)
                }
            }
        }
    }

    /// A call's price does not fall as the spot rises, nor as the volatility or the time to expiry
    /// grows; its delta stays in [0, one] and does not fall with the spot.
    @Test func callPriceRisesWithSpotVolatilityAndTime() throws {
        let strike = 60_000 * Self.dollar
        let settings: [(vol: UInt64, time: UInt64)] = [(20_000_000, Self.dayMs), (80_000_000, 90 * Self.dayMs), (150_000_000, Self.hourMs)]
        for (vol, time) in settings {
            var previous = try #require(BlackScholes.evaluate(spot: 30_000 * Self.dollar, strike: strike, vol: vol, timeMs: time, isCall: true))
            for step in 1...360 {
                let spot = 30_000 * Self.dollar + UInt64(step) * 250 * Self.dollar
                let g = try #require(BlackScholes.evaluate(spot: spot, strike: strike, vol: vol, timeMs: time, isCall: true))
                #expect(g.price >= previous.price, "spot \(spot)")
                #expect(g.delta >= previous.delta && g.delta >= 0 && g.delta <= Self.one, "spot \(spot)")
                previous = g
            }
        }
        let spot = 62_000 * Self.dollar
        var previous: Int128 = 0
        for step in 0..<100 {
            let vol = 1_000_000 + UInt64(step) * 3_000_000
            let price = BlackScholes.price(spot: spot, strike: strike, vol: vol, timeMs: 30 * Self.dayMs, isCall: true)
            #expect(price >= previous, "vol \(vol)")
            previous = price
        }
        previous = 0
        for step in 0..<146 {
            let time = Self.hourMs + UInt64(step) * (5 * Self.dayMs + 7)
            let price = BlackScholes.price(spot: spot, strike: strike, vol: 60_000_000, timeMs: time, isCall: true)
            #expect(price >= previous, "time \(time)")
            previous = price
        }
    }
}
