import Foundation
import HummingbirdTesting
import Logging
import SolventClient
import SolventCompanions
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventNode
import Synchronization
import Testing

/// Liquidations through the RPC: the index finds the vault, the probes say what a liquidation
/// pays, a dry run commits nothing, two keepers race and the loser gets a clear refusal.
@Suite struct LiquidationNodeTests {
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1), keeper = DevnetKeys.account(3), rival = DevnetKeys.account(4)

    func order(_ side: Side, _ size: UInt64, _ price: UInt64, tif: TimeInForce = .goodTillCancelled) -> TxAction {
        .orderPlace(OrderRequest(vault: 0, market: 1, side: side, kind: .limit, timeInForce: tif, reduceOnly: false,
                                 size: size, price: price * OraclePrice.one))
    }

    func liquidate(_ by: PrivateKey, nonce: UInt64) -> SignedTransaction {
        NodeFixtures.tx(by, nonce: nonce, .liquidate(owner: Address(dev0.publicKey), vault: 0, market: 1, keeperVault: 0))
    }

    /// dev0 long 2 BTC at 60,000 on 10,000 USDC; the oracle then falls to 56,000.
    func leveraged(_ node: Node, _ client: any TestClientProtocol, relayer: inout UInt64) async throws {
        try await MarketNodeTests.freshPrices(client, nonce: &relayer)
        for (key, amount) in [(dev0, UInt128(10_000_000_000)), (dev1, 100_000_000_000), (keeper, 100_000_000_000), (rival, 100_000_000_000)] {
            #expect(try await client.submit(NodeFixtures.tx(key, nonce: 0, .deposit(vault: 0, asset: 0, amount: amount))).status == 202)
        }
        #expect(try await client.submit(NodeFixtures.tx(dev1, nonce: 1, order(.sell, 200_000_000, 60_000))).status == 202)
        _ = try await client.mine()
        let take = try await client.submit(NodeFixtures.tx(dev0, nonce: 1, order(.buy, 200_000_000, 60_000, tif: .immediateOrCancel)))
        #expect(take.status == 202, "\(take.errorMessage ?? "")")
        _ = try await client.mine()
        #expect(try await client.call(.get, "/v1/liquidatable")["count"] as? Int == 0)
        // Oracle updates of one market are at least 500 ms of block time apart.
        try NodeFixtures.advance(node, ms: 600)
        try await MarketNodeTests.freshPrices(client, nonce: &relayer, btc: "56000")
    }

    @Test func keepersFindAndLiquidateThroughTheRPC() async throws {
        try await NodeFixtures.withNode { node, client in
            var relayer: UInt64 = 0
            try await leveraged(node, client, relayer: &relayer)
            #expect(node.liquidationIndex.stats.liquidatable == 1)

            // The probe: who, by how much, and what a liquidation pays now (an empty book: the keeper takes it over).
            let list = try await client.call(.get, "/v1/liquidatable")
            #expect(list["count"] as? Int == 1)
            let entry = try #require((list["vaults"] as? [[String: Any]])?.first)
            #expect(entry["owner"] as? String == Address(dev0.publicKey).text && entry["shortfall"] as? String == "1420")
            #expect(entry["prices_fresh"] as? Bool == true)
            let position = try #require((entry["positions"] as? [[String: Any]])?.first)
            #expect(position["close_size"] as? String == "1.3634" && position["bankruptcy_price"] as? String == "55030")
            #expect(position["backstop_size"] as? String == "1.3634" && position["bounty"] as? String == "77.3504", "\(position)")

            // A dry run commits nothing.
            let dry = try await client.call(.post, "/v1/simulate", body: "{\"tx\":\"\(Hex.encode(liquidate(keeper, nonce: 1).bytes))\"}")
            #expect(dry.status == 200 && dry["committed"] as? Bool == false)
            let receipt = try #require(dry["receipt"] as? [String: Any])
            #expect(receipt["code"] as? String == "ok")
            #expect((receipt["events"] as? [[String: Any]])?.contains { $0["type"] as? String == "liquidation" } == true)
            #expect(node.liquidationIndex.stats.liquidatable == 1)

            // Two keepers race for the same vault: the first is admitted, the second refused.
            let first = try await client.submit(liquidate(keeper, nonce: 1))
            #expect(first.status == 202, "\(first.errorMessage ?? "")")
            let second = try await client.submit(liquidate(rival, nonce: 1))
            #expect(second.errorCode == "already_liquidated", "\(second.errorCode ?? "") \(second.errorMessage ?? "")")
            _ = try await client.mine()

            let keeperVault = try await client.call(.get, "/v1/vaults/\(Address(keeper.publicKey).text)/0")
            #expect((keeperVault["positions"] as? [[String: Any]])?.first?["size"] as? String == "1.3634")
            #expect(try await client.call(.get, "/v1/liquidatable")["count"] as? Int == 0)
            #expect(node.liquidationIndex.stats.liquidatable == 0)

            let fund = try await client.call(.get, "/v1/insurance")
            #expect(fund["liquidation_fees_in"] as? String == "304.4016" && fund["entry_count"] as? Int == 1, "\(fund.json)")
            #expect((fund["entries"] as? [[String: Any]])?.first?["flow"] as? String == "liquidation_fee")

            let supply = try await client.call(.get, "/v1/supply")
            #expect(supply["holds"] as? Bool == true, "\(supply.json)")

            let adl = try await client.call(.get, "/v1/adl/BTC-PERP")
            let short = try #require((adl["shorts"] as? [[String: Any]])?.first)
            #expect(short["owner"] as? String == Address(dev1.publicKey).text && short["rank"] as? Int == 5 && short["in_queue"] as? Bool == true)
            let dev1Vault = try await client.call(.get, "/v1/vaults/\(Address(dev1.publicKey).text)/0")
            #expect((dev1Vault["positions"] as? [[String: Any]])?.first?["adl_rank"] as? Int == 5)
        }
    }

    /// The keeper `solventd devnet --keeper` runs: the client's Keeper over InProcessNode (the
    /// node's query functions and admission, no HTTP) finds the vault, dry-runs it, liquidates it and
    /// reports the bounty the RPC's probe announced.
    @Test func builtInKeeperLiquidatesInProcess() async throws {
        try await NodeFixtures.withNode { node, client in
            var relayer: UInt64 = 0
            try await leveraged(node, client, relayer: &relayer)
            let attempts = Mutex<[Keeper.Attempt]>([])
            func makeKeeper(dryRun: Bool) -> Keeper {
                var options = Keeper.Options()
                options.dryRun = dryRun
                return Keeper(client: InProcessNode(node: node), key: keeper, options: options, logger: Logger(label: "test")) { a in
                    attempts.withLock { $0.append(a) }
                }
            }
            let dry = makeKeeper(dryRun: true)
            try await dry.prepare()
            try await dry.sweep()
            let simulated = attempts.withLock { $0 }
            #expect(simulated.count == 1)
            guard case .simulated(let bounty, let closed)? = simulated.first?.result else { Issue.record("\(simulated)"); return }
            #expect(bounty == "77.3504" && closed == "1.3634")
            #expect(node.liquidationIndex.stats.liquidatable == 1)

            let live = makeKeeper(dryRun: false)
            try await live.prepare()
            try await live.sweep()
            _ = try await client.mine()
            try await live.settlePending()
            let done = attempts.withLock { $0 }
            #expect(done.count == 2)
            guard case .liquidated(let paid, let size, _)? = done.last?.result else { Issue.record("\(done)"); return }
            #expect(paid == "77.3504" && size == "1.3634" && done.last?.owner == Address(dev0.publicKey).text)
            #expect(live.liquidations == 1)
            #expect(node.liquidationIndex.stats.liquidatable == 0)
        }
    }

    @Test func shockAnswersWhatAMoveWouldDo() async throws {
        // The devnet genesis with an empty insurance fund, so a deficit reaches ADL.
        var emptyFund = DevnetKeys.devnetGenesis()
        emptyFund.perps.insuranceFund = "0"
        try await NodeFixtures.withNode(genesis: emptyFund) { node, client in
            var relayer: UInt64 = 0
            try await leveraged(node, client, relayer: &relayer)
            // At 56,000 the long is already liquidatable; a further 10% makes it bankrupt and the
            // empty fund sends most of it to ADL against dev1's short.
            let shock = try await client.call(.get, "/v1/risk/shock?market=BTC-PERP&move=-0.1")
            #expect(shock.status == 200, "\(shock.json)")
            #expect((shock["moves"] as? [[String: Any]])?.first?["to"] as? String == "50400")
            #expect(shock["liquidatable_count"] as? Int == 1 && shock["liquidation_count"] as? Int == 1)
            #expect(shock["adl_volume"] as? String != "0", "\(shock.json)")
            let several = try await client.call(.get, "/v1/risk/shock?market=BTC-PERP&move=-5%25&market=ETH-USD&move=0.02")
            #expect((several["moves"] as? [[String: Any]])?.count == 2, "\(several.json)")
            let bad = try await client.call(.get, "/v1/risk/shock?market=BTC-PERP&move=-1.5")
            #expect(bad.status == 400 && bad.errorCode == "invalid_move")
            let unpaired = try await client.call(.get, "/v1/risk/shock?market=BTC-PERP")
            #expect(unpaired.errorCode == "invalid_shock")
        }
        // The devnet as shipped: its 100,000 USDC fund pays the same deficit and nothing is deleveraged.
        try await NodeFixtures.withNode { node, client in
            var relayer: UInt64 = 0
            try await leveraged(node, client, relayer: &relayer)
            let shock = try await client.call(.get, "/v1/risk/shock?market=BTC-PERP&move=-0.1")
            #expect(shock["liquidation_count"] as? Int == 1 && shock["adl_volume"] as? String == "0", "\(shock.json)")
            #expect(shock["deficits_paid"] as? String != "0" && shock["insurance_fund_before"] as? String != shock["insurance_fund_after"] as? String,
                    "\(shock.json)")
        }
    }

    /// A shock that cannot be simulated within the node's budget stops and says so (a crash at a
    /// million vaults would otherwise hold a thread and gigabytes for many minutes); within the
    /// budget the same shock answers in full.
    @Test func aShockOverItsBudgetStopsWithAClearError() async throws {
        try await NodeFixtures.withNode(rpcLimits: RPCLimits(shockBudget: .zero)) { node, client in
            var relayer: UInt64 = 0
            try await leveraged(node, client, relayer: &relayer)
            let over = try await client.call(.get, "/v1/risk/shock?market=BTC-PERP&move=-0.1")
            #expect(over.status == 503 && over.errorCode == "shock_over_budget", "\(over.json)")
            #expect(over.errorMessage?.contains("makes 1 vaults liquidatable; 0 were liquidated") == true, "\(over.errorMessage ?? "")")
        }
        try await NodeFixtures.withNode(rpcLimits: RPCLimits(shockBudget: .seconds(30))) { node, client in
            var relayer: UInt64 = 0
            try await leveraged(node, client, relayer: &relayer)
            let shock = try await client.call(.get, "/v1/risk/shock?market=BTC-PERP&move=-0.1")
            #expect(shock.status == 200 && shock["liquidation_count"] as? Int == 1, "\(shock.json)")
        }
    }

    @Test func healthyVaultRefusalReachesTheClient() async throws {
        try await NodeFixtures.withNode { _, client in
            var relayer: UInt64 = 0
            try await MarketNodeTests.freshPrices(client, nonce: &relayer)
            _ = try await client.submit(NodeFixtures.tx(dev0, nonce: 0, .deposit(vault: 0, asset: 0, amount: 10_000_000_000)))
            _ = try await client.submit(NodeFixtures.tx(keeper, nonce: 0, .deposit(vault: 0, asset: 0, amount: 10_000_000_000)))
            _ = try await client.mine()
            let refused = try await client.submit(liquidate(keeper, nonce: 1))
            #expect(refused.status == 422 || refused.status == 400, "\(refused.status)")
            #expect(refused.errorCode == "position_not_found", "\(refused.errorCode ?? "")")
        }
    }
}
