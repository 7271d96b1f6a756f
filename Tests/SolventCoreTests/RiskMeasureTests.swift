@testable import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// VaR and expected shortfall (risk-measures.md): the hourly price history the chain keeps, the
/// spec's worked example (historical and parametric), the tail's ranks, and an option's gamma.
@Suite struct RiskMeasureTests {
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1)
    static let usdc: Int128 = 1_000_000
    static let hour = PriceHistory.intervalMs

    /// The example's window: BTC-USD 60 000, 60 600, 59 388, 59 684.94, 57 894.3918, every other
    /// oracle market unchanged.
    static func window(_ markets: [UInt32]) -> PriceHistory {
        let btc: [UInt64] = [6_000_000_000_000, 6_060_000_000_000, 5_938_800_000_000, 5_968_494_000_000, 5_789_439_180_000]
        return PriceHistory(markets: markets, rows: btc.enumerated().map { i, p in
            PriceHistory.Row(timeMs: UInt64(i) * hour, prices: markets.map { $0 == 1 ? p : 100_000_000 })
        })
    }

    @Test func theSpecsExample() throws {
        let h = try MarketHarness()
        #expect(h.deposit(dev0, "20000").succeeded && h.deposit(dev1, "900000").succeeded)
        #expect(h.run(dev1, h.order(dev1, .sell, "2", at: "60000")).succeeded)
        #expect(h.run(dev0, h.order(dev0, .buy, "2", at: "60000")).succeeded)
        let risk = try h.risk(dev0)
        let history = Self.window(h.state.oracleMarkets().map(\.id))
        #expect((1...4).map { history.returnPpm(market: 0, sample: $0) } == [10_000, -20_000, 5_000, -30_000])
        let pnls = try RiskMeasures.historicalPnl(risk, history: history)
        #expect(pnls == [1_200, -2_400, 600, -3_600].map { $0 * Self.usdc })
        let tail = try #require(try RiskMeasures.tail(pnls))
        #expect(tail == .init(var99: 3_600_000_000, es99: 3_600_000_000, var975: 3_600_000_000, es975: 3_600_000_000))
        let p = try #require(try RiskMeasures.parametric(risk, history: history))
        #expect(p.sigma == 2_264_950_331 && p.gammaMean == 0)
        #expect(p.var99 == 5_269_062_673 && p.var975 == 4_439_221_111)
        #expect(risk.initial == 6_000_000_000 && risk.maintenance == 3_600_000_000)
    }

    /// m = ⌊n(1 − α)⌋ + 1: with 250 samples the 3rd and the 7th largest losses; ES their means
    /// rounded up; a window without losses gives 0.
    @Test func tailRanksFollowTheWindowsLength() throws {
        let pnls = (1...250).map { -Int128($0) }   // losses 1 ... 250
        let t = try #require(try RiskMeasures.tail(pnls))
        #expect(t.var99 == 248 && t.es99 == 249)             // (250 + 249 + 248) / 3
        #expect(t.var975 == 244 && t.es975 == 247)           // (250 + ... + 244) / 7 = 247
        #expect(try RiskMeasures.tail([5, 7]) == .init(var99: 0, es99: 0, var975: 0, es975: 0))
        #expect(try RiskMeasures.tail([]) == nil)
        #expect(try RiskMeasures.tail([-1, -2]) == .init(var99: 2, es99: 2, var975: 2, es975: 2))
    }

    /// The chain writes a row in its first block and then in the first block of each new hour of
    /// block time, keeps 251, and the record round-trips; returns clamp and skip missing prices.
    @Test func historyIsSampledHourlyAndKeepsTheLast251Rows() throws {
        let h = try MarketHarness()
        let t0 = h.genesis.genesisTimeMs
        h.block([], at: t0 + 1_000)
        #expect(h.state.priceHistory().rows.map(\.timeMs) == [t0 + 1_000])
        #expect(h.state.priceHistory().markets == h.state.oracleMarkets().map(\.id))
        h.block([], at: t0 + Self.hour - 1)
        #expect(h.state.priceHistory().rows.count == 1, "the same hour")
        h.block([], at: t0 + Self.hour)
        #expect(h.state.priceHistory().rows.count == 2)
        #expect(h.state.priceHistory().rows[1].prices[0] == 6_000_000_000_000)
        for i in 2...260 { h.block([], at: t0 + UInt64(i) * Self.hour + 5) }
        let history = h.state.priceHistory()
        #expect(history.rows.count == 251 && history.sampleCount == 250)
        #expect(history.rows.last?.timeMs == t0 + 260 * Self.hour + 5 && history.rows.first?.timeMs == t0 + 10 * Self.hour + 5)
        #expect(try PriceHistory.decode(history.encoded()) == history)
        #expect(PriceHistory.lastRowTime(history.encoded()) == history.rows.last?.timeMs)
        #expect(PriceHistory.lastRowTime(PriceHistory(markets: [1]).encoded()) == nil)
        #expect(history.encoded().count == 1 + 2 + 4 * history.markets.count + 2 + 251 * (8 + 8 * history.markets.count))
        let jumpy = PriceHistory(markets: [1, 2], rows: [.init(timeMs: 0, prices: [1, 0]), .init(timeMs: 1, prices: [UInt64.max, 5]),
                                                         .init(timeMs: 2, prices: [1, 7])])
        #expect(jumpy.returnPpm(market: 0, sample: 1) == 10_000_000 && jumpy.returnPpm(market: 0, sample: 2) == -1_000_000)
        #expect(jumpy.returnPpm(market: 1, sample: 1) == 0 && jumpy.returnPpm(market: 1, sample: 2) == 400_000)
    }

    /// A long call: its historical P&L is convex in the move (a gain on both sides of a large
    /// enough move beats the delta's), and the parametric gamma term lowers its VaR.
    @Test func aLongOptionsGammaLowersItsParametricVaR() throws {
        let h = try MarketHarness()
        #expect(h.deposit(dev0, "50000").succeeded && h.deposit(dev1, "900000").succeeded)
        let call = try #require(h.state.perpMarkets().first { if case .option(_, _, true, _) = $0.params.instrument { return true }; return false })
        #expect(h.run(dev1, h.order(dev1, .sell, "1", at: "20000", market: call.id)).succeeded)
        #expect(h.run(dev0, h.order(dev0, .buy, "1", at: "20000", market: call.id)).succeeded)
        let risk = try h.risk(dev0)
        let markets = h.state.oracleMarkets().map(\.id)
        let moves: [UInt64] = [6_000_000_000_000, 6_600_000_000_000, 6_000_000_000_000, 5_400_000_000_000, 6_000_000_000_000]
        let history = PriceHistory(markets: markets, rows: moves.enumerated().map { i, p in
            .init(timeMs: UInt64(i) * Self.hour, prices: markets.map { $0 == 1 ? p : ($0 == 4 ? 60_000_000 : 100_000_000) })
        })
        let p = try #require(try RiskMeasures.parametric(risk, history: history))
        #expect(p.gammaMean > 0, "long gamma gains on average")
        #expect(p.var99 < UInt128(p.sigma) * 2_326_348 / 1_000_000 + 1)
        let pnls = try RiskMeasures.historicalPnl(risk, history: history)
        #expect(pnls[0] > -pnls[1], "+10% gains more than −10% (from +10% back) loses: convexity")
    }
}
