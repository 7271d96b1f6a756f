import PropertyBased
import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// Random portfolios on random price paths (with gaps), a market maker quoting around the oracle,
/// and a keeper liquidating everything liquidatable each block. Checked at every step:
/// * a healthy vault is never liquidated (and the attempt changes nothing but the nonce);
/// * no liquidation closes more than the least size that restores the buffer (or the whole
///   position, or the caps), or pays more than the fee and bounty formulas;
/// * value is conserved (SupplyAudit) and the insurance fund's totals account for its balance.
@Suite struct LiquidationPropertyTests {
    let traders = (0..<7).map { DevnetKeys.account($0) }
    let maker = DevnetKeys.account(9), keeper = DevnetKeys.account(8)

    @Test func randomPortfoliosAndPricePaths() async throws {
        await propertyCheck(count: 3, input: Gen.uint64()) { seed in
            _ = try run(seed: seed)
        }
    }

    /// Fixed paths that are known to liquidate, pay deficits and deleverage, so the checks above
    /// are seen to run on every kind of outcome.
    @Test func knownPathsCoverEveryOutcome() throws {
        var liquidations = 0, deficits = 0, adls = 0
        for seed: UInt64 in [1, 2, 3] {
            let c = try run(seed: seed)
            liquidations += c.liquidations
            deficits += c.deficits
            adls += c.adls
        }
        #expect(liquidations >= 5 && deficits >= 1 && adls >= 1, "\(liquidations) liquidations, \(deficits) deficits, \(adls) ADL")
    }

    func run(seed: UInt64) throws -> (liquidations: Int, deficits: Int, adls: Int) {
        var liquidations = 0, deficits = 0, adls = 0
        var rng = seed | 1
        func next(_ n: Int) -> Int { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return Int(rng % UInt64(n)) }
        let h = try MarketHarness()
        let genesisTotals = SupplyAudit.totals(h.state)
        let settings = h.state.liquidationSettings()
        _ = h.deposit(maker, "900000")
        _ = h.deposit(keeper, "900000")
        for t in traders { _ = h.deposit(t, String(1_000 + next(9_000))) }
        var prices: [UInt32: Int] = [MarketHarness.btc: 60_000 * 100, MarketHarness.eth: 3_000 * 100]  // in cents
        for step in 0..<40 {
            // The price path: small steps, sometimes a 9% gap, both markets moving together.
            let gap = next(8) == 0
            let drift = gap ? (next(2) == 0 ? -90 : 90) : next(61) - 30   // per mille × 3
            var update = [SignedTransaction]()
            for market in [MarketHarness.btc, MarketHarness.eth] {
                prices[market] = prices[market]! * (1000 + drift / (gap ? 1 : 3)) / 1000
                update.append(h.tx(h.relayer, .oracleUpdate(market: market, reports: reports(h, market, cents: prices[market]!))))
            }
            // The maker requotes around the oracle; traders open or add with random leverage.
            update.append(h.tx(maker, .orderCancelAll(vault: 0, market: MarketHarness.btc)))
            update.append(h.tx(maker, .orderCancelAll(vault: 0, market: MarketHarness.eth)))
            let btc = prices[MarketHarness.btc]! / 100, eth = prices[MarketHarness.eth]! / 100
            for level in 1...3 {
                update.append(h.tx(maker, h.order(maker, .buy, "0.3", at: String(btc - 40 * level))))
                update.append(h.tx(maker, h.order(maker, .sell, "0.3", at: String(btc + 40 * level))))
                update.append(h.tx(maker, h.order(maker, .buy, "3", at: String(eth - 2 * level), market: MarketHarness.eth)))
                update.append(h.tx(maker, h.order(maker, .sell, "3", at: String(eth + 2 * level), market: MarketHarness.eth)))
            }
            for _ in 0..<(2 + next(4)) {
                let t = traders[next(traders.count)]
                let side: Side = next(2) == 0 ? .buy : .sell
                if next(3) == 0 {
                    let limit = side == .buy ? eth + 10 : eth - 10
                    update.append(h.tx(t, h.order(t, side, "\(1 + next(9))", at: String(limit), market: MarketHarness.eth,
                                                  tif: .immediateOrCancel)))
                } else {
                    let limit = side == .buy ? btc + 200 : btc - 200
                    update.append(h.tx(t, h.order(t, side, "0.\(1 + next(6))", at: String(limit), tif: .immediateOrCancel)))
                }
            }
            _ = h.block(update)
            #expect(SupplyAudit.audit(h.state, genesis: genesisTotals).holds, "conservation after the trading block of step \(step)")

            // The keeper's block: first an attempt on a healthy vault (it runs on the state
            // everyone saw), then every liquidatable vault in every market it holds.
            let everyone = traders.map { h.vault($0) } + [h.vault(maker)]
            let queue = RiskShock.liquidatable(everyone, state: h.state, at: h.time)
            var txs = [SignedTransaction]()
            let healthy = everyone.first { v in !queue.contains { $0.vault == v } && !h.state.positions(of: v).isEmpty }
            if let v = healthy {
                txs.append(h.tx(keeper, .liquidate(owner: v.owner, vault: 0, market: h.state.positions(of: v)[0].market, keeperVault: 0)))
            }
            for entry in queue {
                for (market, _) in h.state.positions(of: entry.vault) {
                    txs.append(h.tx(keeper, .liquidate(owner: entry.vault.owner, vault: 0, market: market, keeperVault: 0)))
                }
            }
            let block = h.block(txs)
            if healthy != nil {
                #expect(block.receipts[0].code == .vaultNotLiquidatable, "healthy vault at step \(step): \(block.receipts[0].message)")
            }
            for receipt in block.receipts {
                guard let e = receipt.events.first(where: { $0.type == "liquidation" }) else { continue }
                liquidations += 1
                if e["deficit_paid"] != "0" { deficits += 1 }
                if e["adl_size"] != "0" { adls += 1 }
                check(e, h: h, settings: settings, step: step)
            }
            let audit = SupplyAudit.audit(h.state, genesis: genesisTotals)
            #expect(audit.holds, "conservation after the liquidation block of step \(step): \(audit.assets) \(audit.markets)")
        }
        return (liquidations, deficits, adls)
    }

    func reports(_ h: MarketHarness, _ market: UInt32, cents: Int) -> [OracleReport] {
        let t = h.time + 1_000
        return h.signers.map {
            OracleReport.sign(chainId: h.genesis.chainId, market: market, price: UInt64(cents) * 1_000_000, timestampMs: t - 100, key: $0)
        }
    }

    /// The size and payments of one liquidation against the formulas of liquidation.md, from the
    /// figures its event reports (equity, maintenance, position and price before it).
    func check(_ e: Event, h: MarketHarness, settings: LiquidationSettings, step: Int) {
        func quote(_ k: String) -> Int128 {
            let t = e[k]!
            let v = Int128(try! Amount.parse(t.hasPrefix("-") ? String(t.dropFirst()) : t, decimals: 6))
            return t.hasPrefix("-") ? -v : v
        }
        func size(_ k: String) -> UInt64 { UInt64(try! Amount.parse(e[k]!.replacingOccurrences(of: "-", with: ""), decimals: 8)) }
        let market = h.state.perpMarkets().first { $0.params.symbol == e["market"] }!
        let tiers = market.params.tiers, step = market.params.stepSize
        let price = OraclePrice.parse(e["oracle_price"]!)!
        let equity = quote("equity"), maintenance = UInt128(quote("maintenance"))
        let held = size("position")
        func requirement(_ s: UInt64) -> UInt128 {
            try! Margin.requirement(notional: (UInt128(s) * UInt128(price) + 9_999_999_999) / 10_000_000_000, tiers: tiers, initial: false)
        }
        func fee(_ d: UInt64) -> UInt128 {
            let notional = (UInt128(d) * UInt128(price) + 9_999_999_999) / 10_000_000_000
            return min((notional * UInt128(settings.feePpm) + 999_999) / 1_000_000, settings.maxFee)
        }
        // The keeper's backstop price: the oracle less (or plus) the discount, on the tick towards the oracle.
        let tick = UInt128(market.params.tickSize), long = e["side"] == "sell"
        let scaled = UInt128(price) * UInt128(long ? 1_000_000 - settings.backstopDiscountPpm : 1_000_000 + settings.backstopDiscountPpm)
        let backstop = long ? (scaled + 1_000_000 * tick - 1) / (1_000_000 * tick) * tick : scaled / (1_000_000 * tick) * tick
        let gap = long ? UInt128(price) - backstop : backstop - UInt128(price)
        func restores(_ d: UInt64) -> Bool {
            let f = Int128(fee(d)) + Int128((UInt128(d) * gap + 9_999_999_999) / 10_000_000_000)
            guard equity > f else { return false }
            let mm = maintenance - requirement(held) + requirement(held - d)
            return UInt128(equity - f) * 1_000_000 >= UInt128(1_000_000 + UInt64(settings.bufferPpm)) * mm
        }
        let needed = size("needed_size"), planned = size("planned_size"), closed = size("closed_size")
        // Needed: sufficient and least (one step less would not do), or the whole position.
        if needed < held {
            #expect(restores(needed), "step \(step): \(needed) does not restore the buffer")
            #expect(needed == step || !restores(needed - step), "step \(step): \(needed) is more than needed")
        } else {
            #expect(held < step || !restores(held - step), "step \(step): closes all though less would do")
        }
        #expect(planned <= needed && closed <= planned, "step \(step): \(closed) closed of \(planned) planned, \(needed) needed")
        // Payments: the fee never exceeds the rate, the cap or the surplus; the bounty never the formula.
        let paidFee = UInt128(quote("fee")), bounty = UInt128(quote("bounty")), surplus = quote("surplus")
        #expect(paidFee <= fee(closed) && paidFee <= UInt128(max(surplus, 0)), "step \(step): fee \(paidFee)")
        if surplus >= 0 { #expect(paidFee == min(fee(closed), UInt128(surplus)), "step \(step): the fee is the formula's") }
        let promised = min(settings.keeperTip + paidFee * UInt128(settings.keeperSharePpm) / 1_000_000, settings.maxBounty)
        #expect(bounty <= promised, "step \(step): bounty \(bounty) over \(promised)")
    }
}
