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

/// Issue 15's VaR query (contracts-spec/risk-measures.md): the same 20-position vault (its options
/// on the BTC-IV and ETH-IV feeds) revalued under a full window of 250 hourly samples (a seeded
/// random walk of every oracle market, volatility feeds included), then the parametric
/// delta-gamma-vega figures: what one `GET /v1/vaults/{address}/{number}/risk` computes.
enum RiskBench {
    static func history() -> PriceHistory {
        var rng: UInt64 = 0x5EED_1500_0000_0015
        var prices: [UInt64] = [6_000_000_000_000, 300_000_000_000, 15_000_000_000, 60_000_000, 70_000_000]
        var rows = [PriceHistory.Row]()
        for i in 0..<PriceHistory.capacity {
            rows.append(.init(timeMs: UInt64(i) * PriceHistory.intervalMs, prices: prices))
            for j in prices.indices {
                rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let move = Int64(rng >> 44) % 40_001 - 20_000   // up to ±2% an hour
                prices[j] = PortfolioMargin.moved(prices[j], move)
            }
        }
        return PriceHistory(markets: [1, 2, 3, 4, 5], rows: rows)
    }

    static func positions() -> [PortfolioMargin.Position] {
        PortfolioBench.positions().map { p in
            var p = p
            if case .option(let e, let k, let call, _) = p.instrument {
                p.instrument = .option(expiryMs: e, strike: k, isCall: call, volOracle: p.underlying == 1 ? 4 : p.underlying == 2 ? 5 : 0)
            }
            return p
        }
    }

    static func rows(seconds: Double = 3) throws {
        let (portfolio, window) = (positions(), history())
        var count = 0, var99: UInt128 = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while elapsed < seconds {
            let pnls = try RiskMeasures.historicalPnl(positions: portfolio, collateral: [], history: window)
            var99 = try RiskMeasures.tail(pnls)?.var99 ?? 0
            _ = try RiskMeasures.parametric(positions: portfolio, collateral: [], history: window)
            count += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        Swift.print(String(format: "VaR query, a vault with %d positions (%d options) over %d hourly samples, one core: %.1f ms (historical VaR 99%% %@ USDC)",
                           portfolio.count, portfolio.filter { $0.instrument.isOption }.count, window.sampleCount, elapsed * 1e3 / Double(count),
                           Amount.format(var99, decimals: 6)))
    }
}
