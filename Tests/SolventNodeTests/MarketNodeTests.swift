import Foundation
import HummingbirdTesting
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventNode
import Testing

/// Markets through the RPC: two accounts trade, and the queries show what the spec says.
@Suite struct MarketNodeTests {
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1)

    /// Oracle updates for every market at the current wall-clock time, then a block.
    static func freshPrices(_ client: any TestClientProtocol, nonce: inout UInt64, btc: String = "60000") async throws {
        // Reports are stamped with the node's chain clock, as the feeder does.
        let now = UInt64(try await client.call(.get, "/v1/status")["chain_time_ms"] as? Int ?? 0)
        for (market, price) in [(UInt32(1), btc), (2, "3000"), (3, "150")] {
            let reports = (0..<3).map {
                OracleReport.sign(chainId: DevnetKeys.devnetChainId, market: market, price: OraclePrice.parse(price)!, timestampMs: now,
                                  key: DevnetKeys.oracleSigner($0))
            }
            let tx = NodeFixtures.tx(DevnetKeys.oracleRelayer(), nonce: nonce, .oracleUpdate(market: market, reports: reports))
            nonce += 1
            let reply = try await client.submit(tx)
            #expect(reply.status == 202, "\(reply.json)")
        }
        _ = try await client.mine()
    }

    func order(_ side: Side, _ size: UInt64, _ price: UInt64, tif: TimeInForce = .goodTillCancelled) -> TxAction {
        .orderPlace(OrderRequest(vault: 0, market: 1, side: side, kind: .limit, timeInForce: tif, reduceOnly: false,
                                 size: size, price: price * OraclePrice.one))
    }

    @Test func twoAccountsTradeOneBitcoin() async throws {
        try await NodeFixtures.withNode { _, client in
            var relayerNonce: UInt64 = 0
            try await Self.freshPrices(client, nonce: &relayerNonce)
            for key in [dev0, dev1] {
                _ = try await client.submit(NodeFixtures.tx(key, nonce: 0, .deposit(vault: 0, asset: 0, amount: 10_000_000_000)))
            }
            _ = try await client.submit(NodeFixtures.tx(dev1, nonce: 1, order(.sell, 100_000_000, 60_000)))
            _ = try await client.mine()
            let resting = try await client.call(.get, "/v1/orders/\(Address(dev1.publicKey).text)")
            #expect(resting.array.count == 1)
            let book = try await client.call(.get, "/v1/markets/BTC-PERP?depth=5")
            #expect(book["best_ask"] as? String == "60000")
            #expect((book["asks"] as? [[String: Any]])?.first?["size"] as? String == "1")

            let take = try await client.submit(NodeFixtures.tx(dev0, nonce: 1, order(.buy, 100_000_000, 60_000)))
            #expect(take.status == 202, "\(take.errorMessage ?? "")")
            _ = try await client.mine()

            let vault = try await client.call(.get, "/v1/vaults/\(Address(dev0.publicKey).text)/0")
            #expect(vault["quote"] as? String == "-50030")
            let position = try #require((vault["positions"] as? [[String: Any]])?.first)
            #expect(position["market"] as? String == "BTC-PERP" && position["size"] as? String == "1" && position["side"] as? String == "long")
            #expect(position["entry_price"] as? String == "60000" && position["liquidation_price"] as? String == "51577.31958763")
            let margin = try #require(vault["margin"] as? [String: Any])
            #expect(margin["equity"] as? String == "9970")
            #expect(margin["initial_requirement"] as? String == "3000" && margin["maintenance_requirement"] as? String == "1800")
            #expect(margin["free_collateral"] as? String == "6970" && margin["margin_ratio"] as? String == "5.538888")
            #expect(margin["prices_fresh"] as? Bool == true)

            let market = try await client.call(.get, "/v1/markets/BTC-PERP")
            #expect(market["open_interest"] as? String == "1")
            #expect(market["last_trade_price"] as? String == "60000")
            let fees = try await client.call(.get, "/v1/protocol")
            // Half of the 42 of fees to each; the devnet's fund started at its 100,000 seed.
            #expect(fees["fee_pool"] as? String == "21" && fees["insurance_fund"] as? String == "100021")
            let block = try await client.call(.get, "/v1/blocks/latest")
            let events = (block["transactions"] as? [[String: Any]])?.first.flatMap { ($0["receipt"] as? [String: Any])?["events"] as? [[String: Any]] }
            #expect(events?.contains { $0["type"] as? String == "fill" } == true)
            let markets = try await client.call(.get, "/v1/markets")
            #expect(markets.array.count == 11)   // 3 perpetuals, 2 futures, 6 options
        }
    }

    @Test func refusalsCarryTheirCodes() async throws {
        try await NodeFixtures.withNode { _, client in
            // Prices from genesis are months old at wall-clock time: adding risk is refused.
            _ = try await client.submit(NodeFixtures.tx(dev0, nonce: 0, .deposit(vault: 0, asset: 0, amount: 10_000_000_000)))
            _ = try await client.mine()
            let stale = try await client.submit(NodeFixtures.tx(dev0, nonce: 1, order(.buy, 100_000_000, 60_000)))
            #expect(stale.errorCode == "oracle_stale")
            var nonce: UInt64 = 0
            try await Self.freshPrices(client, nonce: &nonce)
            let tooBig = try await client.submit(NodeFixtures.tx(dev0, nonce: 1, order(.buy, 500_000_000, 60_000)))
            #expect(tooBig.errorCode == "insufficient_margin")
            let badSize = try await client.submit(NodeFixtures.tx(dev0, nonce: 1, order(.buy, 1, 60_000)))
            #expect(badSize.errorCode == "invalid_order_size")
            let unknown = try await client.call(.get, "/v1/markets/DOGE-PERP")
            #expect(unknown.status == 404)
            let depth = try await client.call(.get, "/v1/markets/BTC-PERP?depth=0")
            #expect(depth.errorCode == "invalid_depth")
        }
    }
}
