import Foundation
import HummingbirdTesting
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventNode
import Testing

@Suite struct QueryTests {
    let dev0 = DevnetKeys.account(0)

    @Test func depositShowsInVaultAndWallet() async throws {
        try await NodeFixtures.withNode { _, client in
            let owner = Address(dev0.publicKey)
            let tx = NodeFixtures.tx(dev0, nonce: 0, .deposit(vault: 0, asset: 0, amount: 100_000_000))
            #expect(try await client.submit(tx)["status"] as? String == "pending")
            let pending = try await client.call(.get, "/v1/accounts/\(owner.text)")
            #expect(pending["nonce"] as? Int == 0 && pending["next_nonce"] as? Int == 1)
            _ = try await client.mine()
            let vault = try await client.call(.get, "/v1/vaults/\(owner.text)/0")
            #expect(vault["mode"] as? String == "cross")
            #expect(vault["quote"] as? String == "100")
            let collateral = try #require(vault["collateral"] as? [[String: Any]])
            #expect(collateral.count == 1 && collateral[0]["asset"] as? String == "USDC" && collateral[0]["amount"] as? String == "100")
            #expect(try await client.wallet(owner)["USDC"] == "999900")
            let account = try await client.call(.get, "/v1/accounts/\(owner.text)")
            #expect(account["vaults"] as? [Int] == [0])
            let list = try await client.call(.get, "/v1/vaults/\(owner.text)")
            #expect(list.array.count == 1)

            let record = try await client.call(.get, "/v1/txs/\(tx.hash.hex)")
            #expect(record["height"] as? Int == 1 && record["status"] as? String == "committed")
            let receipt = try #require(record["receipt"] as? [String: Any])
            #expect(receipt["code"] as? String == "ok")
            let events = try #require(receipt["events"] as? [[String: Any]])
            #expect(events.map { $0["type"] as? String } == ["vault_opened", "deposit"])

            let block = try await client.call(.get, "/v1/blocks/latest")
            #expect(block["height"] as? Int == 1)
            #expect((block["transactions"] as? [[String: Any]])?.first?["hash"] as? String == tx.hash.hex)
            let status = try await client.call(.get, "/v1/status")
            #expect(status["app_hash"] as? String == block["app_hash"] as? String)
            #expect(status["chain_id"] as? String == "solvent-devnet-1")
            #expect((status["block_time"] as? String)?.hasSuffix("Z") == true)

            let assets = try await client.call(.get, "/v1/assets")
            #expect(assets.array.count == 4)
            #expect((assets.array.last as? [String: Any])?["yield"] != nil, "SUSDC shows its exchange rate")
        }
    }

    @Test func metricsAreExported() async throws {
        try await NodeFixtures.withNode { _, client in
            _ = try await client.submit(hex: "00")
            _ = try await client.mine(2)
            let text = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(text.contains("solvent_blocks_committed_total 2"))
            #expect(text.contains("solvent_height 2"))
            #expect(text.contains("solvent_transactions_rejected_total{code=\"unknown_version\"} 1"))
        }
    }
}
