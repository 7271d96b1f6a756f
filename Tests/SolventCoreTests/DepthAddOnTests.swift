@testable import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// The book-depth add-on (margin.md, "Book-depth add-on"; markets.md, "`market_set_depth_addon`"):
/// the time average of the resting size near the oracle price, the add-on on a position's size
/// beyond it, the record's and the transaction's encodings and checks.
@Suite struct DepthAddOnTests {
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1), dev2 = DevnetKeys.account(2), admin = DevnetKeys.admin()
    static let usdc: UInt128 = 1_000_000, btc: UInt64 = 100_000_000

    @Test func averageFollowsBlockTimeAndNeverOvershoots() {
        // The spec's example: 0 then 3 BTC in band, 5 minutes of a 10-minute window at a time.
        let w: UInt64 = 600_000
        #expect(DepthAddOns.averaged(0, sample: 3 * Self.btc, elapsed: 300_000, window: w) == 150_000_000)
        #expect(DepthAddOns.averaged(150_000_000, sample: 3 * Self.btc, elapsed: 300_000, window: w) == 225_000_000)
        #expect(DepthAddOns.averaged(225_000_000, sample: 3 * Self.btc, elapsed: 3_600_000, window: w) == 3 * Self.btc)
        // Rounded down, within [min, max] of the old average and the sample, at the type's ends too.
        var rng: UInt64 = 0x1234_5678_9ABC_DEF1
        for _ in 0..<2_000 {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
            let depth = rng, sample = rng.byteSwapped, window = 1_000 + rng % DepthAddOns.maxWindowMs, elapsed = rng % (2 * window)
            let a = DepthAddOns.averaged(depth, sample: sample, elapsed: elapsed, window: window)
            #expect(a >= min(depth, sample) && a <= max(depth, sample))
        }
        #expect(DepthAddOns.averaged(UInt64.max, sample: UInt64.max, elapsed: 1, window: DepthAddOns.maxWindowMs) == UInt64.max)
    }

    @Test func addOnIsOnTheSizeBeyondTheClosingSidesDepth() {
        let e = DepthAddOns.Entry(market: 1, bandPpm: 10_000, windowMs: 600_000, addonPpm: 100_000, bidDepth: 3 * Self.btc, askDepth: 0,
                                  sampledAtMs: 0)
        let p: UInt64 = 6_000_000_000_000
        #expect(e.addOn(size: Int64(4 * Self.btc), price: p) == 6_000 * Self.usdc)     // a long closes into the 3 BTC of bids
        #expect(e.addOn(size: Int64(3 * Self.btc), price: p) == 0)
        #expect(e.addOn(size: -Int64(4 * Self.btc), price: p) == 24_000 * Self.usdc)   // a short finds no asks
        #expect(e.addOn(size: Int64(3 * Self.btc) + 1, price: p) == 60, "one size unit at 60 000 is 600 quantums; 10% of it")
        #expect(e.addOn(size: Int64(3 * Self.btc) + 1, price: 1) == 1, "rounded up: 10^-17 USDC × 10% is still one quantum")
        let top = DepthAddOns.Entry(market: 1, bandPpm: 1, windowMs: 1_000, addonPpm: 1_000_000, sampledAtMs: 0)
        #expect(top.addOn(size: Int64.min + 1, price: UInt64.max) > 0, "the largest operands do not trap")
    }

    @Test func recordAndTransactionEncodings() throws {
        let r = DepthAddOns(entries: [.init(market: 1, bandPpm: 10_000, windowMs: 600_000, addonPpm: 100_000, bidDepth: 5, askDepth: 6,
                                            sampledAtMs: 7)])
        #expect(r.encoded().count == 3 + 44)
        #expect(try DepthAddOns.decode(r.encoded()) == r)
        for bad in [DepthAddOns(entries: [.init(market: 1, bandPpm: 0, windowMs: 600_000, addonPpm: 1, sampledAtMs: 0)]),
                    DepthAddOns(entries: [.init(market: 2, bandPpm: 1, windowMs: 1_000, addonPpm: 1, sampledAtMs: 0),
                                          .init(market: 1, bandPpm: 1, windowMs: 1_000, addonPpm: 1, sampledAtMs: 0)])] {
            #expect(throws: ProtocolError.self) { try DepthAddOns.decode(bad.encoded()) }
        }
        let tx = Fixtures.tx(admin, nonce: 1, .marketSetDepthAddon(market: 1, bandPpm: 10_000, windowMs: 600_000, addonPpm: 100_000))
        #expect(try TxCodec.decode(tx.bytes).transaction == tx.transaction)
        let body = tx.transaction.body()
        #expect(Hex.encode(Array(body.suffix(22))) == "2700" + "01000000" + "10270000" + "c027090000000000" + "a0860100")
    }

    @Test func transactionChecksInTheSpecsOrder() throws {
        let h = try MarketHarness()
        #expect(h.run(dev0, .marketSetDepthAddon(market: 1, bandPpm: 1, windowMs: 1_000, addonPpm: 1)).code == .unauthorized)
        #expect(h.run(admin, .marketSetDepthAddon(market: 999, bandPpm: 1, windowMs: 1_000, addonPpm: 1)).code == .unknownMarket)
        let option = try #require(h.state.perpMarkets().first { $0.params.instrument.isOption })
        #expect(h.run(admin, .marketSetDepthAddon(market: option.id, bandPpm: 1, windowMs: 1_000, addonPpm: 1)).code == .invalidMarket)
        #expect(h.run(admin, .marketSetDepthAddon(market: 1, bandPpm: 1, windowMs: 1_000, addonPpm: 1_000_001)).code == .invalidField)
        #expect(h.run(admin, .marketSetDepthAddon(market: 1, bandPpm: 500_001, windowMs: 1_000, addonPpm: 1)).code == .invalidField)
        #expect(h.run(admin, .marketSetDepthAddon(market: 1, bandPpm: 1, windowMs: 999, addonPpm: 1)).code == .invalidField)
        #expect(h.state.get(DepthAddOns.stateKey.table, DepthAddOns.stateKey.key) == nil, "refusals write nothing")
        let set = h.run(admin, .marketSetDepthAddon(market: 1, bandPpm: 10_000, windowMs: 600_000, addonPpm: 100_000))
        #expect(set.succeeded && set.events.contains { $0.type == "market_depth_addon_set" })
        #expect(h.state.depthAddOns().entries == [.init(market: 1, bandPpm: 10_000, windowMs: 600_000, addonPpm: 100_000, sampledAtMs: h.time)])
        #expect(h.run(admin, .marketSetDepthAddon(market: 1, bandPpm: 0, windowMs: 0, addonPpm: 0)).succeeded)
        #expect(h.state.depthAddOns().entries.isEmpty)
    }

    /// The spec's example on the state machine: dev1 rests 3 BTC of bids inside a 1% band and 5
    /// outside, and is short the 4 BTC dev0 bought. The bid depth builds with block time; dev0's
    /// long then pays 6 000 on its one BTC beyond it, dev1's short 24 000 (no asks rest), and
    /// neither maintenance requirement moves.
    @Test func depthBuildsWithTimeAndRaisesOnlyTheInitialRequirement() throws {
        let h = try MarketHarness()
        #expect(h.deposit(dev0, "100000").succeeded && h.deposit(dev1, "900000").succeeded)
        #expect(h.run(dev1, h.order(dev1, .sell, "4", at: "60000")).succeeded)
        #expect(h.run(dev0, h.order(dev0, .buy, "4", at: "60000")).succeeded)
        #expect(h.run(dev1, h.order(dev1, .buy, "3", at: "59500")).succeeded)
        #expect(h.run(dev1, h.order(dev1, .buy, "5", at: "59000")).succeeded)
        let before = (try h.risk(dev0), try h.risk(dev1))
        #expect(before.0.initial == 12_000 * Self.usdc && before.1.initial == 12_000 * Self.usdc)
        #expect(h.run(admin, .marketSetDepthAddon(market: 1, bandPpm: 10_000, windowMs: 600_000, addonPpm: 100_000)).succeeded)
        // Nothing earned yet: the whole of each position is beyond a depth of 0.
        #expect(try h.risk(dev0).initial == 36_000 * Self.usdc)
        let start = h.time
        // Each block at most 10 s after a fresh price (the devnet oracle's staleness is longer).
        var t = start
        for _ in 0..<30 {
            t += 10_000
            #expect(h.setPrice("60000", at: t).succeeded)
        }
        let entry = try #require(h.state.depthAddOns().addOn(of: 1))
        // 30 samples of 10 s each: 3 BTC × (1 − (59/60)^30), rounded down step by step.
        #expect(entry.bidDepth > 0 && entry.bidDepth < 3 * Self.btc && entry.askDepth == 0)
        #expect(entry.sampledAtMs == t)
        // The average creeps towards the book from below (rounded down); a gap of a whole window
        // makes it the book: the block after the gap finds the price stale and waits, the next
        // weighs the 610 s since the last sample, more than the window: exactly 3 BTC.
        t += 600_000
        #expect(h.setPrice("60000", at: t).succeeded)
        #expect(try #require(h.state.depthAddOns().addOn(of: 1)).sampledAtMs == t - 600_000, "a stale price waits")
        t += 10_000
        #expect(h.setPrice("60000", at: t).succeeded)
        #expect(try #require(h.state.depthAddOns().addOn(of: 1)).bidDepth == 3 * Self.btc)
        let long = try h.risk(dev0), short = try h.risk(dev1)
        #expect(long.initial == 18_000 * Self.usdc && long.positions[0].depthAddOn == 6_000 * Self.usdc)
        #expect(short.initial == 36_000 * Self.usdc)
        #expect(long.maintenance == before.0.maintenance && short.maintenance == before.1.maintenance)
        #expect(long.liquidityAddOn == 6_000 * Self.usdc)
    }
}
