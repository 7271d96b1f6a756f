import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// The worked examples of contracts-spec/liquidation.md and insurance-and-adl.md.
///
/// Common setup: dev0 (10,000 USDC) buys 2 BTC at 60,000 from dev1 (100,000 USDC): 20x notional
/// over equity before fees. Quote −110,060 (taker fee 60); the fund holds 42 (half of the 84 of
/// fees). dev3 keeps 100,000 USDC in vault 0 and liquidates from it.
@Suite struct LiquidationTests {
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1), dev2 = DevnetKeys.account(2), keeper = DevnetKeys.account(3)
    static let usd = Int128(1_000_000)

    func leveraged(genesis: Genesis = Fixtures.genesis) throws -> MarketHarness {
        let h = try MarketHarness(genesis: genesis)
        #expect(h.deposit(dev0, "10000").succeeded)
        #expect(h.deposit(dev1, "100000").succeeded)
        #expect(h.deposit(dev2, "100000").succeeded)
        #expect(h.deposit(keeper, "100000").succeeded)
        #expect(h.run(dev1, h.order(dev1, .sell, "2", at: "60000")).succeeded)
        #expect(h.run(dev0, h.order(dev0, .buy, "2", at: "60000", tif: .immediateOrCancel)).succeeded)
        #expect(h.state.vault(h.vault(dev0))?.quote == -110_060 * Self.usd)
        let seed = try Amount.parse(genesis.perps.insuranceFund, decimals: 6)
        #expect(h.state.insuranceFund() == seed + 42_000_000)
        return h
    }

    func liquidate(_ h: MarketHarness, _ target: PrivateKey, by k: PrivateKey? = nil, market: UInt32 = MarketHarness.btc,
                   keeperVault: UInt32 = 0) -> TxAction {
        .liquidate(owner: Address(target.publicKey), vault: 0, market: market, keeperVault: keeperVault)
    }

    @Test func healthyVaultIsRefusedAndNothingChanges() throws {
        let h = try leveraged()
        let before = h.state.entries(.vaults, prefix: [])
        let r = h.run(keeper, liquidate(h, dev0))
        #expect(r.code == .vaultNotLiquidatable, "\(r.message)")
        #expect(r.message.contains("equity 9940 USDC is not below its maintenance requirement of 3600 USDC"), "\(r.message)")
        #expect(h.state.entries(.vaults, prefix: []).map(\.value) == before.map(\.value))
        #expect(h.position(dev0) == 200_000_000)
    }

    @Test func staleOracleIsRefused() throws {
        let h = try leveraged()
        #expect(h.setPrice("56000").succeeded)
        // 61 s later the price is stale (stale_after_ms 60,000): the vault cannot be judged.
        let r = h.run(keeper, liquidate(h, dev0), at: h.time + 61_000)
        #expect(r.code == .oracleStale, "\(r.message)")
        #expect(h.position(dev0) == 200_000_000)
    }

    /// liquidation.md, "Worked example: against the book".
    @Test func closesAgainstTheBookJustEnoughToRestoreTheBuffer() throws {
        let h = try leveraged()
        #expect(h.setPrice("56000").succeeded)
        // Equity −110,060 + 112,000 = 1,940 under maintenance 3% × 112,000 = 3,360.
        let risk = try h.risk(dev0)
        #expect(risk.equity == 1_940 * Self.usd && risk.maintenance == 3_360 * Self.usd && risk.isLiquidatable)
        #expect(h.run(dev2, h.order(dev2, .buy, "2", at: "55950")).succeeded)
        let keeperQuote = h.state.vault(h.vault(keeper))!.quote
        let r = h.run(keeper, liquidate(h, dev0))
        #expect(r.succeeded, "\(r.message)")
        let e = try #require(r.events.first { $0.type == "liquidation" })
        // (1,940 − fee − slippage to the backstop price) ≥ 1.1 × maintenance first holds at 1.3634
        // BTC; the fee is 0.5% of 76,350.40.
        #expect(e["needed_size"] == "1.3634" && e["closed_size"] == "1.3634" && e["book_size"] == "1.3634", "\(e)")
        #expect(e["bankruptcy_price"] == "55030" && e["backstop_size"] == "0" && e["adl_size"] == "0")
        #expect(e["closed_notional"] == "76350.4" && e["surplus"] == "1254.328")
        #expect(e["fee"] == "381.752" && e["bounty"] == "77.3504", "\(e)")
        #expect(h.position(dev0) == 63_660_000)
        #expect(h.state.vault(h.vault(keeper))!.quote == keeperQuote + 77_350_400)
        // The fund: 42 + half of dev2's maker fee (15.256446) + 381.752 − 77.3504.
        #expect(h.state.insuranceFund() == 42_000_000 + 7_628_223 + 304_401_600)
        let stats = h.state.insuranceStats()
        #expect(stats.liquidationFeesIn == 304_401_600 && stats.tradingFeesIn == 49_628_223 && stats.bountyTopUps == 0)
        #expect(h.state.insuranceLog(limit: 10).map(\.flow) == [.liquidationFee])
        // Equity 1,940 − 1.3634 × 50 (sold under the oracle) − 381.752 = 1,490.078 over maintenance
        // 3% × 0.6366 × 56,000 = 1,069.488: no longer liquidatable.
        let after = try h.risk(dev0)
        #expect(after.equity == 1_490_078_000 && after.maintenance == 1_069_488_000 && !after.isLiquidatable)
    }

    /// liquidation.md, "Worked example: the keeper's backstop" (an empty book).
    @Test func keeperTakesOverWhatTheBookCannot() throws {
        let h = try leveraged()
        #expect(h.setPrice("56000").succeeded)
        let r = h.run(keeper, liquidate(h, dev0))
        #expect(r.succeeded, "\(r.message)")
        let e = try #require(r.events.first { $0.type == "liquidation" })
        #expect(e["book_size"] == "0" && e["backstop_size"] == "1.3634" && e["backstop_price"] == "55720", "\(e)")
        #expect(e["surplus"] == "940.746" && e["fee"] == "381.752" && e["bounty"] == "77.3504", "\(e)")
        #expect(h.position(keeper) == 136_340_000 && h.position(dev0) == 63_660_000)
        #expect(h.state.vault(h.vault(keeper))!.quote == 100_000 * Self.usd - 75_968_648_000 + 77_350_400)
        // Even executed at the backstop price the close restores the buffer: 1,940 − 381.752 −
        // 381.752 = 1,176.496 ≥ 1.1 × 1,069.488.
        let after = try h.risk(dev0)
        #expect(after.equity == 1_176_496_000 && !after.isLiquidatable)
    }

    /// insurance-and-adl.md, "Worked example: the fund pays a deficit".
    @Test func bankruptVaultsDeficitIsPaidByTheFund() throws {
        var g = DevnetKeys.devnetGenesis()
        g.perps.insuranceFund = "100000"
        let h = try leveraged(genesis: g)
        // A 10% gap: equity −110,060 + 108,000 = −2,060.
        #expect(h.setPrice("54000").succeeded)
        #expect(try h.risk(dev0).equity == -2_060 * Self.usd)
        let r = h.run(keeper, liquidate(h, dev0))
        #expect(r.succeeded, "\(r.message)")
        let e = try #require(r.events.first { $0.type == "liquidation" })
        // All of it: bankruptcy 54,000 + 2,060 / 2 = 55,030; the keeper buys at 53,730; the fund pays 2 × 1,300.
        #expect(e["closed_size"] == "2" && e["bankruptcy_price"] == "55030" && e["backstop_price"] == "53730", "\(e)")
        // No bounty: there is no surplus to pay it from, and the fund never pays one.
        #expect(e["surplus"] == "-2600" && e["deficit_paid"] == "2600" && e["fee"] == "0" && e["bounty"] == "0", "\(e)")
        #expect(h.state.vault(h.vault(dev0))!.quote == 0 && h.position(dev0) == 0)
        #expect(h.state.insuranceFund() == (100_042 - 2_600) * Self.usd)
        let stats = h.state.insuranceStats()
        #expect(stats.deficitsPaid == 2_600 * Self.usd && stats.bountyTopUps == 0 && stats.seeded == 100_000 * Self.usd)
        #expect(h.state.insuranceLog(limit: 10).map(\.flow) == [.deficit])
    }

    /// insurance-and-adl.md, "Deficits", the book used past bankruptcy (dYdX v4's example): 0.1 BTC
    /// long with quote −5,100 at 50,000 has bankruptcy price 51,000 and backstop price 49,750. A bid
    /// between the two loses the fund less than the keeper's takeover would (125), so it is used.
    @Test(arguments: [("50490", "51", Int128(504_900)), ("49900", "110", Int128(499_000))])
    func bankruptVaultSellsToABidBetterThanTheBackstop(bid: String, deficit: String, makerFeeShare: Int128) throws {
        var g = Fixtures.genesis
        g.perps.insuranceFund = "1000"
        let h = try MarketHarness(genesis: g)
        // 0.1 BTC at 60,000 costs 6,000 and a 3 USDC taker fee: 903 deposited leaves quote −5,100.
        #expect(h.deposit(dev0, "903").succeeded && h.deposit(dev1, "100000").succeeded && h.deposit(dev2, "100000").succeeded)
        #expect(h.deposit(keeper, "100000").succeeded)
        #expect(h.run(dev1, h.order(dev1, .sell, "0.1", at: "60000")).succeeded)
        #expect(h.run(dev0, h.order(dev0, .buy, "0.1", at: "60000", tif: .immediateOrCancel)).succeeded)
        #expect(h.state.vault(h.vault(dev0))?.quote == -5_100 * Self.usd)
        for price in ["55000", "50000"] { #expect(h.setPrice(price).succeeded) }
        #expect(h.run(dev2, h.order(dev2, .buy, "1", at: bid)).succeeded)
        let fundBefore = h.state.insuranceFund()
        let r = h.run(keeper, liquidate(h, dev0))
        #expect(r.succeeded, "\(r.message)")
        let e = try #require(r.events.first { $0.type == "liquidation" })
        #expect(e["bankruptcy_price"] == "51000" && e["backstop_price"] == "49750", "\(e)")
        #expect(e["book_size"] == "0.1" && e["backstop_size"] == "0" && e["adl_size"] == "0", "\(e)")
        #expect(e["deficit_paid"] == deficit && e["fee"] == "0" && e["bounty"] == "0", "\(e)")
        // The fund pays the deficit and nothing else; the maker's fee brings it half its fee.
        #expect(h.state.insuranceFund() == fundBefore - UInt128(try Amount.parse(deficit, decimals: 6)) + UInt128(makerFeeShare))
        #expect(h.state.vault(h.vault(dev0))!.quote == 0 && h.position(dev0) == 0 && h.position(keeper) == 0)
        #expect(h.position(dev2) == 10_000_000)
    }

    /// insurance-and-adl.md, "Worked example: auto-deleveraging".
    @Test func whatTheFundCannotCoverIsDeleveraged() throws {
        let h = try leveraged()
        #expect(h.setPrice("54000").succeeded)
        let queue = AutoDeleveraging.ranking(market: MarketHarness.btc, long: false, state: h.state, at: h.time)
        #expect(queue.count == 1 && queue[0].vault == h.vault(dev1) && queue[0].eligible && queue[0].rank == 5)
        // dev1: short 2 from 60,000, +12,000 (10%) on equity 111,976 (quote 219,976 − 108,000): leverage 0.964492.
        #expect(queue[0].profitPpm == 100_000 && queue[0].leveragePpm == 964_492 && queue[0].score == 96_449, "\(queue[0])")
        let r = h.run(keeper, liquidate(h, dev0))
        #expect(r.succeeded, "\(r.message)")
        let e = try #require(r.events.first { $0.type == "liquidation" })
        // The fund's 42 pays the deficit of 0.0323 BTC taken over at 53,730 (41.99); the other
        // 1.9677 BTC close against dev1's short at the bankruptcy price.
        #expect(e["backstop_size"] == "0.0323" && e["adl_size"] == "1.9677" && e["deficit_paid"] == "41.99", "\(e)")
        #expect(e["deficit_deleveraged"] == "2558.01" && e["bounty"] == "0", "\(e)")
        let adl = try #require(r.events.first { $0.type == "adl" })
        #expect(adl["vault"] == h.vault(dev1).description && adl["price"] == "55030" && adl["size"] == "1.9677")
        #expect(h.position(dev1) == -3_230_000 && h.position(dev0) == 0 && h.position(keeper) == 3_230_000)
        #expect(h.state.vault(h.vault(dev0))!.quote == 0)
        #expect(h.state.insuranceFund() == 10_000)
        #expect(h.state.insuranceStats().deficitsDeleveraged == 2_558_010_000)
    }

    /// insurance-and-adl.md, "A counterparty stays above maintenance": dev2's portfolio vault is
    /// short 2 BTC-PERP hedged by 2 BTC futures, in profit and the most leveraged short, so first
    /// in the queue; buying its perpetual back at the bankruptcy price would leave it holding the
    /// futures outright, far under maintenance. ADL takes from it only what keeps it above
    /// maintenance, and the rest from dev1.
    @Test func adlStopsWhereACounterpartyWouldFallUnderMaintenance() throws {
        let h = try leveraged()
        let future: UInt32 = 4, dev4 = DevnetKeys.account(4)
        #expect(h.deposit(dev4, "100000").succeeded)
        #expect(h.run(dev2, .vaultOpen(vault: 1, mode: .portfolio)).succeeded)
        #expect(h.deposit(dev2, "30000", vault: 1).succeeded)
        for (side, market) in [(Side.sell, MarketHarness.btc), (.buy, future)] {
            #expect(h.run(dev4, h.order(dev4, side.opposite, "2", at: "60000", market: market)).succeeded)
            let r = h.run(dev2, h.order(dev2, side, "2", at: "60000", market: market, vault: 1, tif: .immediateOrCancel))
            #expect(r.succeeded, "\(r.message)")
        }
        // Hedged, the vault needs 6,000 of initial margin (1% hedged delta, 2% closeout on each leg): keep about 6,380.
        let w = h.run(dev2, .withdraw(vault: 1, asset: 0, amount: MarketHarness.usdc("23500")))
        #expect(w.succeeded, "\(w.message)")
        #expect(h.setPrice("54000").succeeded)
        let queue = AutoDeleveraging.ranking(market: MarketHarness.btc, long: false, state: h.state, at: h.time)
        #expect(queue.first?.vault == h.vault(dev2, 1), "\(queue.map(\.vault))")
        let r = h.run(keeper, liquidate(h, dev0))
        #expect(r.succeeded, "\(r.message)")
        let adl = r.events.filter { $0.type == "adl" }
        #expect(adl.count == 2 && adl[0]["vault"] == h.vault(dev2, 1).description && adl[1]["vault"] == h.vault(dev1).description, "\(adl)")
        // dev2 gave part of its short, not all of it, and is still above maintenance.
        let left = h.position(dev2, MarketHarness.btc, vault: 1)
        #expect(left < 0 && left > -200_000_000, "\(left)")
        let after = try h.risk(dev2, 1)
        #expect(after.equity >= Int128(after.maintenance), "equity \(after.equity) maintenance \(after.maintenance)")
        #expect(h.position(dev0) == 0)
    }

    /// Two bankruptcies in one block share the block's ADL queue: the second takes what the first
    /// left of dev1's short, and value is conserved.
    @Test func twoDeleveragingsInOneBlockShareTheQueue() throws {
        let h = try leveraged()
        let dev4 = DevnetKeys.account(4)
        #expect(h.deposit(dev4, "10000").succeeded)
        #expect(h.run(dev1, h.order(dev1, .sell, "2", at: "60000")).succeeded)
        #expect(h.run(dev4, h.order(dev4, .buy, "2", at: "60000", tif: .immediateOrCancel)).succeeded)
        #expect(h.position(dev1) == -400_000_000)
        #expect(h.setPrice("54000").succeeded)
        let block = h.block([h.tx(keeper, liquidate(h, dev0)), h.tx(keeper, .liquidate(owner: Address(dev4.publicKey), vault: 0, market: 1, keeperVault: 0))])
        let events = block.receipts.compactMap { $0.events.first { $0.type == "liquidation" } }
        #expect(events.count == 2, "\(block.receipts.map(\.message))")
        let adl = block.receipts.flatMap { $0.events.filter { $0.type == "adl" } }
        #expect(adl.count == 2 && adl.allSatisfy { $0["vault"] == h.vault(dev1).description })
        let taken = adl.reduce(UInt64(0)) { $0 + UInt64(try! Amount.parse($1["size"]!, decimals: 8)) }
        #expect(h.position(dev1) == -400_000_000 + Int64(taken))
        #expect(h.position(dev0) == 0 && h.position(dev4) == 0)
        #expect(SupplyAudit.audit(h.state, genesis: SupplyAudit.totals(try Fixtures.genesisState())).holds)
    }

    @Test func oneLiquidationPerVaultAndMarketPerBlock() throws {
        let h = try leveraged()
        #expect(h.setPrice("56000").succeeded)
        let other = DevnetKeys.account(4)
        _ = h.deposit(other, "100000")
        let b = h.block([h.tx(keeper, liquidate(h, dev0)), h.tx(other, liquidate(h, dev0))])
        #expect(b.receipts[0].succeeded, "\(b.receipts[0].message)")
        #expect(b.receipts[1].code == .alreadyLiquidated, "\(b.receipts[1].message)")
    }

    @Test func perBlockCapsLimitTheClose() throws {
        var g = DevnetKeys.devnetGenesis()
        g.perps.liquidation.maxPositionNotionalPerBlock = "28000"  // 0.5 BTC at 56,000
        let h = try leveraged(genesis: g)
        #expect(h.setPrice("56000").succeeded)
        let r = h.run(keeper, liquidate(h, dev0))
        let e = try #require(r.events.first { $0.type == "liquidation" })
        #expect(e["needed_size"] == "1.3634" && e["planned_size"] == "0.5" && e["closed_size"] == "0.5", "\(e)")
        // The next block may close more.
        let again = h.run(keeper, liquidate(h, dev0))
        #expect(again.succeeded, "\(again.message)")
    }

    @Test func keeperNeedsMarginForABackstop() throws {
        let h = try leveraged()
        let poor = DevnetKeys.account(5)
        #expect(h.deposit(poor, "100").succeeded)
        #expect(h.setPrice("56000").succeeded)
        let r = h.run(poor, liquidate(h, dev0))
        #expect(r.code == .keeperInsufficientMargin, "\(r.message)")
        #expect(h.position(dev0) == 200_000_000 && h.position(poor) == 0)
    }

    @Test func refusalsHaveTheirOwnCodes() throws {
        let h = try leveraged()
        #expect(h.setPrice("56000").succeeded)
        #expect(h.run(dev0, .liquidate(owner: Address(dev0.publicKey), vault: 0, market: 1, keeperVault: 0)).code == .invalidLiquidation)
        #expect(h.run(keeper, liquidate(h, dev0, market: MarketHarness.eth)).code == .positionNotFound)
        #expect(h.run(keeper, liquidate(h, dev0, market: 99)).code == .unknownMarket)
        #expect(h.run(keeper, liquidate(h, dev0, keeperVault: 7)).code == .vaultNotFound)
        #expect(h.run(keeper, .liquidate(owner: Address(dev0.publicKey), vault: 3, market: 1, keeperVault: 0)).code == .vaultNotFound)
    }

    @Test func restingOrdersOfTheLiquidatedVaultAreCancelled() throws {
        let h = try leveraged()
        #expect(h.run(dev0, h.order(dev0, .sell, "0.1", at: "70000")).succeeded)
        #expect(h.setPrice("56000").succeeded)
        let r = h.run(keeper, liquidate(h, dev0))
        #expect(r.events.contains { $0.type == "order_canceled" && $0["reason"] == "liquidation" })
        #expect(OrderBook.orders(owner: Address(dev0.publicKey), state: h.state).isEmpty)
    }

    @Test func adminChangesTheSettingsWithinTheRules() throws {
        let h = try MarketHarness()
        let admin = DevnetKeys.admin()
        var s = h.state.liquidationSettings()
        s.feePpm = 26_000   // with the 0.5% discount, not below BTC-PERP's 3% maintenance
        let market = h.run(admin, .liquidationSetConfig(s))
        #expect(market.code == .unsoundLiquidationParameters && market.message.contains("BTC-PERP's lowest maintenance rate (30000 ppm)"))
        // 1.5% is below every market's rate, but not below 60% of the 2% closeout contingency.
        s.feePpm = 10_000
        let portfolio = h.run(admin, .liquidationSetConfig(s))
        #expect(portfolio.code == .unsoundLiquidationParameters, "\(portfolio.message)")
        #expect(portfolio.message.hasPrefix("portfolio maintenance_ppm 600000 × closeout_ppm 20000 / 10^6 = 12000 must be above fee_ppm 10000"))
        s.feePpm = 6_000
        #expect(h.run(dev0, .liquidationSetConfig(s)).code == .unauthorized)
        let set = h.run(admin, .liquidationSetConfig(s))
        #expect(set.succeeded)
        #expect(h.state.liquidationSettings().feePpm == 6_000)
        // liquidation.md, kind 49: the nine values in this order, ppm as integers, amounts in USDC.
        let usdc = { (v: UInt128) in EventValue.amount(Int128(v), scale: 6) }
        #expect(set.events == [Event("liquidation_config_set", [
            ("fee_ppm", .integer(6_000)), ("max_fee", usdc(s.maxFee)), ("keeper_tip", usdc(s.keeperTip)),
            ("keeper_share_ppm", .number(s.keeperSharePpm)), ("max_bounty", usdc(s.maxBounty)), ("buffer_ppm", .number(s.bufferPpm)),
            ("max_position_notional_per_block", usdc(s.maxPositionNotionalPerBlock)),
            ("max_vault_notional_per_block", usdc(s.maxVaultNotionalPerBlock)), ("backstop_discount_ppm", .number(s.backstopDiscountPpm)),
        ])])
    }
}
