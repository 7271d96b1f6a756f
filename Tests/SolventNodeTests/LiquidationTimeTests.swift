import Foundation
import HummingbirdTesting
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventNode
import Testing
import SolventWire

/// Time moves the index (liquidation.md, "Time"): an option vault can cross maintenance with no
/// price moving, as its options decay towards expiry, and the index must name it within a block.
@Suite struct LiquidationTimeTests {
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1)
    static let day: UInt64 = 86_400_000

    func accepted(_ reply: Reply, _ what: String) {
        #expect(reply.status == 202 || reply.status == 200, "\(what): \(reply.json)")
    }

    /// A portfolio vault buys a 30-day at-the-money BTC call with less USDC than its premium (the
    /// scan asks less than the premium, so the portfolio lends the rest). As the call decays its
    /// value falls faster than 60% of its scan loss: the vault crosses maintenance by time alone,
    /// in the call's last day. Blocks then come six hours of block time apart with
    /// every price unchanged; after each one the index must list the vault exactly when it is
    /// liquidatable at that block's time, and `GET /v1/liquidatable` must name it.
    @Test func anOptionVaultThatDecaysUnderMaintenanceIsListedWithinOneBlock() async throws {
        try await NodeFixtures.withNode { node, client in
            _ = try await client.mine()   // a block at the wall clock, after the genesis time
            let expiry = node.latestHead.timeMs + 30 * Self.day
            var call = try #require(try node.store.withState { state, _ in state.perpMarket(6) }).params
            call.id = 12
            call.symbol = "BTC-SOON-60000-C"
            call.instrument = .option(expiryMs: expiry, strike: 60_000 * OraclePrice.one, isCall: true, volOracle: 4)
            accepted(try await client.submit(NodeFixtures.tx(DevnetKeys.admin(), nonce: 0, .marketList(call))), "market_list")
            accepted(try await client.submit(NodeFixtures.tx(dev1, nonce: 0, .deposit(vault: 0, asset: 0, amount: 1_000_000_000_000))), "deposit")
            accepted(try await client.submit(NodeFixtures.tx(dev0, nonce: 0, .vaultOpen(vault: 0, mode: .portfolio))), "vault_open")
            _ = try await client.mine()
            // Fresh prices (the devnet override signs with the admin key, after its market_list).
            for (market, price) in [("BTC-USD", "60000"), ("BTC-IV", "0.6")] {
                let r = try await client.call(.post, "/v1/devnet/oracle", body: "{\"market\": \"\(market)\", \"price\": \"\(price)\"}")
                #expect(r.status == 200, "\(r.json)")
            }

            // The ask at the mark rounded up to the tick; the deposit between the scan's
            // initial requirement with the call and the premium, a quarter of the way up.
            let vault = VaultID(owner: Address(dev0.publicKey), number: 0)
            let (price, initial) = try node.store.withState { state, head in
                let market = state.perpMarket(12)!
                let mark = Margin.optionMark(market.params, underlying: state.oracleMarket(1)!.price, vol: state.oracleMarket(4)!.price, at: head.timeMs + 1)
                let price = (mark.price / market.params.tickSize + 1) * market.params.tickSize
                let cost = Int128(price) / 100   // 1 BTC (10^8 size units) × price / 10^10, in quantums
                let risk = try Margin.risk(of: vault, state: state, at: head.timeMs + 1, prices: .latest,
                                           adjust: Margin.Adjustment(market: 12, size: 100_000_000, quote: -cost))
                return (price, risk.initial)
            }
            let premium = UInt128(price / 100)
            #expect(initial < premium, "the scan asks \(initial), the premium is \(premium)")
            let deposit = initial + (premium - initial) / 4
            accepted(try await client.submit(NodeFixtures.tx(dev0, nonce: 1, .deposit(vault: 0, asset: 0, amount: deposit))), "deposit")
            let ask = OrderRequest(vault: 0, market: 12, side: .sell, kind: .limit, timeInForce: .goodTillCancelled, reduceOnly: false,
                                   size: 100_000_000, price: price)
            accepted(try await client.submit(NodeFixtures.tx(dev1, nonce: 1, .orderPlace(ask))), "ask")
            _ = try await client.mine()
            let bid = OrderRequest(vault: 0, market: 12, side: .buy, kind: .limit, timeInForce: .immediateOrCancel, reduceOnly: false,
                                   size: 100_000_000, price: price)
            accepted(try await client.submit(NodeFixtures.tx(dev0, nonce: 2, .orderPlace(bid))), "bid")
            _ = try await client.mine()
            let held = try node.store.withState { state, _ in state.position(vault, 12)?.size }
            #expect(held == 100_000_000)
            #expect(node.liquidationIndex.liquidatable().isEmpty)

            // Time alone: every six hours a block, no price update.
            var crossed: UInt64?
            var time = node.latestHead.timeMs
            while time + 6 * 3_600_000 < expiry {
                time += 6 * 3_600_000
                let set = try await client.call(.post, "/v1/devnet/time", body: "{\"next_block_time\": \"\(time)\"}")
                #expect(set.status == 200, "\(set.json)")
                _ = try await client.mine()
                #expect(node.latestHead.timeMs == time)
                let truth = try node.store.withState { state, head in
                    try Margin.risk(of: vault, state: state, at: head.timeMs, prices: .latest).isLiquidatable
                }
                let listed = node.liquidationIndex.liquidatable().contains(vault)
                // Six hours is past any deadline (at most an hour away): both option vaults came due.
                #expect(node.liquidationIndex.stats.lastUpdate.timeDue == 2)
                #expect(listed == truth, "\((expiry - time) / 3_600_000) h before expiry: index \(listed), margin rules \(truth)")
                guard truth else { continue }
                let reply = try await client.call(.get, "/v1/liquidatable")
                let entry = (reply["vaults"] as? [[String: Any]])?.first
                #expect((reply["index"] as? [String: Any])?["last_time_revalued"] as? Int == 2, "\(reply.json)")
                #expect(reply["count"] as? Int == 1 && entry?["owner"] as? String == vault.owner.text && entry?["vault"] as? Int == 0,
                        "\(reply.json)")
                crossed = time
                break
            }
            // It crossed by decay alone, in the option's last days (about 5 hours before expiry).
            let at = try #require(crossed, "the vault never crossed maintenance before expiry")
            #expect(expiry - at < 2 * Self.day, "crossed \((expiry - at) / 3_600_000) h before expiry")
        }
    }
}
