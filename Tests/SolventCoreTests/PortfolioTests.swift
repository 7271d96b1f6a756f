import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// Dated futures, options and portfolio vaults on the devnet genesis (portfolio-margin.md and
/// options.md): the offsets the issue asks for, settlement at expiry, and the rules a portfolio
/// vault shares with cross vaults.
@Suite struct PortfolioTests {
    static let perp: UInt32 = 1, future: UInt32 = 4, call60k: UInt32 = 6, put60k: UInt32 = 7
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1), dev2 = DevnetKeys.account(2), dev3 = DevnetKeys.account(3)

    /// dev0 gets a portfolio vault 1 and a cross vault 0, dev1 and dev2 the counterparties.
    func harness(deposit: String = "100000") throws -> MarketHarness {
        let h = try MarketHarness()
        for key in [dev0, dev1, dev2, dev3] { #expect(h.deposit(key, "500000").succeeded) }
        #expect(h.run(dev0, .vaultOpen(vault: 1, mode: .portfolio)).succeeded)
        #expect(h.deposit(dev0, deposit, vault: 1).succeeded)
        return h
    }

    /// `taker` (vault `vault`) trades `size` of `market` with `maker` at `price`.
    func trade(_ h: MarketHarness, taker: PrivateKey, vault: UInt32 = 0, _ side: Side, _ size: String, _ market: UInt32,
               at price: String, maker: PrivateKey) {
        #expect(h.run(maker, h.order(maker, side.opposite, size, at: price, market: market)).succeeded)
        let r = h.run(taker, h.order(taker, side, size, at: price, market: market, vault: vault, tif: .immediateOrCancel))
        #expect(r.succeeded, "\(r.message)")
        #expect(h.position(taker, market, vault: vault) != 0)
    }

    /// The option's model price now, rounded to its 1-dollar tick.
    func mark(_ h: MarketHarness, _ market: UInt32) throws -> String {
        let m = try #require(h.state.perpMarket(market))
        let mark = Margin.optionMark(m.params, underlying: MarketHarness.price("60000"), vol: MarketHarness.price("0.6"), at: h.time + 1_000)
        return OraclePrice.format(mark.price / 100_000_000 * 100_000_000)
    }

    @Test func perpHedgedWithTheFutureNeedsHalfOfCrossMargin() throws {
        let h = try harness()
        trade(h, taker: dev0, vault: 1, .buy, "1", Self.perp, at: "60000", maker: dev1)
        trade(h, taker: dev0, vault: 1, .sell, "1", Self.future, at: "60000", maker: dev1)
        // The same two positions in a cross vault.
        trade(h, taker: dev2, .buy, "1", Self.perp, at: "60000", maker: dev3)
        trade(h, taker: dev2, .sell, "1", Self.future, at: "60000", maker: dev3)

        let portfolio = try h.risk(dev0, 1), cross = try h.risk(dev2)
        let p = try #require(portfolio.portfolio)
        // Cross: 5% of 60,000 on each leg.
        #expect(cross.initial == MarketHarness.usdc("6000"))
        #expect(portfolio.standaloneInitial == cross.initial)
        // Both legs are marked at the index, so no scenario loses; what is left is the
        // hedged-delta contingency, 1 BTC × 60,000 × 1%, and the closeout contingency, 2% of each
        // leg's 60,000: 600 + 2,400.
        #expect(p.scanLoss == 0)
        let btc = try #require(p.underlyings.first)
        #expect(btc.hedgedDeltaCharge == MarketHarness.usdc("600") && btc.closeoutCharge == MarketHarness.usdc("2400"))
        #expect(p.contingency == MarketHarness.usdc("3000"))
        #expect(portfolio.initial == MarketHarness.usdc("3000"))
        #expect(portfolio.initial > 0 && portfolio.initial * 2 <= cross.initial)
        // 1.5% of one leg: above the 1% fee and keeper's discount of closing both (liquidation.md, "Soundness").
        #expect(portfolio.maintenance == MarketHarness.usdc("1800"))
    }

    @Test func deltaHedgedLongCallIsFarBelowTheStandaloneSum() throws {
        let h = try harness()
        let price = try mark(h, Self.call60k)
        trade(h, taker: dev0, vault: 1, .buy, "1", Self.call60k, at: price, maker: dev1)
        let before = try h.risk(dev0, 1)
        let call = try #require(before.positions.first)
        let delta = try PortfolioMargin.delta(of: call.portfolioPosition)   // size units
        // Sell the call's delta in the perpetual, on the 0.0001 step.
        trade(h, taker: dev0, vault: 1, .sell, PerpUnits.formatSize(Int64(delta) / 10_000 * 10_000), Self.perp, at: "60000", maker: dev2)

        let risk = try h.risk(dev0, 1)
        let p = try #require(risk.portfolio)
        // Standalone: the call's whole value plus 5% of the perpetual's notional.
        #expect(risk.standaloneInitial == risk.positions.reduce(0) { $0 + $1.initial })
        #expect(p.initial > 0)
        #expect(p.initial * 3 < risk.standaloneInitial, "portfolio \(p.initial) vs standalone \(risk.standaloneInitial)")
        // Long gamma and long vega: what hurts is volatility falling.
        let btc = try #require(p.underlyings.first)
        let worst = try #require(btc.worst.map { btc.scenarios[$0] })
        #expect(worst.volMovePpm < 0)
        #expect(btc.hedgedDeltaCharge > 0)
    }

    @Test func nakedShortOptionNeedsAtLeastItsWorstScenarioLoss() throws {
        let h = try harness()
        trade(h, taker: dev0, vault: 1, .sell, "1", Self.call60k, at: try mark(h, Self.call60k), maker: dev1)
        let risk = try h.risk(dev0, 1)
        let p = try #require(risk.portfolio)
        let btc = try #require(p.underlyings.first)
        let worstLoss = btc.scenarios.map { -$0.pnl }.max()!
        #expect(worstLoss > 0)
        #expect(p.scanLoss == UInt128(worstLoss))
        #expect(p.initial >= UInt128(worstLoss))
        // ... plus the short-option contingency: 1% of 60,000.
        #expect(btc.shortOptionCharge == MarketHarness.usdc("600"))
        // ... and the closeout contingency: 2% of the option's own (unrounded) price, rounded up.
        let option = try #require(risk.positions.first)
        let closeout = FixedPoint.mulDiv(UInt128(100_000_000) * 20_000, UInt128(option.markWad), 100_000_000_000_000_000_000_000_000, .up)
        #expect(btc.closeoutCharge == closeout && btc.closeoutCharge > 0)
        #expect(p.initial == UInt128(worstLoss) + btc.shortOptionCharge + btc.closeoutCharge)
        // A short call loses most when the price rises and volatility goes up.
        let worst = btc.scenarios[btc.worst!]
        #expect(worst.priceMovePpm > 0 && worst.volMovePpm >= 0)
    }

    @Test func portfolioVaultRefusesAnOrderBeyondItsRequirement() throws {
        let h = try harness(deposit: "1000")
        #expect(h.run(dev1, h.order(dev1, .buy, "1", at: "15000", market: Self.call60k)).succeeded)
        let r = h.run(dev0, h.order(dev0, .sell, "1", at: "15000", market: Self.call60k, vault: 1, tif: .immediateOrCancel))
        #expect(r.code == .insufficientMargin)
        #expect(h.position(dev0, Self.call60k, vault: 1) == 0)
    }

    @Test func futuresAndOptionsSettleAtExpiryAndConserveUSDC() throws {
        let h = try harness()
        let supply = h.usdcSupply()
        trade(h, taker: dev0, vault: 1, .buy, "1", Self.future, at: "60000", maker: dev1)
        trade(h, taker: dev2, .buy, "2", Self.call60k, at: try mark(h, Self.call60k), maker: dev3)
        trade(h, taker: dev2, .buy, "1", Self.put60k, at: try mark(h, Self.put60k), maker: dev3)
        #expect(h.run(dev1, h.order(dev1, .sell, "1", at: "70000", market: Self.future)).succeeded)   // a resting order
        let ids = [h.vault(dev0, 1), h.vault(dev1), h.vault(dev2), h.vault(dev3)]
        let quotes = ids.map { h.state.vault($0)!.quote }

        let expiry = try #require(UTCTime.parse(DevnetKeys.devnetExpiry))
        #expect(h.setPrice("64000", at: expiry - 5_000).succeeded)
        let block = h.block([], at: expiry + 1)
        let settled = block.blockEvents.filter { $0.type == "market_settled" }
        // The BTC future and the four BTC options; the ETH ones wait for a fresh ETH price.
        #expect(settled.map { $0["market"] ?? "" } == ["BTC-26MAR27", "BTC-26MAR27-60000-C", "BTC-26MAR27-60000-P", "BTC-26MAR27-70000-C",
                                                       "BTC-26MAR27-50000-P"])
        #expect(block.blockEvents.contains { $0.type == "order_canceled" && $0["reason"] == "settlement" })
        #expect(h.state.perpMarket(5)!.isSettled == false)
        #expect(h.run(dev1, h.order(dev1, .sell, "1", at: "3000", market: 5)).code == .marketSettled)   // expired: no new orders
        #expect(h.setPrice("3100", market: MarketHarness.eth).succeeded)
        h.block([])   // settlement runs before a block's transactions: the block after the price
        #expect(h.state.perpMarket(5)!.isSettled && h.state.perpMarket(5)!.settlementPrice == MarketHarness.price("3100"))
        // The future: dev0 long 1 receives 64,000, dev1 short pays it; the call pays 4,000 per
        // BTC, the put nothing.
        let after = ids.map { h.state.vault($0)!.quote }
        #expect(after[0] - quotes[0] == Int128(MarketHarness.usdc("64000")))
        #expect(after[1] - quotes[1] == -Int128(MarketHarness.usdc("64000")))
        #expect(after[2] - quotes[2] == Int128(MarketHarness.usdc("8000")))
        #expect(after[3] - quotes[3] == -Int128(MarketHarness.usdc("8000")))
        for m in [Self.future, Self.call60k, Self.put60k] {
            #expect(h.sizes(m).longs == 0)
            #expect(h.state.perpMarket(m)!.isSettled)
            #expect(h.state.perpMarket(m)!.openInterest == 0)
        }
        #expect(h.state.perpMarket(Self.call60k)!.settlementPrice == MarketHarness.price("4000"))
        #expect(h.usdcSupply() == supply)
        #expect(OrderBook.orders(owner: Address(dev1.publicKey), state: h.state).isEmpty)
        // A settled market takes no orders.
        #expect(h.run(dev1, h.order(dev1, .sell, "1", at: "70000", market: Self.future)).code == .marketSettled)
        // The perpetual is not touched.
        #expect(!h.state.perpMarket(Self.perp)!.isSettled)
    }

    @Test func theLiquidationClosesFirstWhatLowersTheRequirementMost() throws {
        let h = try harness(deposit: "6000")
        // A short call hedged with a long perpetual: closing the call lowers the requirement
        // most; the perpetual is the hedge.
        trade(h, taker: dev0, vault: 1, .sell, "0.5", Self.call60k, at: try mark(h, Self.call60k), maker: dev1)
        trade(h, taker: dev0, vault: 1, .buy, "0.3", Self.perp, at: "60000", maker: dev2)
        // Volatility doubles in steps: the short call loses and the vault falls under maintenance.
        var vol = 0.6
        while try !h.risk(dev0, 1).isLiquidatable {
            vol *= 1.09
            #expect(h.setPrice(String(format: "%.4f", vol), market: 4).succeeded)
            if vol > 3 { break }
        }
        let risk = try h.risk(dev0, 1)
        #expect(risk.isLiquidatable)
        #expect(try Liquidation.firstMarketToClose(risk, state: h.state) == Self.call60k)
        let wrong = h.run(dev3, .liquidate(owner: Address(dev0.publicKey), vault: 1, market: Self.perp, keeperVault: 0))
        #expect(wrong.code == .liquidateOtherMarketFirst)
        let right = h.run(dev3, .liquidate(owner: Address(dev0.publicKey), vault: 1, market: Self.call60k, keeperVault: 0))
        #expect(right.succeeded, "\(right.message)")
        #expect(h.position(dev0, Self.call60k, vault: 1) > -50_000_000)
    }
}
