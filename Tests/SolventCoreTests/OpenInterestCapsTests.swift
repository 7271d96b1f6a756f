import Foundation
@testable import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// Open-interest scaled initial margin (margin.md, "Open-interest scaling"; markets.md,
/// "`market_set_oi_caps`"): the formula against contracts-spec/vectors/open_interest.json, which
/// contracts-spec/examples/open_interest.py computes the way dYdX v4 states it (exact fractions,
/// rounded up once); the record and transaction encodings of the spec; the transaction's checks;
/// and the requirement a vault is held to once its market has caps.
@Suite struct OpenInterestCapsTests {
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1), admin = DevnetKeys.admin()
    static let usdc: UInt128 = 1_000_000

    struct Vectors: Decodable {
        struct Tier: Decodable {
            let maxNotional: String
            let initialPpm: UInt32
            enum CodingKeys: String, CodingKey { case maxNotional = "max_notional", initialPpm = "initial_ppm" }
        }
        struct Case: Decodable {
            let name: String
            let size: String, price: String, tiers: [Tier]
            let openInterest: String, oiLowerCap: String, oiUpperCap: String
            let notional: String, initial: String
            enum CodingKeys: String, CodingKey {
                case name, size, price, tiers, notional, initial
                case openInterest = "open_interest", oiLowerCap = "oi_lower_cap", oiUpperCap = "oi_upper_cap"
            }
        }
        let cases: [Case]
        enum CodingKeys: String, CodingKey { case cases = "open_interest_initial" }
    }

    @Test func initialRequirementMatchesTheReference() throws {
        let vectors = try JSONDecoder().decode(Vectors.self, from: Spec.data("contracts-spec/vectors/open_interest.json"))
        #expect(vectors.cases.count >= 50)
        var between = 0
        for c in vectors.cases {
            var params = try #require(try Fixtures.genesisState().perpMarket(1)).params
            params.tiers = c.tiers.enumerated().map { i, t in
                MarginTier(maxNotional: i == c.tiers.count - 1 ? nil : UInt128(t.maxNotional)!, initialPpm: t.initialPpm,
                           maintenancePpm: max(1, t.initialPpm / 2))
            }
            let lower = UInt128(c.oiLowerCap)!, upper = UInt128(c.oiUpperCap)!
            let scaling = upper == 0 ? nil : Margin.OpenInterestScaling(caps: .init(market: 1, lower: lower, upper: upper),
                                                                            openInterest: UInt64(c.openInterest)!)
            let price = UInt64(c.price)!
            let (initial, _) = try Margin.requirements(params, size: Int64(c.size)!, mark: Margin.Mark(underlying: price), scaling: scaling)
            #expect(initial.scaled == UInt128(c.initial)!, "\(c.name)")
            #expect(initial.tiers <= initial.scaled && initial.scaled <= UInt128(c.notional)!, "\(c.name)")
            let open = OpenInterestCaps.openNotional(openInterest: UInt64(c.openInterest)!, price: price)
            if upper > 0, open > lower, open < upper { between += 1 }
        }
        #expect(between >= 20, "most vectors lie between the caps, where the formula interpolates")
    }

    /// margin.md's worked example: 2 BTC at 60 000 in a market whose open notional is halfway
    /// between caps of 10 and 20 million USDC asks 52.5% instead of 5%.
    @Test func workedExampleOfTheSpec() throws {
        let params = try #require(try Fixtures.genesisState().perpMarket(1)).params
        let caps = OpenInterestCaps.Entry(market: 1, lower: 10_000_000 * Self.usdc, upper: 20_000_000 * Self.usdc)
        let mark = Margin.Mark(underlying: 6_000_000_000_000)
        let half = Margin.OpenInterestScaling(caps: caps, openInterest: 25_000_000_000)   // 250 BTC: 15 million USDC
        let two = try Margin.requirements(params, size: 200_000_000, mark: mark, scaling: half)
        #expect(two.initial == (6_000 * Self.usdc, 63_000 * Self.usdc) && two.maintenance == 3_600 * Self.usdc)
        let big = try Margin.requirements(params, size: 2_500_000_000, mark: mark, scaling: half)
        #expect(big.initial == (100_000 * Self.usdc, 800_000 * Self.usdc))
        let rounding = Margin.OpenInterestScaling(caps: caps, openInterest: 20_000_000_001)
        #expect(try Margin.requirements(params, size: 100_000_000, mark: mark, scaling: rounding).initial.scaled == 14_400_000_004)
    }

    @Test func recordAndTransactionEncodingsAreTheSpecs() throws {
        let caps = OpenInterestCaps(entries: [.init(market: 1, lower: 10_000_000 * Self.usdc, upper: 20_000_000 * Self.usdc)])
        #expect(Hex.encode(caps.encoded()) == "0101000100000000a0724e1809000000000000000000000040e59c301200000000000000000000")
        #expect(try OpenInterestCaps.decode(caps.encoded()) == caps)
        // Out of order, twice the same market, an upper cap of 0: refused.
        let unordered = OpenInterestCaps(entries: [.init(market: 2, lower: 0, upper: 1), .init(market: 1, lower: 0, upper: 1)])
        let zero = OpenInterestCaps(entries: [.init(market: 1, lower: 0, upper: 0)])
        for bad in [unordered, zero] {
            #expect(throws: ProtocolError.self) { try OpenInterestCaps.decode(bad.encoded()) }
        }
        let tx = Fixtures.tx(admin, nonce: 3, .marketSetOiCaps(market: 1, lower: 5, upper: UInt128(1) << 100))
        let decoded = try TxCodec.decode(tx.bytes)
        #expect(decoded.transaction == tx.transaction)
        // Kind 38, then u32 market, u128 lower and u128 upper, little-endian: 36 bytes.
        let body = tx.transaction.body()
        let payload = Array(body.suffix(36))
        #expect(Hex.encode(payload) == "01000000" + "05" + String(repeating: "0", count: 30) + String(repeating: "0", count: 24) + "10000000")
        #expect(Array(body[body.count - 38..<body.count - 36]) == [38, 0])
    }

    @Test func transactionChecksInTheSpecsOrder() throws {
        let h = try MarketHarness()
        let usd = Self.usdc
        #expect(h.run(dev0, .marketSetOiCaps(market: 1, lower: 0, upper: usd)).code == .unauthorized)
        #expect(h.run(admin, .marketSetOiCaps(market: 999, lower: 0, upper: usd)).code == .unknownMarket)
        let option = try #require(h.state.perpMarkets().first { $0.params.instrument.isOption })
        let refusedOption = h.run(admin, .marketSetOiCaps(market: option.id, lower: 0, upper: usd))
        #expect(refusedOption.code == .invalidMarket && refusedOption.message.contains("perpetuals and futures"))
        #expect(h.run(admin, .marketSetOiCaps(market: 1, lower: 0, upper: OpenInterestCaps.maxCap + 1)).code == .invalidField)
        #expect(h.run(admin, .marketSetOiCaps(market: 1, lower: 2 * usd, upper: usd)).code == .invalidField)
        #expect(h.state.get(OpenInterestCaps.stateKey.table, OpenInterestCaps.stateKey.key) == nil, "refusals write nothing")

        let set = h.run(admin, .marketSetOiCaps(market: 2, lower: usd, upper: 3 * usd))
        #expect(set.succeeded)
        let event = try #require(set.events.first { $0.type == "market_oi_caps_set" })
        #expect(event["market"] == "ETH-PERP" && event["oi_lower_cap"] == "1" && event["oi_upper_cap"] == "3")
        #expect(h.run(admin, .marketSetOiCaps(market: 1, lower: 0, upper: usd)).succeeded)
        #expect(h.state.openInterestCaps().entries.map(\.market) == [1, 2], "kept in market order")
        #expect(h.run(admin, .marketSetOiCaps(market: 2, lower: 0, upper: 0)).succeeded)
        #expect(h.state.openInterestCaps().entries == [.init(market: 1, lower: 0, upper: usd)])
    }

    /// dev0 buys 10 BTC from dev1 at 60 000: an open notional of 600 000 USDC. With caps of 500 000
    /// and 700 000 the open notional is halfway: dev0's initial requirement is 600 000 × (5% +
    /// 50% × 95%) = 315 000 instead of 30 000, its maintenance stays 18 000, and an order that
    /// adds to the position is refused until the caps are removed.
    @Test func aVaultIsHeldToTheScaledRequirement() throws {
        let h = try MarketHarness()
        #expect(h.deposit(dev0, "200000").succeeded && h.deposit(dev1, "200000").succeeded)
        #expect(h.run(dev1, h.order(dev1, .sell, "11", at: "60000")).succeeded)
        #expect(h.run(dev0, h.order(dev0, .buy, "10", at: "60000")).succeeded)
        let before = try h.risk(dev0)
        #expect(before.initial == 30_000 * Self.usdc && before.maintenance == 18_000 * Self.usdc)

        #expect(h.run(admin, .marketSetOiCaps(market: 1, lower: 500_000 * Self.usdc, upper: 700_000 * Self.usdc)).succeeded)
        let scaled = try h.risk(dev0)
        #expect(scaled.initial == 315_000 * Self.usdc && scaled.maintenance == 18_000 * Self.usdc)
        #expect(scaled.positions[0].openInterestAddOn == 285_000 * Self.usdc && scaled.liquidityAddOn == 285_000 * Self.usdc)
        #expect(!scaled.isLiquidatable, "caps never touch maintenance")
        // The short side is scaled the same way: its open notional is the market's.
        #expect(try h.risk(dev1).initial == 315_000 * Self.usdc)
        #expect(h.run(dev0, h.order(dev0, .buy, "1", at: "60000")).code == .insufficientMargin)

        #expect(h.run(admin, .marketSetOiCaps(market: 1, lower: 0, upper: 0)).succeeded)
        #expect(try h.risk(dev0).initial == 30_000 * Self.usdc)
        #expect(h.run(dev0, h.order(dev0, .buy, "1", at: "60000")).succeeded)
    }

    /// A portfolio vault's scenario requirement gets the same add-on: its position's scaled
    /// standalone initial requirement minus the tiers'; its maintenance requirement is unchanged.
    @Test func aPortfolioVaultPaysTheAddOnOnTopOfItsScan() throws {
        let h = try MarketHarness()
        let dev2 = DevnetKeys.account(2)
        #expect(h.run(dev2, .vaultOpen(vault: 0, mode: .portfolio)).succeeded)
        #expect(h.deposit(dev2, "200000").succeeded && h.deposit(dev1, "200000").succeeded)
        #expect(h.run(dev1, h.order(dev1, .sell, "10", at: "60000")).succeeded)
        #expect(h.run(dev2, h.order(dev2, .buy, "4", at: "60000")).succeeded)
        let before = try h.risk(dev2)
        #expect(before.portfolio != nil && before.liquidityAddOn == 0)
        // Open notional 240 000 (4 BTC) between caps of 200 000 and 280 000: halfway again. The
        // position's notional is 240 000: tiers 12 000, scaled 12 000 + ½ × 228 000 = 126 000.
        #expect(h.run(admin, .marketSetOiCaps(market: 1, lower: 200_000 * Self.usdc, upper: 280_000 * Self.usdc)).succeeded)
        let after = try h.risk(dev2)
        #expect(after.liquidityAddOn == 114_000 * Self.usdc)
        #expect(after.initial == before.initial + 114_000 * Self.usdc && after.maintenance == before.maintenance)
        #expect(after.freeCollateral == before.freeCollateral - 114_000_000_000)
    }
}
