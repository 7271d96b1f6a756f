import PropertyBased
import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

@Suite struct FundingTests {
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1), dev2 = DevnetKeys.account(2)

    /// dev0 long 1 BTC, dev1 short 1 BTC at 60,000; dev2 rests one order that sets the premium.
    /// Block time then runs to the hour mark with fresh prices and the funding is applied.
    func fund(bookSide: Side, price: String) throws -> (MarketHarness, FinalizedBlock) {
        let h = try MarketHarness()
        for k in [dev0, dev1, dev2] { _ = h.deposit(k, "100000") }
        _ = h.run(dev1, h.order(dev1, .sell, "1", at: "60000"))
        _ = h.run(dev0, h.order(dev0, .buy, "1", at: "60000"))
        #expect(h.run(dev2, h.order(dev2, bookSide, "1", at: price)).succeeded)
        let start = h.genesis.genesisTimeMs
        // A fresh price just before the sample block and the funding block.
        _ = h.setPrice("60000", at: start + 3_598_000)
        _ = h.block([], at: start + 3_599_000)          // a premium sample is due (one per block)
        let funding = h.block([], at: start + 3_600_000) // the hour ends: funding is applied
        return (h, funding)
    }

    @Test func longsPayWhenTheBookTradesAboveTheOracle() throws {
        // A 1 BTC bid at 60,600: a sale of the 10,000 USDC impact notional reaches it at 60,600, 1%
        // above the oracle; the rate is capped at 0.5% per hour: 300 USDC per BTC.
        let (h, funding) = try fund(bookSide: .buy, price: "60600")
        let event = try #require(funding.blockEvents.first { $0["market"] == "BTC-PERP" })
        #expect(event.type == "funding" && event["rate_ppm"] == "5000" && event["intervals"] == "1", "\(event)")
        #expect(event["samples"] == "1", "\(event)")
        let long = try h.risk(dev0), short = try h.risk(dev1)
        #expect(long.positions[0].unsettledFunding == 300_000_000)
        #expect(short.positions[0].unsettledFunding == -300_000_000)
        // Settled when the positions next change: the long's quote pays 300 into the pool, the short's takes it out.
        _ = h.run(dev2, h.order(dev2, .buy, "0.1", at: "60600"))
        _ = h.run(dev1, h.order(dev1, .sell, "0.1", at: "60600", tif: .immediateOrCancel))
        #expect(h.state.position(h.vault(dev1), MarketHarness.btc)?.fundingPaid == -300_000_000)
        #expect(h.state.perpMarket(MarketHarness.btc)!.fundingPool == -300_000_000)
        _ = h.run(dev0, h.order(dev0, .sell, "0.1", at: "60000", tif: .immediateOrCancel))
        #expect(h.state.position(h.vault(dev0), MarketHarness.btc)?.fundingPaid == 300_000_000)
        #expect(h.state.perpMarket(MarketHarness.btc)!.fundingPool == 0)
        #expect(funding.receiptsRoot == StateMachine.receiptsRoot(blockEvents: funding.blockEvents, receipts: []))
    }

    @Test func shortsPayWhenTheBookTradesBelowTheOracle() throws {
        // A 1 BTC ask at 59,820: a buy of the impact notional reaches it at 59,820, 0.3% under the oracle.
        let (h, funding) = try fund(bookSide: .sell, price: "59820")
        #expect(funding.blockEvents.first { $0["market"] == "BTC-PERP" }?["rate_ppm"] == "-3000")
        #expect(try h.risk(dev0).positions[0].unsettledFunding == -180_000_000)
        #expect(try h.risk(dev1).positions[0].unsettledFunding == 180_000_000)
    }

    @Test func missedIntervalsArePaidInOneStep() throws {
        let h = try MarketHarness()
        let start = h.genesis.genesisTimeMs
        // Eight hours with no block: the first block after them pays the eight intervals at once.
        // Its price is stale (the last update is from genesis), so the payment is skipped.
        let stale = h.block([], at: start + 8 * 3_600_000 + 1_000)
        let skipped = try #require(stale.blockEvents.first { $0["market"] == "BTC-PERP" })
        #expect(skipped["intervals"] == "8" && skipped["status"] == "skipped_stale_price" && skipped["index"] == "0")
        // With prices fresh for five hours, a block three hours in pays three intervals at one rate.
        var genesis = DevnetKeys.devnetGenesis()
        genesis.oracle.settings.staleAfterMs = 5 * 3_600_000
        let g = try MarketHarness(genesis: genesis)
        let fresh = g.block([], at: start + 3 * 3_600_000 + 1_000)
        let applied = try #require(fresh.blockEvents.first { $0["market"] == "BTC-PERP" })
        #expect(applied["intervals"] == "3" && applied["status"] == "applied", "\(applied)")
        #expect(g.state.perpMarket(MarketHarness.btc)!.nextFundingMs == start + 4 * 3_600_000)
    }
}

/// Value is conserved after every block of a randomized run: per asset, wallets + vault balances +
/// funding pools + fee pool + insurance fund equals the genesis supply; longs equal shorts and
/// open interest; funding owed to positions is always covered by the pools.
@Suite struct ConservationTests {
    @Test func valueIsConservedUnderRandomTrading() async throws {
        await propertyCheck(count: 6, input: Gen.uint64()) { seed in
            var rng = seed | 1
            func next(_ n: Int) -> Int { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return Int(rng % UInt64(n)) }
            let h = try MarketHarness()
            let keys = (0..<6).map { DevnetKeys.account($0) }
            let usdc0 = h.usdcSupply(), btc0 = h.supply(of: 1), eth0 = h.supply(of: 2)
            for k in keys { _ = h.deposit(k, "200000") }
            var price = 60_000
            for step in 0..<60 {
                var txs = [SignedTransaction]()
                for _ in 0..<(1 + next(6)) {
                    let k = keys[next(keys.count)]
                    switch next(10) {
                    case 0:
                        txs.append(h.tx(k, .deposit(vault: 0, asset: UInt32(next(3)), amount: UInt128(1 + next(1_000_000)))))
                    case 1:
                        txs.append(h.tx(k, .withdraw(vault: 0, asset: UInt32(next(3)), amount: UInt128(1 + next(5_000_000_000)))))
                    case 2:
                        txs.append(h.tx(k, .orderCancelAll(vault: 0, market: MarketHarness.btc)))
                    default:
                        let side: Side = next(2) == 0 ? .buy : .sell
                        let p = price + (next(41) - 20) * 10
                        let tif: TimeInForce = [.goodTillCancelled, .immediateOrCancel, .postOnly][next(3)]
                        let size = "0.\(1 + next(9))"
                        txs.append(h.tx(k, h.order(k, side, size, at: String(p), tif: tif, reduceOnly: next(5) == 0)))
                    }
                }
                if step % 7 == 0 {
                    price += (next(11) - 5) * 100
                    let t = h.time + 1_000
                    let reports = h.signers.map {
                        OracleReport.sign(chainId: h.genesis.chainId, market: MarketHarness.btc, price: UInt64(price) * OraclePrice.one,
                                          timestampMs: t - 100, key: $0)
                    }
                    txs.insert(h.tx(h.relayer, .oracleUpdate(market: MarketHarness.btc, reports: reports)), at: 0)
                }
                // Every 20 steps an hour passes, so funding is paid; the oracle update rides the same block.
                let jump: UInt64 = step % 20 == 19 ? 3_600_000 : 1_000
                _ = h.block(txs, at: h.time + jump)
                #expect(h.usdcSupply() == usdc0, "USDC at step \(step)")
                #expect(h.supply(of: 1) == btc0 && h.supply(of: 2) == eth0, "BTC/ETH at step \(step)")
                let sizes = h.sizes(MarketHarness.btc)
                #expect(sizes.net == 0, "longs equal shorts at step \(step)")
                #expect(sizes.longs == h.state.perpMarket(MarketHarness.btc)!.openInterest)
                #expect(h.fundingSurplus(MarketHarness.btc) >= 0, "funding owed is covered at step \(step)")
            }
            // Something happened: trades and fees.
            #expect(h.state.feePool() > 0)
        }
    }
}
