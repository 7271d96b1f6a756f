import Dispatch
import Foundation
import SolventCore

/// Portfolio requirement evaluations per second (portfolio-margin.md): one vault with 20
/// positions over 3 underlyings (BTC, ETH, SOL): perpetuals, futures and options of several
/// strikes, calls and puts, long and short. Each evaluation is the whole scan (23 scenarios per
/// underlying, every option repriced by fixed-point Black-Scholes), the spread credits and the
/// contingencies: what every order, withdrawal or liquidation check of such a vault costs.
enum PortfolioBench {
    struct Result {
        let positions: Int
        let options: Int
        let evaluationsPerSecond: Double
        let microsPerEvaluation: Double
        let blackScholesPerSecond: Double
        let initial: UInt128
    }

    static func positions() -> [PortfolioMargin.Position] {
        let expiry: UInt64 = 90 * 86_400_000   // three months
        let spots: [UInt32: (UInt64, UInt64)] = [1: (6_000_000_000_000, 60_000_000), 2: (300_000_000_000, 70_000_000), 3: (15_000_000_000, 90_000_000)]
        var out = [PortfolioMargin.Position]()
        var market: UInt32 = 100
        func add(_ oracle: UInt32, _ size: Int64, _ instrument: Instrument) {
            let (spot, vol) = spots[oracle]!
            var p = PortfolioMargin.Position(market: market, symbol: "M\(market)", size: size, instrument: instrument, underlying: oracle, spot: spot)
            if case .option(_, let k, let call, _) = instrument {
                p.vol = vol
                p.timeToExpiryMs = expiry
                p.markWad = BlackScholes.price(spot: spot, strike: k, vol: vol, timeMs: expiry, isCall: call)
            }
            out.append(p)
            market += 1
        }
        for (oracle, (spot, _)) in spots.sorted(by: { $0.key < $1.key }) {
            let unit: Int64 = oracle == 1 ? 100_000_000 : oracle == 2 ? 1_000_000_000 : 10_000_000_000
            add(oracle, unit, .perpetual)
            add(oracle, -unit / 2, .future(expiryMs: expiry))
            // Options at 90%, 100% and 110% of spot, calls and puts, mixed signs.
            let strikes = [spot / 10 * 9, spot, spot / 10 * 11]
            for (i, k) in strikes.enumerated() {
                add(oracle, i % 2 == 0 ? unit : -unit, .option(expiryMs: expiry, strike: k, isCall: true, volOracle: 0))
                if out.count < 20 { add(oracle, i == 1 ? -unit : unit / 2, .option(expiryMs: expiry, strike: k, isCall: false, volOracle: 0)) }
            }
        }
        return Array(out.prefix(20))
    }

    static func run(seconds: Double = 3) throws -> Result {
        let portfolio = positions()
        var settings = PortfolioSettings.standard
        settings.credits = [.init(first: 1, second: 2, creditPpm: 500_000)]
        var count = 0
        var initial: UInt128 = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while elapsed < seconds {
            for _ in 0..<50 { initial = try PortfolioMargin.evaluate(portfolio, settings: settings).initial }
            count += 50
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        // Black-Scholes alone, for scale.
        var bsCount = 0
        var sink: Int128 = 0
        let bsStart = DispatchTime.now().uptimeNanoseconds
        var bsElapsed = 0.0
        while bsElapsed < 1 {
            for i in 0..<1_000 {
                sink &+= BlackScholes.price(spot: 6_000_000_000_000 + UInt64(i) * 100_000_000, strike: 6_000_000_000_000, vol: 60_000_000,
                                            timeMs: 7_776_000_000, isCall: i % 2 == 0)
            }
            bsCount += 1_000
            bsElapsed = Double(DispatchTime.now().uptimeNanoseconds - bsStart) / 1e9
        }
        precondition(sink != 0)
        return Result(positions: portfolio.count, options: portfolio.filter { $0.instrument.isOption }.count,
                      evaluationsPerSecond: Double(count) / elapsed, microsPerEvaluation: elapsed * 1e6 / Double(count),
                      blackScholesPerSecond: Double(bsCount) / bsElapsed, initial: initial)
    }

    /// The target: evaluations per second on one core.
    static let limit = 10_000.0

    static func print(_ r: Result) {
        let verdict = r.evaluationsPerSecond >= limit ? "within" : String(format: "%.1fx under", limit / r.evaluationsPerSecond)
        Swift.print(String(format: "portfolio requirement (%d positions over 3 underlyings, %d options, one core): %.0f evaluations/s (%.0f us each; limit %.0f /s, ",
                           r.positions, r.options, r.evaluationsPerSecond, r.microsPerEvaluation, limit)
                    + verdict + String(format: "); Black-Scholes price alone %.0f /s", r.blackScholesPerSecond))
    }
}
