import Foundation
@testable import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// The volatility surface (vol-surface.md): the interpolation against vectors/vol_surface.json
/// (from examples/vol_surface.py), the dated feeds' expiries, `oracle_set_surface`'s checks and
/// encoding, and an option marked at its own expiry's volatility on the state machine.
@Suite struct VolSurfaceTests {
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1), admin = DevnetKeys.admin()
    static let btcIV: UInt32 = 4, mar27: UInt32 = 6, jun27: UInt32 = 7

    struct Vectors: Decodable {
        struct Case: Decodable {
            let name: String, points: [[String]], expiryMs: String, timeMs: String, vol: String?, used: [String]
            enum CodingKeys: String, CodingKey { case name, points, expiryMs = "expiry_ms", timeMs = "time_ms", vol, used }
        }
        let cases: [Case]
    }

    @Test func interpolationMatchesTheReference() throws {
        let vectors = try JSONDecoder().decode(Vectors.self, from: Spec.data("contracts-spec/vectors/vol_surface.json"))
        #expect(vectors.cases.count >= 40)
        for c in vectors.cases {
            let points = c.points.map { (expiry: UInt64($0[0])!, vol: UInt64($0[1])!) }
            let got = VolSurfaces.vol(points: points, expiry: UInt64(c.expiryMs)!, time: UInt64(c.timeMs)!)
            #expect(got?.vol == c.vol.flatMap { UInt64($0) }, "\(c.name)")
            #expect((got?.used ?? []).map(String.init) == c.used, "\(c.name)")
        }
        let example = try #require(vectors.cases.first { $0.name == "between_points" })
        #expect(example.vol == "64438843")
    }

    @Test func datedFeedsExpireAt0800UTC() {
        #expect(VolSurfaces.expiry(ofFeed: "BTC-IV-26MAR27") == 1_806_048_000_000)
        #expect(VolSurfaces.expiry(ofFeed: "BTC-IV-25JUN27") == 1_813_910_400_000)
        #expect(VolSurfaces.expiry(ofFeed: "ETH-IV-29FEB28") == 1_835_424_000_000, "2028 is a leap year")
        for bad in ["BTC-IV", "BTC-USD", "BTC-IV-29FEB27", "BTC-IV-32JAN27", "BTC-IV-26Mar27", "BTC-IV-26MAR2", "BTC-IV-00JAN27", "BTC-XX-26MAR27"] {
            #expect(VolSurfaces.expiry(ofFeed: bad) == nil, "\(bad)")
        }
    }

    @Test func transactionChecksAndEncoding() throws {
        let h = try MarketHarness()
        #expect(h.run(dev0, .oracleSetSurface(base: Self.btcIV, points: [Self.mar27])).code == .unauthorized)
        #expect(h.run(admin, .oracleSetSurface(base: 1, points: [Self.mar27])).code == .invalidField, "BTC-USD is no volatility feed")
        #expect(h.run(admin, .oracleSetSurface(base: 5, points: [Self.mar27])).code == .invalidField, "BTC-IV-26MAR27 is not ETH-IV's")
        #expect(h.run(admin, .oracleSetSurface(base: Self.btcIV, points: [Self.btcIV])).code == .invalidField)
        #expect(h.run(admin, .oracleSetSurface(base: Self.btcIV, points: [Self.mar27, Self.mar27])).code == .invalidField)
        #expect(h.state.get(VolSurfaces.stateKey.table, VolSurfaces.stateKey.key) == nil, "refusals write nothing")
        let set = h.run(admin, .oracleSetSurface(base: Self.btcIV, points: [Self.jun27, Self.mar27]))
        #expect(set.succeeded && set.events.first?.type == "oracle_surface_set")
        #expect(h.state.volSurfaces().entries == [.init(base: Self.btcIV, points: [Self.mar27, Self.jun27])], "sorted by expiry")
        #expect(try VolSurfaces.decode(h.state.volSurfaces().encoded()) == h.state.volSurfaces())
        #expect(h.run(admin, .oracleSetSurface(base: Self.btcIV, points: [])).succeeded)
        #expect(h.state.volSurfaces().entries.isEmpty)
        let tx = Fixtures.tx(admin, nonce: 1, .oracleSetSurface(base: 4, points: [6, 7]))
        #expect(try TxCodec.decode(tx.bytes).transaction == tx.transaction)
        #expect(Hex.encode(Array(tx.transaction.body().suffix(15))) == "1a00" + "04000000" + "02" + "06000000" + "07000000")
        var tooMany = tx.bytes
        tooMany[tooMany.count - 64 - 9] = 9
        #expect { try TxCodec.decode(tooMany) } throws: { ($0 as? ProtocolError)?.code == .fieldTooLong }
    }

    /// The devnet's 26MAR27 call: with BTC-IV's surface set it is marked at BTC-IV-26MAR27 (its own
    /// expiry's point); BTC-IV no longer moves it, the dated feed does, a vault's position reads
    /// the same and names the feed; without the surface BTC-IV marks it again.
    @Test func anOptionIsMarkedAtItsOwnExpirysVolatility() throws {
        let h = try MarketHarness()
        let call = try #require(h.state.perpMarkets().first { $0.params.symbol == "BTC-26MAR27-60000-C" })
        func vol() throws -> (vol: UInt64, feeds: [UInt32]) {
            guard case .option(let expiry, _, _, let v) = call.params.instrument else { return (0, []) }
            return try Margin.optionVolatility(v, expiry: expiry, surfaces: h.state.volSurfaces(), h.state, h.time, .latest)
        }
        #expect(h.setPrice("0.64", market: Self.btcIV).succeeded)   // within the oracle's 10% move limit
        #expect(try vol() == (64_000_000, [Self.btcIV]))
        #expect(h.run(admin, .oracleSetSurface(base: Self.btcIV, points: [Self.mar27, Self.jun27])).succeeded)
        #expect(try vol() == (60_000_000, [Self.mar27]), "BTC-IV-26MAR27, its own expiry's point, instead of BTC-IV")
        #expect(h.setPrice("0.7", market: Self.btcIV).succeeded)
        #expect(try vol() == (60_000_000, [Self.mar27]), "BTC-IV no longer moves it")
        #expect(h.setPrice("0.62", market: Self.mar27).succeeded)
        #expect(try vol() == (62_000_000, [Self.mar27]), "its own expiry's feed does")
        // The vault's margin reads the same: a position's mark uses the point, and names it.
        #expect(h.deposit(dev0, "100000").succeeded && h.deposit(dev1, "900000").succeeded)
        #expect(h.setPrice("60000").succeeded && h.setPrice("0.62", market: Self.mar27).succeeded)
        #expect(h.run(dev1, h.order(dev1, .sell, "1", at: "20000", market: call.id)).succeeded)
        #expect(h.run(dev0, h.order(dev0, .buy, "1", at: "20000", market: call.id)).succeeded)
        let position = try #require(try h.risk(dev0).positions.first)
        #expect(position.vol == 62_000_000 && position.volFeeds.map(\.market) == [Self.mar27])
        #expect(h.run(admin, .oracleSetSurface(base: Self.btcIV, points: [])).succeeded)
        #expect(try vol() == (70_000_000, [Self.btcIV]), "back on BTC-IV")
    }

    /// The liquidation index's time deadline (vol-surface.md, "Marking"): TimeHorizon's bound holds
    /// the volatility fixed, so an option interpolated between two points comes due at the next
    /// block, one flat on the last point by the surface's next point expiry, and one on its own
    /// expiry's point adds nothing.
    @Test func surfaceOptionsComeDueWhenTheirVolatilityCanMove() throws {
        let h = try MarketHarness()
        let call = try #require(h.state.perpMarkets().first { $0.params.symbol == "BTC-26MAR27-60000-C" })
        func list(_ id: UInt32, _ symbol: String, expiry: UInt64) -> TxAction {
            var p = call.params
            p.id = id
            p.symbol = symbol
            p.instrument = .option(expiryMs: expiry, strike: 6_000_000_000_000, isCall: true, volOracle: Self.btcIV)
            return .marketList(p)
        }
        #expect(h.run(admin, list(40, "BTC-01MAY27-60000-C", expiry: 1_809_158_400_000)).succeeded)
        #expect(h.run(admin, list(41, "BTC-24SEP27-60000-C", expiry: 1_821_772_800_000)).succeeded)
        #expect(h.deposit(dev0, "200000").succeeded && h.deposit(dev1, "900000").succeeded)
        #expect(h.run(admin, .oracleSetSurface(base: Self.btcIV, points: [Self.mar27, Self.jun27])).succeeded)
        func deadline(_ market: UInt32, vault: UInt32) throws -> UInt64? {
            #expect(h.run(dev1, h.order(dev1, .sell, "1", at: "20000", market: market)).succeeded)
            #expect(h.run(dev0, h.order(dev0, .buy, "1", at: "20000", market: market, vault: vault)).succeeded)
            return TimeHorizon.surfaceDeadline(try h.risk(dev0, vault), state: h.state, at: h.time)
        }
        #expect(try deadline(call.id, vault: 0) == nil, "on its own expiry's point")
        #expect(h.run(dev0, .deposit(vault: 1, asset: 0, amount: 100_000_000_000)).succeeded)
        #expect(try deadline(41, vault: 1) == 1_806_048_000_000, "flat on the last point: until 26MAR27's point expires")
        #expect(h.run(dev0, .deposit(vault: 2, asset: 0, amount: 100_000_000_000)).succeeded)
        #expect(try deadline(40, vault: 2) == h.time + 1, "interpolated between the points")
        #expect(try h.risk(dev0, 2).positions[0].volFeeds.map(\.market) == [Self.mar27, Self.jun27])
    }
}
