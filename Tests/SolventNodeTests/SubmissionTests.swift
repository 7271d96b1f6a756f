import Foundation
import HummingbirdTesting
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventNode
import Testing

/// What the issue's "Done when" asks of refusals: each bad transaction gets its own stable code,
/// the node keeps running and the state does not change.
@Suite struct SubmissionTests {
    let dev0 = DevnetKeys.account(0)
    let dev1 = Address(DevnetKeys.account(1).publicKey)

    @Test func everyBadTransactionIsRefusedWithItsOwnCodeAndChangesNothing() async throws {
        // carol holds the maximum amount of USDC, so crediting her overflows.
        let carol = PrivateKey(seed: [UInt8](repeating: 3, count: 32))!
        var genesis = DevnetKeys.devnetGenesis()
        genesis.accounts.append(.init(name: "carol", address: Address(carol.publicKey).text,
                                      wallet: [.init(asset: "USDC", amount: Amount.format(Amount.max, decimals: 6))]))
        try await NodeFixtures.withNode(genesis: genesis) { node, client in
            let sender = Address(dev0.publicKey)
            // One good transaction first, so nonce 0 is used.
            let good = NodeFixtures.tx(dev0, nonce: 0, .send(to: dev1, asset: 0, amount: 5_000_000))
            #expect(try await client.submit(good).status == 202)
            #expect(try await client.mine()["height"] as? Int == 1)
            let status = try await client.call(.get, "/v1/status")
            let appHash = status["app_hash"] as? String
            let walletBefore = try await client.wallet(sender)

            var cases: [(String, String, String)] = []  // (what, hex, expected code)
            func add(_ what: String, _ tx: SignedTransaction, _ code: String) { cases.append((what, Hex.encode(tx.bytes), code)) }
            add("signed for another chain", NodeFixtures.tx(dev0, nonce: 1, .send(to: dev1, asset: 0, amount: 1), chainId: "solvent-mainnet"), "wrong_chain_id")
            add("reused nonce", NodeFixtures.tx(dev0, nonce: 0, .send(to: dev1, asset: 0, amount: 2)), "nonce_too_low")
            add("nonce beyond the queue's window", NodeFixtures.tx(dev0, nonce: 66, .send(to: dev1, asset: 0, amount: 2)), "nonce_too_high")
            var forged = NodeFixtures.tx(dev0, nonce: 1, .send(to: dev1, asset: 0, amount: 3)).bytes
            forged[forged.count - 1] ^= 0x40
            cases.append(("bad signature", Hex.encode(forged), "bad_signature"))
            let valid = NodeFixtures.tx(dev0, nonce: 1, .send(to: dev1, asset: 0, amount: 3)).bytes
            cases.append(("truncated", Hex.encode(valid.prefix(valid.count - 10)), "truncated"))
            cases.append(("trailing bytes", Hex.encode(valid + [0]), "trailing_bytes"))
            cases.append(("oversized", Hex.encode(valid + [UInt8](repeating: 0, count: 5000)), "oversized"))
            var future = valid
            future[0] = 9
            cases.append(("unknown version", Hex.encode(future), "unknown_version"))
            add("amount over 2^127-1", NodeFixtures.tx(dev0, nonce: 1, .send(to: dev1, asset: 0, amount: UInt128.max)), "amount_too_large")
            add("credit that would overflow the recipient", NodeFixtures.tx(dev0, nonce: 1, .send(to: Address(carol.publicKey), asset: 0, amount: 1)), "balance_overflow")
            add("more than the wallet holds", NodeFixtures.tx(dev0, nonce: 1, .deposit(vault: 0, asset: 0, amount: 2_000_000_000_000)), "insufficient_balance")
            add("unknown asset", NodeFixtures.tx(dev0, nonce: 1, .send(to: dev1, asset: 77, amount: 1)), "unknown_asset")
            add("zero amount", NodeFixtures.tx(dev0, nonce: 1, .send(to: dev1, asset: 0, amount: 0)), "amount_zero")
            add("vault number gap", NodeFixtures.tx(dev0, nonce: 1, .deposit(vault: 3, asset: 0, amount: 1)), "vault_number_gap")
            add("withdraw from a missing vault", NodeFixtures.tx(dev0, nonce: 1, .withdraw(vault: 0, asset: 0, amount: 1)), "vault_not_found")
            add("unfunded sender", NodeFixtures.tx(PrivateKey(seed: [UInt8](repeating: 8, count: 32))!, nonce: 0, .send(to: dev1, asset: 0, amount: 1)), "account_not_found")
            add("already committed", good, "already_known")
            cases.append(("not hex", "zz", "invalid_hex"))

            var codes = Set<String>()
            for (what, hex, code) in cases {
                let reply = try await client.submit(hex: hex)
                #expect(reply.errorCode == code, "\(what): got \(reply.errorCode ?? "no error") \(reply.errorMessage ?? "")")
                #expect((400..<500).contains(reply.status), "\(what): status \(reply.status)")
                #expect((reply.errorMessage ?? "").count > 10, "\(what) has a message")
                codes.insert(code)
            }
            #expect(codes.count == cases.count, "every refusal has its own code")

            // Nothing changed: an empty block later, the app hash, nonce and wallet are as before.
            #expect(try await client.mine()["height"] as? Int == 2)
            let after = try await client.call(.get, "/v1/status")
            #expect(after["app_hash"] as? String == appHash)
            #expect(try await client.wallet(sender) == walletBefore)
            let account = try await client.call(.get, "/v1/accounts/\(sender.text)")
            #expect(account["nonce"] as? Int == 1)
            #expect(node.store.genesis.chainId == DevnetKeys.devnetChainId)
        }
    }

    @Test func malformedRequestsGetJSONErrors() async throws {
        try await NodeFixtures.withNode { _, client in
            let notJSON = try await client.call(.post, "/v1/txs", body: "tx=01")
            #expect(notJSON.status == 400 && notJSON.errorCode == "invalid_json")
            let missing = try await client.call(.post, "/v1/txs", body: "{}")
            #expect(missing.errorCode == "invalid_json" && (missing.errorMessage ?? "").contains("tx"))
            let route = try await client.call(.get, "/v1/nothing-here")
            #expect(route.status == 404 && route.errorCode == "not_found")
            let height = try await client.call(.get, "/v1/blocks/abc")
            #expect(height.status == 400 && height.errorCode == "invalid_height")
            let future = try await client.call(.get, "/v1/blocks/99")
            #expect(future.status == 404 && future.errorCode == "not_found")
            let address = try await client.call(.get, "/v1/accounts/sv1notanaddress")
            #expect(address.status == 400 && address.errorCode == "invalid_address")
            let hash = try await client.call(.get, "/v1/txs/1234")
            #expect(hash.status == 400 && hash.errorCode == "invalid_hash")
            let vault = try await client.call(.get, "/v1/vaults/\(Address(DevnetKeys.account(0).publicKey).text)/0")
            #expect(vault.status == 404 && vault.errorCode == "not_found")
            let mine = try await client.call(.post, "/v1/devnet/mine", body: "{\"blocks\": 5000}")
            #expect(mine.status == 400 && mine.errorCode == "invalid_count")
            let ws = try await client.call(.get, "/v1/ws")
            #expect(ws.status == 400 && ws.errorCode == "websocket_required")
        }
    }

    @Test func devnetControlsAreRefusedOutsideDevnet() async throws {
        try await NodeFixtures.withNode(devnet: false) { _, client in
            let reply = try await client.mine()
            #expect(reply.status == 403 && reply.errorCode == "devnet_only")
            #expect(try await client.call(.get, "/v1/status")["height"] as? Int == 0)
        }
    }

    @Test func batchReportsEachTransaction() async throws {
        try await NodeFixtures.withNode { _, client in
            let txs = (0..<5).map { NodeFixtures.tx(dev0, nonce: UInt64($0), .send(to: dev1, asset: 0, amount: 1)) }
            let bad = NodeFixtures.tx(dev0, nonce: 70, .send(to: dev1, asset: 0, amount: 1))
            let hexes = (txs.map(\.bytes) + [bad.bytes]).map { "\"\(Hex.encode($0))\"" } + ["\"zz\""]
            let reply = try await client.call(.post, "/v1/txs/batch", body: "{\"txs\":[\(hexes.joined(separator: ","))]}")
            #expect(reply["accepted"] as? Int == 5)
            #expect(reply["rejected"] as? Int == 2)
            let results = try #require(reply["results"] as? [[String: Any]])
            #expect(results.count == 7)
            #expect(results[0]["hash"] as? String == txs[0].hash.hex)
            #expect((results[5]["error"] as? [String: Any])?["code"] as? String == "nonce_too_high")
            #expect(results[6]["index"] as? Int == 6)
            let errorsOnly = try await client.call(.post, "/v1/txs/batch?results=errors", body: "{\"txs\":[\(hexes.joined(separator: ","))]}")
            #expect((errorsOnly["results"] as? [Any])?.count == 7, "resubmitted ones come back as already_known")
            _ = try await client.mine()
            let block = try await client.call(.get, "/v1/blocks/1")
            #expect(block["tx_count"] as? Int == 5)
        }
    }
}
