import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventEngine
import SolventStore
import SolventTestSupport
import Testing

/// The adaptive risk quantities are consensus (issue 15): open-interest caps, the depth add-on's
/// running depths, the dynamic haircuts (an implied one on BTC, a realized one on ETH whose
/// variance comes from ln and an integer square root), SUSDC's exchange rate, an option marked on
/// BTC-IV's surface and the hourly price history must be the
/// same bits in any process, and so must the VaR and ES computed from it. A
/// chain on the devnet genesis sets all three and moves prices over uneven block gaps; `solventd
/// replay` re-executes it in two separate processes (each with its own hash seed) and both reach
/// this process's app hash, and `solventd margin` prints the same requirements, haircut add-on
/// included, and the same risk measures, in both.
@Suite struct AdaptiveRiskProcessTests {
    @Test func twoProcessesReachTheSameAdaptiveRiskState() throws {
        let home = EngineFixtures.temporaryDirectory()
        defer { EngineFixtures.remove(home) }
        let chain = try DevnetChain(home: home)
        let engine = chain.engine
        let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1), admin = DevnetKeys.admin()
        let tx = chain.tx
        func block(_ txs: [VerifiedTransaction], after ms: UInt64) throws { try chain.block(txs, after: ms) }
        func order(_ side: Side, _ size: String, _ price: String, tif: TimeInForce) -> TxAction {
            DevnetChain.order(market: 1, side, size, price, tif: tif)
        }
        try block([tx(dev0, .deposit(vault: 0, asset: 0, amount: 50_000_000_000)), tx(dev0, .deposit(vault: 0, asset: 1, amount: 100_000_000)),
                   tx(dev0, .deposit(vault: 0, asset: 2, amount: 3_000_000_000_000_000_000)),
                   tx(dev0, .deposit(vault: 0, asset: 3, amount: 5_000_000_000)),
                   tx(dev1, .deposit(vault: 0, asset: 0, amount: 900_000_000_000)),
                   tx(admin, .marketSetOiCaps(market: 1, lower: 100_000_000_000, upper: 900_000_000_000)),
                   tx(admin, .marketSetDepthAddon(market: 1, bandPpm: 10_000, windowMs: 600_000, addonPpm: 100_000)),
                   tx(admin, .assetSetHaircutRule(.init(asset: 1, volMarket: 4, windowMs: 0, scalePpm: 200_000, capPpm: 500_000,
                                                        ratePpmPerHour: 360_000, stepPpm: 5_000))),
                   tx(admin, .assetSetHaircutRule(.init(asset: 2, volMarket: 0, windowMs: 3_600_000, scalePpm: 100_000, capPpm: 600_000,
                                                        ratePpmPerHour: 36_000, stepPpm: 10_000)))], after: 1_000)
        // BTC-IV's surface (vol-surface.md): dev0's 26MAR27 call is then marked at BTC-IV-26MAR27.
        try block([tx(admin, .oracleSetSurface(base: 4, points: [6, 7])),
                   tx(dev1, DevnetChain.order(market: 6, .sell, "1", "15000", tif: .goodTillCancelled)),
                   tx(dev0, DevnetChain.order(market: 6, .buy, "1", "15000", tif: .immediateOrCancel))], after: 1_000)
        try block([tx(dev1, order(.sell, "2", "60000", tif: .goodTillCancelled)), tx(dev0, order(.buy, "2", "60000", tif: .immediateOrCancel)),
                   tx(dev1, order(.buy, "1", "59800", tif: .goodTillCancelled))], after: 1_000)
        // Prices that swing over uneven gaps: ETH's variance, BTC-IV's spike, the depth average.
        let moves: [(UInt32, String, UInt64)] = [(2, "2850", 7_000), (4, "1.5", 13_000), (2, "2999.5", 29_000), (1, "58000.12345678", 1_000),
                                                 (2, "2700", 55_000), (4, "0.8", 3_000), (2, "3100", 41_000), (1, "61000", 17_000)]
        for (market, price, gap) in moves {
            try block([tx(admin, .oracleOverride(market: market, price: OraclePrice.parse(price)!))], after: gap)
            try block([], after: 1_000)
        }
        // SUSDC's rate, checkpointed with a 10% write-down and a new annual rate (yield-assets.md).
        try block([tx(admin, .assetSetYield(asset: 3, aprPpm: 80_000, writedownPpm: 100_000))], after: 7_000)
        // Hours of block time with BTC, ETH and BTC-IV moving: the price history's rows, and
        // VaR and ES over them (risk-measures.md).
        for (i, price) in ["60500", "59000", "61250.5", "58000", "60000", "57000"].enumerated() {
            try block([tx(admin, .oracleOverride(market: 1, price: OraclePrice.parse(price)!)),
                       tx(admin, .oracleOverride(market: 2, price: OraclePrice.parse(i % 2 == 0 ? "3050" : "2950")!)),
                       tx(admin, .oracleOverride(market: 4, price: OraclePrice.parse(i % 3 == 0 ? "0.7" : "0.62")!))], after: 3_600_000)
        }
        let head = try engine.store.head()
        let (rules, expected) = try engine.store.withState { state, _ in
            (state.dynamicHaircuts(), try Margin.risk(of: VaultID(owner: Address(dev0.publicKey), number: 0), state: state, at: head.timeMs,
                                                      prices: .latest))
        }
        let eth = try #require(rules.rule(of: 2)), btc = try #require(rules.rule(of: 1))
        #expect(eth.variance > 0 && eth.haircutPpm > 150_000 && btc.haircutPpm > 100_000, "the rules moved")
        #expect(expected.collateral.contains { $0.asset.id == 3 && $0.oraclePrice < 100_000_000 }, "SUSDC counts at its written-down rate")
        #expect(expected.positions.first { $0.instrument.isOption }?.volFeeds.map(\.market) == [6], "the call reads BTC-IV-26MAR27")
        #expect(expected.haircutAddOn > 0)
        let history = try engine.store.withState { state, _ in state.priceHistory() }
        #expect(history.sampleCount >= 6)
        let expectedVar = try #require(try RiskMeasures.tail(try RiskMeasures.historicalPnl(expected, history: history)))
        let expectedParametric = try #require(try RiskMeasures.parametric(expected, history: history))
        #expect(expectedVar.var99 > 0 && expectedParametric.var99 > 0)

        for run in 0..<2 {
            let replay = try Binaries.run(try Binaries.path("solventd"), ["replay", "--home", home, "--json"])
            #expect(replay.status == 0, "replay run \(run) failed: \(replay.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(replay.stdout.utf8)) as? [String: Any]
            #expect(json?["app_hash"] as? String == head.appHash.hex)
        }
        let json = try DevnetChain.marginInTwoProcesses(home: home, vault: "\(Address(dev0.publicKey).text)/0")
        #expect(json["initial"] as? String == String(expected.initial))
        #expect(json["haircut_add_on"] as? String == String(expected.haircutAddOn))
        let measures = try #require(json["risk"] as? [String: Any])
        #expect(measures["var_99"] as? String == String(expectedVar.var99) && measures["es_99"] as? String == String(expectedVar.es99))
        #expect(measures["parametric_var_99"] as? String == String(expectedParametric.var99))
    }
}
