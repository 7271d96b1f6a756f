import Foundation
import HummingbirdTesting
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventNode
import SolventStore
import Testing

/// The devnet controls (contracts-spec/devnet.md) through the RPC: snapshot and revert, moving
/// the clock (funding accrues, a dated market settles), the oracle override, dump and load, and
/// refusals outside devnet mode.
@Suite struct DevnetControlTests {
    let dev0 = DevnetKeys.account(0), dev1 = DevnetKeys.account(1)

    func deposit(_ client: any TestClientProtocol, _ key: PrivateKey, nonce: UInt64, _ usdc: UInt128) async throws {
        let r = try await client.submit(NodeFixtures.tx(key, nonce: nonce, .deposit(vault: 0, asset: 0, amount: usdc * 1_000_000)))
        #expect(r.status == 202, "\(r.errorMessage ?? "")")
    }

    @Test func snapshotThenRevertRestoresBalancesHeightAndAppHash() async throws {
        try await NodeFixtures.withNode { node, client in
            try await deposit(client, dev0, nonce: 0, 1_000)
            _ = try await client.mine()
            let snap = try await client.call(.post, "/v1/devnet/snapshot", body: "{}")
            #expect(snap.status == 200)
            let before = node.latestHead
            // Heights are JSON integers in every reply, the snapshot's too.
            #expect(snap["height"] as? Int == Int(before.height), "\(snap.json)")
            try await deposit(client, dev0, nonce: 1, 500)
            #expect(try await client.submit(NodeFixtures.tx(dev0, nonce: 2, .send(to: Address(dev1.publicKey), asset: 0, amount: 7))).status == 202)
            _ = try await client.mine()
            _ = try await client.mine()
            #expect(node.latestHead.height == before.height + 2)

            let reverted = try await client.call(.post, "/v1/devnet/revert", body: "{\"id\": \"\(snap["id"] as! String)\"}")
            #expect(reverted.status == 200, "\(reverted.json)")
            #expect(reverted["height"] as? Int == Int(before.height))
            #expect(reverted["app_hash"] as? String == before.appHash.hex)
            let vault = try await client.call(.get, "/v1/vaults/\(Address(dev0.publicKey).text)/0")
            #expect((vault["collateral"] as? [[String: Any]])?.first?["amount"] as? String == "1000")
            // The snapshot is used up; the node goes on producing blocks from the reverted head,
            // and the store still replays.
            #expect(try await client.call(.post, "/v1/devnet/revert", body: "{\"id\": \"\(snap["id"] as! String)\"}").status == 400)
            try await deposit(client, dev0, nonce: 1, 2)
            _ = try await client.mine()
            #expect(node.latestHead.height == before.height + 1)
            let check = try node.store.recomputeStateHash()
            #expect(check.stored == check.recomputed)
        }
    }

    @Test func advancingEightHoursPaysFundingAndSettlesAnExpiredFuture() async throws {
        try await NodeFixtures.withNode { node, client in
            // Prices now, positions in BTC-PERP and a future expiring in two hours.
            var relayer: UInt64 = 0
            try await MarketNodeTests.freshPrices(client, nonce: &relayer)
            try await deposit(client, dev0, nonce: 0, 100_000)
            try await deposit(client, dev1, nonce: 0, 100_000)
            let admin = DevnetKeys.admin()
            var future = try #require(try node.store.withState { state, _ in state.perpMarket(4) }).params
            future.id = 12
            future.symbol = "BTC-SOON"
            future.instrument = .future(expiryMs: node.latestHead.timeMs + 2 * 3_600_000)
            #expect(try await client.submit(NodeFixtures.tx(admin, nonce: 0, .marketList(future))).status == 202)
            _ = try await client.mine()
            var n: UInt64 = 1
            for market in [UInt32(1), 12] {
                let ask = OrderRequest(vault: 0, market: market, side: .sell, kind: .limit, timeInForce: .goodTillCancelled, reduceOnly: false,
                                       size: 100_000_000, price: 60_000 * OraclePrice.one)
                var bid = ask
                bid = OrderRequest(vault: 0, market: market, side: .buy, kind: .limit, timeInForce: .immediateOrCancel, reduceOnly: false,
                                   size: 100_000_000, price: 60_000 * OraclePrice.one)
                #expect(try await client.submit(NodeFixtures.tx(dev1, nonce: n, .orderPlace(ask))).status == 202)
                #expect(try await client.submit(NodeFixtures.tx(dev0, nonce: n, .orderPlace(bid))).status == 202)
                n += 1
                _ = try await client.mine()
            }
            let start = node.latestHead.timeMs
            let reply = try await client.call(.post, "/v1/devnet/advance", body: "{\"duration\": \"8h\"}")
            #expect(reply.status == 200, "\(reply.json)")
            #expect(node.latestHead.timeMs >= start + 8 * 3_600_000)
            // Funding every hour crossed, for each of the three perpetuals, with fresh prices.
            #expect((reply["funding_events"] as? Int ?? 0) >= 3 * 7)
            #expect((reply["settled_markets"] as? [String]) == ["BTC-SOON"])
            let (settled, position, fundingIndex) = try node.store.withState { state, _ in
                (state.perpMarket(12)!.isSettled, state.position(VaultID(owner: Address(dev0.publicKey), number: 0), 12),
                 state.perpMarket(1)!.nextFundingMs)
            }
            #expect(settled && position == nil)
            #expect(fundingIndex > start + 7 * 3_600_000)
            // The next block continues from the advanced clock.
            _ = try await client.mine()
            #expect(node.latestHead.timeMs > start + 8 * 3_600_000)
        }
    }

    @Test func oracleOverrideIsMarkedAndOnlyForDevnets() async throws {
        try await NodeFixtures.withNode { node, client in
            let r = try await client.call(.post, "/v1/devnet/oracle", body: "{\"market\": \"BTC-USD\", \"price\": \"42000\"}")
            #expect(r.status == 200, "\(r.json)")
            #expect(r["height"] as? Int == Int(node.latestHead.height), "\(r.json)")
            let block = try await client.call(.get, "/v1/blocks/latest")
            let events = (block["transactions"] as? [[String: Any]])?.first.flatMap { ($0["receipt"] as? [String: Any])?["events"] as? [[String: Any]] }
            let attributes = events?.first?["attributes"] as? [String: String]
            #expect(attributes?["source"] == "devnet_override" && attributes?["price"] == "42000")
            #expect(try node.store.withState { state, _ in state.oracleMarket(1)!.price } == 42_000 * OraclePrice.one)
            // Not mined: the override waits in the mempool and its height is null.
            let pending = try await client.call(.post, "/v1/devnet/oracle", body: "{\"market\": \"ETH-USD\", \"price\": \"2500\", \"mine\": false}")
            #expect(pending.status == 200 && pending["height"] is NSNull, "\(pending.json)")
        }
        // A node not in devnet mode refuses every control.
        try await NodeFixtures.withNode(devnet: false) { _, client in
            for (path, body) in [("advance", "{\"duration\": \"1h\"}"), ("snapshot", "{}"), ("oracle", "{\"market\": \"BTC-USD\", \"price\": \"1\"}"),
                                 ("block-mode", "{\"mode\": \"automine\"}"), ("revert", "{\"id\": \"1\"}")] {
                let r = try await client.call(.post, "/v1/devnet/\(path)", body: body)
                #expect(r.status == 403 && (r["error"] as? [String: Any])?["code"] as? String == "devnet_only", "\(path)")
            }
        }
    }

    @Test func aDumpLoadsIntoAFreshHomeWithTheSameAppHash() async throws {
        let dump: [UInt8] = try await NodeFixtures.withNode { node, client in
            try await deposit(client, dev0, nonce: 0, 1_000)
            _ = try await client.mine()
            #expect(try await client.call(.post, "/v1/devnet/oracle", body: "{\"market\": \"ETH-USD\", \"price\": \"2500\"}").status == 200)
            _ = try await client.mine()
            return try ChainDump.encode(node.store)
        }
        let decoded = try ChainDump.decode(dump)
        #expect(decoded.blocks.count == 3)
        let home = NodeFixtures.home()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        let engine = try home.initialize(genesis: decoded.genesis)
        let head = try engine.load(decoded)
        #expect(head.height == 3)
        #expect(head.appHash == decoded.blocks.last!.header.appHash)
        #expect(throws: StoreError(.invalidDump, "the dump is truncated in block 3")) { try ChainDump.decode(Array(dump.dropLast(3))) }
    }
}
