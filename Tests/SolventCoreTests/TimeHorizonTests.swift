import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// The time bound of the node's index (liquidation.md, "Time"): how far a vault's excess can
/// fall while block time passes with every price unchanged. Checked against the margin rules
/// themselves at many later times, for books that gain and books that lose with time.
@Suite struct TimeHorizonTests {
    static let perp: UInt32 = 1, call60k: UInt32 = 6, put60k: UInt32 = 7, call70k: UInt32 = 8, put50k: UInt32 = 9, ethCall: UInt32 = 10
    static let expiry: UInt64 = 1_806_048_000_000
    static let hour: UInt64 = 3_600_000, day: UInt64 = 86_400_000
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1)

    /// liquidation.md, "Time", the worked example: a 30-day call at 60,000 and 0.6 over an hour.
    @Test func decayOfAThirtyDayCallOverAnHour() {
        #expect(TimeHorizon.decay(spot: 6_000_000_000_000, vol: 60_000_000, timeMs: 30 * Self.day, elapsed: Self.hour) == 291_148_437)
        // Nothing once expired, and never more than the whole time to expiry's.
        #expect(TimeHorizon.decay(spot: 6_000_000_000_000, vol: 60_000_000, timeMs: 0, elapsed: Self.hour) == 0)
        #expect(TimeHorizon.decay(spot: 6_000_000_000_000, vol: 60_000_000, timeMs: Self.hour, elapsed: Self.day)
                == TimeHorizon.decay(spot: 6_000_000_000_000, vol: 60_000_000, timeMs: Self.hour, elapsed: Self.hour))
    }

    /// The Black-Scholes price never falls by more than `decay` (in wads: price units × 10^10).
    @Test func decayBoundsTheBlackScholesPriceDrop() {
        for spot: UInt64 in [1_000_000_000_000, 5_000_000_000_000, 6_000_000_000_000, 7_500_000_000_000] {
            for vol: UInt64 in [10_000_000, 60_000_000, 150_000_000] {
                for t in [90 * Self.day, 2 * Self.day, Self.hour, 60_000] {
                    for w in [t / 100, t / 7, t / 2, t] where w > 0 {
                        for call in [true, false] {
                            let before = BlackScholes.price(spot: spot, strike: 6_000_000_000_000, vol: vol, timeMs: t, isCall: call)
                            let after = BlackScholes.price(spot: spot, strike: 6_000_000_000_000, vol: vol, timeMs: t - w, isCall: call)
                            let bound = Int128(TimeHorizon.decay(spot: spot, vol: vol, timeMs: t, elapsed: w)) * 10_000_000_000
                            #expect(before - after <= bound, "S \(spot) σ \(vol) T \(t) w \(w)")
                            // The price falls, up to the last wad of rounding.
                            #expect(after <= before + 1)
                        }
                    }
                }
            }
        }
    }

    /// Books in portfolio and cross vaults, long and short options, hedged and not, on BTC and ETH.
    func books() throws -> (MarketHarness, [VaultID]) {
        let h = try MarketHarness()
        #expect(h.deposit(dev0, "1000").succeeded)
        #expect(h.deposit(dev1, "500000").succeeded)
        // Marks near 60,000 at genesis, 449 days before expiry: fill at these prices.
        let legs: [(vault: UInt32, market: UInt32, side: Side, size: String, price: String)] = [
            (1, Self.call60k, .buy, "1", "15646"),                                               // long call
            (2, Self.call60k, .sell, "1", "15645"), (2, Self.perp, .buy, "0.6", "60000"),          // short gamma, hedged
            (3, Self.put60k, .buy, "2", "15646"), (3, Self.perp, .buy, "0.9", "60000"),            // protective puts
            (4, Self.call70k, .sell, "1", "12384"), (4, Self.put50k, .buy, "1", "9855"),          // risk reversal
            (4, Self.ethCall, .buy, "10", "906.7"),                                               // and ETH, for the credit
            (5, Self.call60k, .sell, "1", "15645"),                                              // cross: naked short call
            (6, Self.put60k, .buy, "1", "15646"), (6, Self.perp, .sell, "0.5", "60000"),           // cross: long put, short perp
        ]
        for (vault, mode) in [(UInt32(1), VaultMode.portfolio), (2, .portfolio), (3, .portfolio), (4, .portfolio), (5, .cross), (6, .cross)] {
            #expect(h.run(dev0, .vaultOpen(vault: vault, mode: mode)).succeeded)
            #expect(h.deposit(dev0, "50000", vault: vault).succeeded)
        }
        for leg in legs {
            #expect(h.run(dev1, h.order(dev1, leg.side.opposite, leg.size, at: leg.price, market: leg.market)).succeeded)
            let r = h.run(dev0, h.order(dev0, leg.side, leg.size, at: leg.price, market: leg.market, vault: leg.vault, tif: .immediateOrCancel))
            #expect(r.succeeded, "vault \(leg.vault) market \(leg.market): \(r.message)")
        }
        return (h, (1...6).map { h.vault(dev0, $0) })
    }

    func excess(_ v: VaultID, _ h: MarketHarness, at time: UInt64) throws -> Int128 {
        let r = try Margin.risk(of: v, state: h.state, at: time, prices: .latest)
        return r.equity - Int128(r.maintenance)
    }

    /// excess(t + w) ≥ excess(t) − bound(w) for every vault, from a year out to the last hour.
    @Test func theBoundHoldsAtEveryLaterTime() throws {
        let (h, vaults) = try books()
        for v in vaults {
            for t in [h.time, Self.expiry - 60 * Self.day, Self.expiry - 3 * Self.day, Self.expiry - 5 * Self.hour, Self.expiry - Self.hour] {
                let risk = try Margin.risk(of: v, state: h.state, at: t, prices: .latest)
                let start = risk.equity - Int128(risk.maintenance)
                for w in [1, 60_000, Self.hour / 2, Self.hour, 6 * Self.hour, Self.day, 10 * Self.day].filter({ t + $0 <= Self.expiry + Self.hour }) {
                    let bound = TimeHorizon.bound(risk: risk, elapsed: w)
                    let later = try excess(v, h, at: t + w)
                    #expect(later >= start - Int128(bound), "vault \(v.number) at \(Self.expiry - t) ms before expiry, \(w) ms later: \(start) → \(later), bound \(bound)")
                }
            }
        }
    }

    /// A deadline is never past the bucket's end or the expiry, and the excess is still ≥ 0 just
    /// before it; a vault far from maintenance waits the whole bucket, one on its edge not at all.
    @Test func deadlinesAreSafeAndBounded() throws {
        let (h, vaults) = try books()
        for v in vaults {
            for t in [h.time, Self.expiry - 3 * Self.day, Self.expiry - Self.hour / 2] {
                let risk = try Margin.risk(of: v, state: h.state, at: t, prices: .latest)
                let start = risk.equity - Int128(risk.maintenance)
                #expect(start > 0)
                let cap = t + Self.hour
                let due = try #require(TimeHorizon.deadline(risk: risk, excess: start, at: t, cap: cap))
                #expect(due > t && due <= min(cap, Self.expiry))
                #expect(try excess(v, h, at: due - 1) >= 0)
                // With nothing to spare the next block must look again.
                #expect(TimeHorizon.deadline(risk: risk, excess: 0, at: t, cap: cap) == t + 1)
            }
        }
        // 50,000 USDC on one option: the whole bucket.
        let risk = try h.risk(dev0, 1)
        #expect(TimeHorizon.deadline(risk: risk, excess: risk.equity - Int128(risk.maintenance), at: h.time, cap: h.time + Self.hour) == h.time + Self.hour)
        // Without an option before its expiry there is no deadline.
        #expect(TimeHorizon.deadline(risk: try Margin.risk(of: vaults[0], state: h.state, at: Self.expiry, prices: .latest), excess: 1,
                                     at: Self.expiry, cap: Self.expiry + Self.hour) == nil)
    }
}
