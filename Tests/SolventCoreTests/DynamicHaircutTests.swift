import Foundation
@testable import SolventCore
import SolventCrypto
import SolventDevnet
import SolventTestSupport
import Testing

/// Dynamic collateral haircuts (haircuts.md): the begin-block update against
/// contracts-spec/vectors/haircuts.json (from examples/haircuts.py), the record's and the
/// transaction's encodings and checks, the two haircuts in a vault's margin, and the no-cliff
/// property: a vault that met its initial requirement is not liquidatable by the next block's
/// haircut alone.
@Suite struct DynamicHaircutTests {
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1), admin = DevnetKeys.admin()
    static let usdc: UInt128 = 1_000_000, btc: UInt128 = 100_000_000
    static let btcIV: UInt32 = 4

    struct Vectors: Decodable {
        struct Block: Decodable {
            let timeMs: String, sample: String?, after: [String: String]
            enum CodingKeys: String, CodingKey { case timeMs = "time_ms", sample, after }
        }
        struct Case: Decodable {
            let name: String, floorPpm: UInt32, rule: [String: String], blocks: [Block]
            enum CodingKeys: String, CodingKey { case name, floorPpm = "floor_ppm", rule, blocks }
        }
        let cases: [Case]
    }

    static func rule(_ f: [String: String]) -> DynamicHaircuts.Rule {
        func n<T: FixedWidthInteger>(_ k: String) -> T { T(f[k]!)! }
        return DynamicHaircuts.Rule(
            settings: .init(asset: 1, volMarket: n("vol_market"), windowMs: n("window_ms"), scalePpm: n("scale_ppm"), capPpm: n("cap_ppm"),
                            ratePpmPerHour: n("rate_ppm_per_hour"), stepPpm: n("step_ppm")),
            haircutPpm: n("haircut_ppm"), targetPpm: n("target_ppm"), volatilityPpm: n("volatility_ppm"), variance: n("variance"),
            lastPrice: n("last_price"), sampledAtMs: n("sampled_at_ms"), movedAtMs: n("moved_at_ms"))
    }

    @Test func updateMatchesTheReference() throws {
        let vectors = try JSONDecoder().decode(Vectors.self, from: Spec.data("contracts-spec/vectors/haircuts.json"))
        #expect(vectors.cases.count >= 40)
        var blocks = 0
        for c in vectors.cases {
            var rule = Self.rule(c.rule)
            for b in c.blocks {
                rule = rule.updated(floor: c.floorPpm, at: UInt64(b.timeMs)!, sample: b.sample.flatMap { UInt64($0) })
                #expect(rule == Self.rule(b.after), "\(c.name) at \(b.timeMs)")
                blocks += 1
            }
        }
        #expect(blocks > 300)
    }

    /// haircuts.md's implied example, the rows the spec's table states.
    @Test func impliedSpikeMovesAtTheBoundedRate() {
        let t0: UInt64 = 1_767_225_600_000
        var r = DynamicHaircuts.Rule(.init(asset: 1, volMarket: 4, windowMs: 0, scalePpm: 200_000, capPpm: 500_000, ratePpmPerHour: 360_000,
                                           stepPpm: 5_000), floor: 100_000, at: t0)
        #expect(r.initialHaircutPpm == 105_000)
        r = r.updated(floor: 100_000, at: t0 + 1_000, sample: 60_000_000)
        #expect((r.volatilityPpm, r.targetPpm, r.haircutPpm) == (600_000, 120_000, 100_100))
        r = r.updated(floor: 100_000, at: t0 + 2_000, sample: 150_000_000)
        #expect((r.targetPpm, r.haircutPpm) == (300_000, 100_200))
        r = r.updated(floor: 100_000, at: t0 + 62_000, sample: 150_000_000)
        #expect(r.haircutPpm == 105_200, "60 s earns 6 000 ppm; the step holds the block to 5 000")
        r = r.updated(floor: 100_000, at: t0 + 63_000, sample: 150_000_000)
        #expect(r.haircutPpm == 105_300)
        r = r.updated(floor: 100_000, at: t0 + 3_663_000, sample: nil)
        #expect(r.haircutPpm == 110_300 && r.volatilityPpm == 1_500_000, "a stale feed keeps its volatility; an hour's gap is one step")
    }

    /// The rate-held move spends only the time it used: 10 000 ppm an hour in 1 s blocks is
    /// still 10 000 ppm an hour, not ⌊2.77⌋ = 2 ppm a block.
    @Test func rateRemainderCarriesToTheNextBlock() {
        let t0: UInt64 = 1_000_000
        var r = DynamicHaircuts.Rule(.init(asset: 1, volMarket: 4, windowMs: 0, scalePpm: 1_000_000, capPpm: 900_000, ratePpmPerHour: 10_000,
                                           stepPpm: 100_000), floor: 0, at: t0)
        for s in 1...3_600 { r = r.updated(floor: 0, at: t0 + UInt64(s) * 1_000, sample: 90_000_000) }
        #expect(r.haircutPpm == 10_000)
    }

    @Test func recordAndTransactionEncodings() throws {
        let rule = DynamicHaircuts.Rule(settings: .init(asset: 1, volMarket: 0, windowMs: 3_600_000, scalePpm: 2, capPpm: 3, ratePpmPerHour: 4,
                                                        stepPpm: 5), haircutPpm: 6, targetPpm: 7, volatilityPpm: 8, variance: 9, lastPrice: 10,
                                        sampledAtMs: 11, movedAtMs: 12)
        let record = DynamicHaircuts(rules: [rule])
        #expect(record.encoded().count == 3 + 88)
        #expect(try DynamicHaircuts.decode(record.encoded()) == record)
        var outOfBounds = rule
        outOfBounds.settings.windowMs = 0
        var second = rule
        second.settings.asset = 0
        for bad in [DynamicHaircuts(rules: [outOfBounds]), DynamicHaircuts(rules: [rule, second])] {
            #expect(throws: ProtocolError.self) { try DynamicHaircuts.decode(bad.encoded()) }
        }
        let tx = Fixtures.tx(admin, nonce: 1, .assetSetHaircutRule(.init(asset: 1, volMarket: 4, windowMs: 0, scalePpm: 200_000, capPpm: 500_000,
                                                                         ratePpmPerHour: 360_000, stepPpm: 5_000)))
        #expect(try TxCodec.decode(tx.bytes).transaction == tx.transaction)
        #expect(Hex.encode(Array(tx.transaction.body().suffix(34)))
                == "1800" + "01000000" + "04000000" + "0000000000000000" + "400d0300" + "20a10700" + "407e0500" + "88130000")
    }

    @Test func transactionChecksInTheSpecsOrder() throws {
        let h = try MarketHarness()
        func rule(_ asset: UInt32 = 1, vol: UInt32 = Self.btcIV, window: UInt64 = 0, scale: UInt32 = 200_000, cap: UInt32 = 500_000,
                  rate: UInt32 = 360_000, step: UInt32 = 5_000) -> TxAction {
            .assetSetHaircutRule(.init(asset: asset, volMarket: vol, windowMs: window, scalePpm: scale, capPpm: cap, ratePpmPerHour: rate, stepPpm: step))
        }
        #expect(h.run(dev0, rule()).code == .unauthorized)
        #expect(h.run(admin, rule(99)).code == .unknownAsset)
        #expect(h.run(admin, rule(0)).code == .assetNotCollateral)
        #expect(h.run(admin, rule(vol: 1)).code == .invalidField, "BTC-USD is not a volatility feed")
        #expect(h.run(admin, rule(vol: 4, window: 1_000)).code == .invalidField, "an implied rule has no window")
        #expect(h.run(admin, rule(vol: 0, window: 999)).code == .invalidField)
        #expect(h.run(admin, rule(scale: 10_000_001)).code == .invalidField)
        #expect(h.run(admin, rule(cap: 99_999)).code == .invalidField, "below BTC's floor of 100 000")
        #expect(h.run(admin, rule(cap: 950_001)).code == .invalidField)
        #expect(h.run(admin, rule(rate: 0)).code == .invalidField)
        #expect(h.run(admin, rule(step: 100_001)).code == .invalidField)
        #expect(h.state.get(DynamicHaircuts.stateKey.table, DynamicHaircuts.stateKey.key) == nil, "refusals write nothing")
        let set = h.run(admin, rule())
        #expect(set.succeeded && set.events.contains { $0.type == "asset_haircut_rule_set" })
        let started = try #require(h.state.dynamicHaircuts().rule(of: 1))
        #expect(started.haircutPpm == 100_000 && started.movedAtMs == h.time && started.initialHaircutPpm == 105_000)
        // Blocks move it; setting the rule again keeps where it stands; a new source restarts the volatility.
        for _ in 0..<5 { h.block([]) }
        let moved = try #require(h.state.dynamicHaircuts().rule(of: 1))
        #expect(moved.haircutPpm > 100_000 && moved.volatilityPpm == 600_000)
        #expect(h.run(admin, rule(step: 1_000)).succeeded)
        let kept = try #require(h.state.dynamicHaircuts().rule(of: 1))
        #expect(kept.haircutPpm >= moved.haircutPpm && kept.volatilityPpm == 600_000 && kept.settings.stepPpm == 1_000)
        #expect(h.run(admin, rule(vol: 0, window: 3_600_000)).succeeded)
        #expect(try #require(h.state.dynamicHaircuts().rule(of: 1)).volatilityPpm == 0)
        #expect(h.run(admin, rule(scale: 0, cap: 0, rate: 0, step: 0)).succeeded, "removal checks nothing else")
        #expect(h.state.dynamicHaircuts().rules.isEmpty)
    }

    /// haircuts.md's vault: 1 BTC at 60 000 with the haircut at 100 200 and a step of 5 000
    /// counts 53 988 USDC and holds 300 back in its initial requirement.
    @Test func initialRequirementCarriesTheStep() throws {
        let h = try MarketHarness()
        #expect(h.run(dev0, .deposit(vault: 0, asset: 1, amount: Self.btc)).succeeded)
        let before = try h.risk(dev0)
        #expect(before.collateralValue == 54_000 * Self.usdc && before.initial == 0 && before.haircutAddOn == 0)
        #expect(h.run(admin, .assetSetHaircutRule(.init(asset: 1, volMarket: Self.btcIV, windowMs: 0, scalePpm: 200_000, capPpm: 500_000,
                                                         ratePpmPerHour: 360_000, stepPpm: 5_000))).succeeded)
        h.block([])
        h.block([])
        let rule = try #require(h.state.dynamicHaircuts().rule(of: 1))
        #expect(rule.haircutPpm == 100_200 && rule.targetPpm == 120_000)
        let risk = try h.risk(dev0)
        #expect(risk.collateral[0].haircutPpm == 100_200)
        #expect(risk.collateralValue == 53_988 * Self.usdc && risk.haircutAddOn == 300 * Self.usdc && risk.initial == 300 * Self.usdc)
        #expect(risk.maintenance == 0 && !risk.isLiquidatable)
    }

    /// The no-cliff property (haircuts.md, "Why no healthy vault is liquidated by the haircut"):
    /// over random rules, haircuts, holdings and block gaps, a vault that meets its initial
    /// requirement before a begin-block update is not liquidatable after it at the same prices.
    @Test func aVaultMeetingInitialIsNotLiquidatedByTheNextHaircut() throws {
        var rng = SplitMix64(seed: 15)
        var checked = 0
        for _ in 0..<400 {
            let floor = UInt32(rng.next() % 300_000)
            let step = UInt32(1 + rng.next() % 100_000)
            var rule = DynamicHaircuts.Rule(.init(asset: 1, volMarket: 4, windowMs: 0, scalePpm: UInt32(1 + rng.next() % 10_000_000),
                                                  capPpm: floor + UInt32(rng.next() % UInt64(950_001 - floor)),
                                                  ratePpmPerHour: UInt32(1 + rng.next() % 1_000_000), stepPpm: step), floor: floor, at: 0)
            rule.haircutPpm = floor + UInt32(rng.next() % UInt64(rule.settings.capPpm - floor + 1))
            let asset = Asset(id: 1, symbol: "BTC", decimals: 8, haircutPpm: floor, oracleMarket: 1)
            let amount = UInt128(rng.next() % 1_000_000_000_000), price = 1 + rng.next() % 10_000_000_000_000
            // A tier-like requirement: maintenance ≤ initial, both from a notional.
            let notional = UInt128(rng.next() % 2_000_000_000_000)
            let maintenance = notional * UInt128(rng.next() % 100_000) / 1_000_000
            let initial = maintenance + notional * UInt128(rng.next() % 50_000) / 1_000_000
            let value = try CollateralRisk.value(amount, asset: asset, price: price, haircutPpm: rule.haircutPpm)
            let atInitial = try CollateralRisk.value(amount, asset: asset, price: price, haircutPpm: rule.initialHaircutPpm)
            // The rest of the equity (quote and positions) set so the vault is at or just above its initial requirement.
            let rest = Int128(initial) + Int128(value - atInitial) - Int128(value) + Int128(rng.next() % 1_000)
            let equityBefore = rest + Int128(value)
            guard maintenance > 0, equityBefore >= Int128(initial) + Int128(value - atInitial) else { continue }
            let next = rule.updated(floor: floor, at: rng.next() % 100_000_000_000, sample: rng.next() % 4 == 0 ? nil : rng.next() % 1_000_000_000)
            #expect(next.haircutPpm <= rule.haircutPpm + step && next.haircutPpm + step >= rule.haircutPpm, "at most one step a block")
            let equityAfter = rest + Int128(try CollateralRisk.value(amount, asset: asset, price: price, haircutPpm: next.haircutPpm))
            #expect(equityAfter >= Int128(maintenance), "floor \(floor) haircut \(rule.haircutPpm) -> \(next.haircutPpm)")
            checked += 1
        }
        #expect(checked > 300)
    }
}
