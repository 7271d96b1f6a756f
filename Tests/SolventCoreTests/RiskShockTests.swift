import PropertyBased
import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// The shock simulation agrees with what happens when the move is really applied, and price
/// bands never hide a liquidatable vault.
@Suite struct RiskShockTests {
    let keeper = DevnetKeys.account(8), maker = DevnetKeys.account(9)
    let traders = (0..<6).map { DevnetKeys.account($0) }

    /// Six vaults at 6x to 19x long and short in BTC and ETH against a maker.
    func book() throws -> MarketHarness {
        let h = try MarketHarness()
        _ = h.deposit(maker, "900000")
        _ = h.deposit(keeper, "900000")
        _ = h.run(maker, h.order(maker, .sell, "5", at: "60010"))
        _ = h.run(maker, h.order(maker, .buy, "5", at: "59990"))
        _ = h.run(maker, h.order(maker, .sell, "50", at: "3001", market: MarketHarness.eth))
        _ = h.run(maker, h.order(maker, .buy, "50", at: "2999", market: MarketHarness.eth))
        let sizes = ["0.5", "0.9", "1.2", "0.4", "0.8", "1.5"]
        for (i, t) in traders.enumerated() {
            #expect(h.deposit(t, "5000").succeeded)
            let side: Side = i % 2 == 0 ? .buy : .sell
            #expect(h.run(t, h.order(t, side, sizes[i], at: side == .buy ? "60100" : "59900", tif: .immediateOrCancel)).succeeded)
            if i % 3 == 0 {
                #expect(h.run(t, h.order(t, side, "1", at: side == .buy ? "3010" : "2990", market: MarketHarness.eth,
                                         tif: .immediateOrCancel)).succeeded)
            }
            #expect(h.position(t) != 0)
        }
        // Bids under the oracle for part of what the longs hold.
        _ = h.run(maker, .orderCancelAll(vault: 0, market: MarketHarness.btc))
        _ = h.run(maker, h.order(maker, .buy, "0.6", at: "55000"))
        return h
    }

    @Test func shockAgreesWithTheMoveActuallyApplied() throws {
        let h = try book()
        let vaults = traders.map { h.vault($0) } + [h.vault(maker)]
        let context = BlockContext(height: 99, timeMs: h.time + 1_000, proposer: Address(DevnetKeys.validator().publicKey))
        let report = try RiskShock.run(moves: [.init(oracleMarket: 1, ppm: -80_000)], candidates: vaults, state: h.state,
                                       context: context, keeper: h.vault(keeper))
        #expect(report.prices[0].to == 55_200 * 100_000_000)
        #expect(report.liquidatable.count >= 2 && report.liquidations.count >= 2, "\(report.liquidatable)")
        #expect(report.totalBounties > 0)

        // Now for real: the oracle moves 8%, and the keeper liquidates in the order keepers use.
        #expect(h.setPrice("55200").succeeded)
        let queue = RiskShock.liquidatable(vaults, state: h.state, at: h.time)
        #expect(queue.map(\.vault) == report.liquidatable.map(\.vault))
        let fundBefore = h.state.insuranceFund()
        let txs = queue.flatMap { entry in
            h.state.positions(of: entry.vault).map { h.tx(keeper, .liquidate(owner: entry.vault.owner, vault: 0, market: $0.market, keeperVault: 0)) }
        }
        let block = h.block(txs)
        let events = block.receipts.compactMap { $0.events.first { $0.type == "liquidation" } }
        #expect(events.count == report.liquidations.count)
        func sum(_ key: String) -> UInt128 { events.reduce(0) { $0 + (try! Amount.parse($1[key]!, decimals: 6)) } }
        #expect(sum("bounty") == report.totalBounties)
        #expect(sum("fee") == report.totalFees)
        #expect(sum("deficit_paid") == report.deficitsPaid)
        #expect(events.map { $0["vault"]! } == report.liquidations.map(\.vault.description))
        #expect(events.map { $0["adl_size"]! } == report.liquidations.map { PerpUnits.formatSize(Int64($0.adlSize)) })
        #expect(fundBefore == report.fundBefore && h.state.insuranceFund() == report.fundAfter)
        #expect(RiskShock.liquidatable(vaults, state: h.state, at: h.time).count == report.stillLiquidatable)
        // The shock wrote nothing: the state it ran on is the one the real move then changed.
    }

    @Test func shockLeavesStateUntouched() throws {
        let h = try book()
        let before = h.state.entries(.oraclePrices, prefix: []).map(\.value) + h.state.entries(.vaults, prefix: []).map(\.value)
        let context = BlockContext(height: 99, timeMs: h.time + 1_000, proposer: Address(DevnetKeys.validator().publicKey))
        let report = try RiskShock.run(moves: [.init(oracleMarket: 1, ppm: -150_000), .init(oracleMarket: 2, ppm: 100_000)],
                                       candidates: traders.map { h.vault($0) }, state: h.state, context: context)
        #expect(report.prices.map(\.to) == [51_000 * 100_000_000, 3_300 * 100_000_000])
        #expect(!report.liquidations.isEmpty)
        let after = h.state.entries(.oraclePrices, prefix: []).map(\.value) + h.state.entries(.vaults, prefix: []).map(\.value)
        #expect(before == after)
    }

    /// Inside its bands a vault is never liquidatable, wherever the prices go within them.
    @Test func bandsNeverHideALiquidatableVault() async throws {
        let h = try book()
        // BTC as collateral too, so a market moves both a position and collateral.
        #expect(h.run(traders[0], .deposit(vault: 0, asset: 1, amount: 2_000_000)).succeeded)
        let vaults = traders.map { h.vault($0) }
        let bands = vaults.compactMap { v in RiskBands.compute(vault: v, state: h.state, at: h.time).map { (v, $0) } }
        #expect(bands.count == vaults.count)
        for (_, b) in bands where !b.liquidatable {
            for band in b.bands { #expect(band.low < band.price && band.price < band.high, "\(band)") }
        }
        await propertyCheck(count: 200, input: Gen.int(in: 0...5), Gen.uint64(in: 0...1_000_000), Gen.uint64(in: 0...1_000_000)) { i, u, v in
            let (vault, b) = bands[i]
            guard !b.liquidatable else { return }
            // Prices anywhere strictly inside the bands (u, v pick the point between the ends).
            let overlay = StateOverlay(base: h.state)
            for (k, band) in b.bands.enumerated() {
                let high = min(band.high, band.price * 4)
                let span = high - band.low - 1
                let pick = band.low + 1 + (span == 0 ? 0 : (k == 0 ? u : v) % span)
                var market = overlay.oracleMarket(band.oracleMarket)!
                market.price = pick
                overlay.putOracleMarket(market)
            }
            let risk = try Margin.risk(of: vault, state: overlay, at: h.time, prices: .latest)
            #expect(!risk.isLiquidatable, "\(vault) at \(b.bands.map(\.oracleMarket)) inside its bands")
        }
    }

    /// Just outside a band the vault may be liquidatable; at the band's end in a single-market
    /// vault it nearly is (the band is tight, not only safe).
    @Test func bandsAreTight() throws {
        let h = try book()
        let v = h.vault(traders[1])   // short 0.9 BTC only
        let b = try #require(RiskBands.compute(vault: v, state: h.state, at: h.time))
        #expect(b.bands.count == 1)
        let band = b.bands[0]
        let overlay = StateOverlay(base: h.state)
        var market = overlay.oracleMarket(1)!
        market.price = band.high + band.price / 5_000   // 0.02% past the end
        overlay.putOracleMarket(market)
        #expect(try Margin.risk(of: v, state: overlay, at: h.time, prices: .latest).isLiquidatable)
    }
}
