import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// The worked example of contracts-spec/markets.md and margin.md, and the order book's rules.
@Suite struct MarketTests {
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1), dev2 = DevnetKeys.account(2)

    /// dev0 and dev1 each deposit 10,000 USDC; dev1 offers 1 BTC at 60,000 and dev0 takes it.
    func tradeOneBitcoin() throws -> MarketHarness {
        let h = try MarketHarness()
        #expect(h.deposit(dev0, "10000").succeeded)
        #expect(h.deposit(dev1, "10000").succeeded)
        let rest = h.run(dev1, h.order(dev1, .sell, "1", at: "60000"))
        #expect(rest.succeeded, "\(rest.message)")
        let take = h.run(dev0, h.order(dev0, .buy, "1", at: "60000"))
        #expect(take.succeeded, "\(take.message)")
        return h
    }

    @Test func workedExample() throws {
        let h = try tradeOneBitcoin()
        let usd = Int128(1_000_000)
        // Positions, quote balances after fees (taker 0.05% = 30, maker 0.02% = 12), open interest.
        #expect(h.position(dev0) == 100_000_000 && h.position(dev1) == -100_000_000)
        #expect(h.state.vault(h.vault(dev0))?.quote == -50_030 * usd)
        #expect(h.state.vault(h.vault(dev1))?.quote == 69_988 * usd)
        #expect(h.state.perpMarket(MarketHarness.btc)?.openInterest == 100_000_000)
        // Fees split half and half: 21 USDC to the insurance fund, 21 to the fee pool.
        #expect(h.state.insuranceFund() == 21_000_000 && h.state.feePool() == 21_000_000)
        // Margin at the oracle price of 60,000: tier 1 rates 5% / 3%.
        let long = try h.risk(dev0)
        #expect(long.equity == 9_970 * usd)
        #expect(long.initial == 3_000_000_000 && long.maintenance == 1_800_000_000)
        #expect(long.freeCollateral == 6_970 * usd)
        #expect(long.marginRatioPpm == 5_538_888)
        let tiers = h.state.perpMarket(MarketHarness.btc)!.params.tiers
        #expect(Margin.liquidationPrice(of: long.positions[0], in: long, tiers: tiers) == MarketHarness.price("51577.31958763"))
        #expect(long.positions[0].entryPrice == MarketHarness.price("60000"))
        let short = try h.risk(dev1)
        #expect(short.equity == 9_988 * usd)
        #expect(Margin.liquidationPrice(of: short.positions[0], in: short, tiers: tiers) == MarketHarness.price("67949.5145631"))
        // The price moves to 61,000: the long gains 1,000, the short loses it.
        #expect(h.setPrice("61000").succeeded)
        #expect(try h.risk(dev0).equity == 10_970 * usd)
        #expect(try h.risk(dev0).positions[0].unrealizedPnl == 1_000 * usd)
        #expect(try h.risk(dev1).equity == 8_988 * usd)
    }

    @Test func fillEventCarriesBothSides() throws {
        let h = try MarketHarness()
        _ = h.deposit(dev0, "10000"); _ = h.deposit(dev1, "10000")
        _ = h.run(dev1, h.order(dev1, .sell, "0.5", at: "60000"))
        let r = h.run(dev0, h.order(dev0, .buy, "0.5", at: "60100"))
        let fill = try #require(r.events.first { $0.type == "fill" })
        #expect(fill["price"] == "60000" && fill["size"] == "0.5" && fill["quote"] == "30000")
        #expect(fill["maker_fee"] == "6" && fill["taker_fee"] == "15" && fill["taker_side"] == "buy")
        #expect(fill["maker_order"] == "1" && fill["taker_order"] == "2")
    }

    @Test func priceTimePriorityAndPartialFills() throws {
        let h = try MarketHarness()
        for k in [dev0, dev1, dev2] { _ = h.deposit(k, "100000") }
        // Two asks at 60,100 (dev1 first, then dev2) and a better one at 60,050 (dev2).
        _ = h.run(dev1, h.order(dev1, .sell, "0.3", at: "60100"))
        _ = h.run(dev2, h.order(dev2, .sell, "0.3", at: "60100"))
        _ = h.run(dev2, h.order(dev2, .sell, "0.2", at: "60050"))
        let r = h.run(dev0, h.order(dev0, .buy, "0.4", at: "60100"))
        let fills = r.events.filter { $0.type == "fill" }
        #expect(fills.map { $0["price"]! } == ["60050", "60100"])
        #expect(fills.map { $0["size"]! } == ["0.2", "0.2"])
        #expect(fills[1]["maker"] == Address(dev1.publicKey).text, "at one price the older order fills first")
        let book = OrderBook.depth(market: MarketHarness.btc, side: .sell, levels: 5, state: h.state)
        #expect(book.count == 1 && book[0].price == MarketHarness.price("60100") && book[0].size == MarketHarness.size("0.4") && book[0].orders == 2)
        #expect(h.position(dev0) == 40_000_000)
    }

    @Test func timeInForceAndMarketOrders() throws {
        let h = try MarketHarness()
        for k in [dev0, dev1] { _ = h.deposit(k, "100000") }
        _ = h.run(dev1, h.order(dev1, .sell, "0.2", at: "60000"))
        // Post-only would cross: refused, nothing changes.
        let post = h.run(dev0, h.order(dev0, .buy, "0.1", at: "60000", tif: .postOnly))
        #expect(post.code == .postOnlyWouldCross)
        #expect(h.run(dev0, h.order(dev0, .buy, "0.1", at: "59000", tif: .postOnly)).succeeded)
        // IOC fills 0.2 and cancels the rest; it never rests.
        let ioc = h.run(dev0, h.order(dev0, .buy, "0.5", at: "60000", tif: .immediateOrCancel))
        #expect(ioc.events.contains { $0.type == "order_canceled" && $0["reason"] == "immediate_or_cancel" && $0["remaining"] == "0.3" })
        #expect(h.position(dev0) == 20_000_000)
        // A market order with a worst price below the best ask fills nothing.
        _ = h.run(dev1, h.order(dev1, .sell, "0.1", at: "60500"))
        let market = h.run(dev0, h.order(dev0, .buy, "0.1", at: "60400", tif: .immediateOrCancel, kind: .market))
        #expect(market.succeeded && !market.events.contains { $0.type == "fill" })
        #expect(h.run(dev0, h.order(dev0, .buy, "0.1", at: "60500", kind: .market)).code == .invalidOrder)
        let filled = h.run(dev0, h.order(dev0, .buy, "0.1", at: "61000", tif: .immediateOrCancel, kind: .market))
        #expect(filled.events.first { $0.type == "fill" }?["price"] == "60500")
    }

    @Test func sizeAndPriceRules() throws {
        let h = try MarketHarness()
        _ = h.deposit(dev0, "100000")
        #expect(h.run(dev0, h.order(dev0, .buy, "0.0005", at: "60000")).code == .invalidOrderSize, "below the minimum")
        #expect(h.run(dev0, h.order(dev0, .buy, "0.00105", at: "60000")).code == .invalidOrderSize, "not a step multiple")
        #expect(h.run(dev0, h.order(dev0, .buy, "0.001", at: "60000.5")).code == .invalidOrderPrice, "not a tick multiple")
        #expect(h.run(dev0, h.order(dev0, .buy, "0.001", at: "60000", market: 99)).code == .unknownMarket)
        #expect(h.run(dev0, h.order(dev0, .buy, "0.001", at: "60000", vault: 3)).code == .vaultNotFound)
    }

    @Test func selfTradesCancelTheRestingOrder() throws {
        let h = try MarketHarness()
        _ = h.deposit(dev0, "100000")
        _ = h.run(dev0, .vaultOpen(vault: 1, mode: .cross))
        _ = h.run(dev0, .deposit(vault: 1, asset: 0, amount: MarketHarness.usdc("100000")))
        _ = h.run(dev0, h.order(dev0, .sell, "0.1", at: "60000"))
        let r = h.run(dev0, h.order(dev0, .buy, "0.1", at: "60000", vault: 1))
        #expect(r.events.contains { $0.type == "order_canceled" && $0["reason"] == "self_trade" && $0["order_id"] == "1" })
        #expect(!r.events.contains { $0.type == "fill" })
        #expect(h.position(dev0) == 0 && h.position(dev0, vault: 1) == 0)
    }

    @Test func reduceOnlyNeverIncreases() throws {
        let h = try MarketHarness()
        for k in [dev0, dev1] { _ = h.deposit(k, "100000") }
        #expect(h.run(dev0, h.order(dev0, .sell, "0.1", at: "60000", reduceOnly: true)).code == .reduceOnlyWouldIncrease)
        _ = h.run(dev1, h.order(dev1, .sell, "0.3", at: "60000"))
        _ = h.run(dev0, h.order(dev0, .buy, "0.3", at: "60000"))
        #expect(h.run(dev0, h.order(dev0, .buy, "0.1", at: "60000", reduceOnly: true)).code == .reduceOnlyWouldIncrease)
        // A reduce-only sell of 1 BTC against 2 BTC of bids closes only the 0.3 held.
        _ = h.run(dev1, h.order(dev1, .buy, "2", at: "59000"))
        let r = h.run(dev0, h.order(dev0, .sell, "1", at: "59000", tif: .immediateOrCancel, reduceOnly: true))
        #expect(r.events.filter { $0.type == "fill" }.map { $0["size"]! } == ["0.3"])
        #expect(h.position(dev0) == 0)
        // A resting reduce-only order is trimmed, then dropped, when the position it reduces shrinks.
        _ = h.run(dev1, h.order(dev1, .sell, "0.3", at: "59000"))
        _ = h.run(dev0, h.order(dev0, .buy, "0.3", at: "61000"))
        _ = h.run(dev0, h.order(dev0, .sell, "0.5", at: "62000", reduceOnly: true))
        // (dev1's own sell above cancelled dev1's remaining bid: no self-trades.) dev2 bids, dev0 sells into it.
        _ = h.deposit(dev2, "100000")
        _ = h.run(dev2, h.order(dev2, .buy, "0.3", at: "58000"))
        #expect(h.run(dev0, h.order(dev0, .sell, "0.3", at: "58000", tif: .immediateOrCancel)).events.contains { $0.type == "fill" })
        let sweep = h.run(dev1, h.order(dev1, .buy, "0.5", at: "62000", tif: .immediateOrCancel))
        #expect(sweep.events.contains { $0.type == "order_canceled" && $0["reason"] == "reduce_only" })
        #expect(h.position(dev0) == 0)
    }

    @Test func cancelAndCancelAll() throws {
        let h = try MarketHarness()
        _ = h.deposit(dev0, "100000"); _ = h.deposit(dev1, "100000")
        _ = h.run(dev0, h.order(dev0, .buy, "0.1", at: "59000"))
        _ = h.run(dev0, h.order(dev0, .buy, "0.1", at: "58000"))
        _ = h.run(dev0, h.order(dev0, .sell, "0.1", at: "3000", market: MarketHarness.eth))
        #expect(h.run(dev1, .orderCancel(orderID: 1)).code == .notOrderOwner)
        #expect(h.run(dev0, .orderCancel(orderID: 1)).succeeded)
        #expect(h.run(dev0, .orderCancel(orderID: 1)).code == .orderNotFound)
        let all = h.run(dev0, .orderCancelAll(vault: 0, market: MarketHarness.btc))
        #expect(all.events.first?["count"] == "1")
        #expect(OrderBook.orders(owner: Address(dev0.publicKey), state: h.state).map(\.id) == [3])
    }

    @Test func ordersAndWithdrawalsBeyondInitialMarginAreRefused() throws {
        let h = try MarketHarness()
        _ = h.deposit(dev0, "3100"); _ = h.deposit(dev1, "100000")
        _ = h.run(dev1, h.order(dev1, .sell, "2", at: "60000"))
        // 1 BTC needs 3,000 of initial margin plus the 30 fee: fine. 1.1 BTC is not.
        let tooBig = h.run(dev0, h.order(dev0, .buy, "1.1", at: "60000"))
        #expect(tooBig.code == .insufficientMargin, "\(tooBig.message)")
        #expect(h.position(dev0) == 0, "a refused order leaves nothing behind")
        #expect(h.run(dev0, h.order(dev0, .buy, "1", at: "60000")).succeeded)
        // Equity is now 3,100 − 30 = 3,070 against 3,000: withdrawing 71 USDC would breach it,
        // 70 does not (the quote, −56,930, goes further below zero: the position backs it).
        #expect(h.run(dev0, .withdraw(vault: 0, asset: 0, amount: MarketHarness.usdc("71"))).code == .insufficientMargin)
        #expect(h.run(dev0, .withdraw(vault: 0, asset: 0, amount: MarketHarness.usdc("70"))).succeeded)
        #expect(try h.risk(dev0).equity == Int128(3_000_000_000))
        // Without positions nothing is lent: a vault can only withdraw the USDC it has.
        _ = h.deposit(dev2, "50")
        #expect(h.run(dev2, .withdraw(vault: 0, asset: 0, amount: MarketHarness.usdc("51"))).code == .insufficientBalance)
    }

    @Test func underInitialMarginOnlyRiskReducingOrdersPass() throws {
        let h = try MarketHarness()
        _ = h.deposit(dev0, "3100"); _ = h.deposit(dev1, "100000")
        _ = h.run(dev1, h.order(dev1, .sell, "1", at: "60000"))
        _ = h.run(dev0, h.order(dev0, .buy, "1", at: "60000"))
        // The price falls to 59,000: equity 2,070 is under the 2,950 initial requirement (but above maintenance 1,770).
        #expect(h.setPrice("59000").succeeded)
        let r = try h.risk(dev0)
        #expect(r.equity < Int128(r.initial) && !r.isLiquidatable)
        // Adding is refused; reducing (not reduce-only, just smaller) is allowed because it is no riskier.
        _ = h.run(dev1, h.order(dev1, .sell, "0.5", at: "59000"))
        #expect(h.run(dev0, h.order(dev0, .buy, "0.1", at: "59000")).code == .insufficientMargin)
        _ = h.run(dev1, h.order(dev1, .buy, "0.5", at: "59000"))
        let reduce = h.run(dev0, h.order(dev0, .sell, "0.5", at: "59000", tif: .immediateOrCancel))
        #expect(reduce.succeeded, "\(reduce.message)")
        #expect(h.position(dev0) == 50_000_000)
    }

    @Test func isolatedVaultLossStaysThere() throws {
        let h = try MarketHarness()
        _ = h.deposit(dev0, "10000")
        #expect(h.run(dev0, .vaultOpen(vault: 1, mode: .isolated(market: MarketHarness.btc))).succeeded)
        #expect(h.run(dev0, .vaultOpen(vault: 1, mode: .cross)).code == .vaultExists)
        #expect(h.run(dev0, .vaultOpen(vault: 5, mode: .cross)).code == .vaultNumberGap)
        _ = h.run(dev0, .deposit(vault: 1, asset: 0, amount: MarketHarness.usdc("5000")))
        _ = h.deposit(dev1, "100000")
        #expect(h.run(dev0, h.order(dev0, .buy, "0.1", at: "3000", market: MarketHarness.eth, vault: 1)).code == .vaultMarketMismatch)
        _ = h.run(dev1, h.order(dev1, .sell, "1", at: "60000"))
        #expect(h.run(dev0, h.order(dev0, .buy, "1", at: "60000", vault: 1)).succeeded)
        let crossBefore = try h.risk(dev0, 0)
        #expect(h.setPrice("56000").succeeded)
        let isolated = try h.risk(dev0, 1)
        #expect(isolated.equity == Int128(970_000_000), "5,000 − 30 fee − 4,000 loss")
        let crossAfter = try h.risk(dev0, 0)
        #expect(crossAfter.equity == crossBefore.equity && crossAfter.equity == 10_000_000_000)
    }

    @Test func collateralCountsAtItsHaircut() throws {
        let h = try MarketHarness()
        // 1 BTC at 60,000 with a 10% haircut counts 54,000; 10 ETH at 3,000 with 15% counts 25,500.
        _ = h.run(dev0, .deposit(vault: 0, asset: 1, amount: 100_000_000))
        _ = h.run(dev0, .deposit(vault: 0, asset: 2, amount: 10 * 1_000_000_000_000_000_000))
        let r = try h.risk(dev0)
        #expect(r.collateralValue == 79_500_000_000)
        #expect(r.equity == 79_500 * 1_000_000)
        var noHaircut = DevnetKeys.devnetGenesis()
        noHaircut.assets[1].collateralHaircutPpm = nil
        let plain = try MarketHarness(genesis: noHaircut)
        #expect(plain.run(dev0, .deposit(vault: 0, asset: 1, amount: 1)).code == .assetNotCollateral)
    }

    @Test func staleOraclesRefuseRiskButNotReduction() throws {
        let h = try tradeOneBitcoin()
        // More than 60 s without an update: the BTC price is stale.
        let later = h.time + 70_000
        _ = h.deposit(dev2, "100000")
        _ = h.block([], at: later)
        let adding = h.run(dev0, h.order(dev0, .buy, "0.1", at: "60000"))
        #expect(adding.code == .oracleStale)
        #expect(h.run(dev2, h.order(dev2, .buy, "1", at: "60000")).code == .oracleStale)
        // dev1 (short) rests a reduce-only bid; dev0 (long) closes into it: both reduce, so it fills.
        #expect(h.run(dev1, h.order(dev1, .buy, "1", at: "60000", reduceOnly: true)).succeeded)
        let closing = h.run(dev0, h.order(dev0, .sell, "1", at: "60000", tif: .immediateOrCancel, reduceOnly: true))
        #expect(closing.succeeded, "\(closing.message)")
        #expect(closing.events.contains { $0.type == "fill" })
        #expect(h.position(dev0) == 0 && h.position(dev1) == 0)
    }
}

@Suite struct MarketRulesTests {
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1)

    /// Closing at a ruinous price would push the vault below zero and leave the loss to the
    /// protocol: refused even for a reduce-only order.
    @Test func reduceOnlyCannotDumpALossOnTheProtocol() throws {
        let h = try MarketHarness()
        _ = h.deposit(dev0, "5000"); _ = h.deposit(dev1, "100000")
        _ = h.run(dev1, h.order(dev1, .sell, "1", at: "60000"))
        _ = h.run(dev0, h.order(dev0, .buy, "1", at: "60000"))
        // dev1 bids 1,000 for the BTC dev0 holds; selling into it would lose 59,000 of 4,970 equity.
        _ = h.run(dev1, h.order(dev1, .buy, "1", at: "1000"))
        let dump = h.run(dev0, h.order(dev0, .sell, "1", at: "1000", tif: .immediateOrCancel, reduceOnly: true))
        #expect(dump.code == .insufficientMargin, "\(dump.message)")
        #expect(h.position(dev0) == 100_000_000)
        // At a fair price the same order closes the position.
        _ = h.run(dev1, .orderCancelAll(vault: 0, market: MarketHarness.btc))
        _ = h.run(dev1, h.order(dev1, .buy, "1", at: "59990"))
        #expect(h.run(dev0, h.order(dev0, .sell, "1", at: "59990", tif: .immediateOrCancel, reduceOnly: true)).succeeded)
        #expect(h.position(dev0) == 0)
    }

    @Test func listingAndUpdatingMarkets() throws {
        let h = try MarketHarness()
        let admin = DevnetKeys.admin()
        var p = h.state.perpMarket(MarketHarness.btc)!.params
        // More than 16 tiers, or a changed tick, are refused; a fee change is not.
        var many = p
        many.tiers = (0..<16).map { MarginTier(maxNotional: UInt128($0 + 1) * 1_000_000_000_000, initialPpm: 50_000, maintenancePpm: 30_000) }
            + [MarginTier(maxNotional: nil, initialPpm: 50_000, maintenancePpm: 30_000)]
        #expect(h.run(admin, .marketUpdate(many)).code == .invalidMarket)
        var tick = p
        tick.tickSize = 1_000_000_000
        #expect(h.run(admin, .marketUpdate(tick)).code == .invalidMarket)
        p.takerFeePpm = 700
        #expect(h.run(dev0, .marketUpdate(p)).code == .unauthorized)
        let updated = h.run(admin, .marketUpdate(p))
        #expect(updated.succeeded && updated.events.first?.type == "market_updated")
        #expect(h.state.perpMarket(MarketHarness.btc)!.params.takerFeePpm == 700)
        var doge = p
        doge.id = 99
        doge.symbol = "DOGE-PERP"
        doge.oracleMarket = 3
        #expect(h.run(admin, .marketList(doge)).succeeded)
        #expect(h.run(admin, .marketList(doge)).code == .invalidMarket)
        p.active = false
        _ = h.run(admin, .marketUpdate(p))
        _ = h.deposit(dev0, "100000")
        #expect(h.run(dev0, h.order(dev0, .buy, "0.1", at: "60000")).code == .marketPaused)
    }
}
