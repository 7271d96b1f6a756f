import Foundation
import HummingbirdTesting
import SolventDevnet
import SolventEngine
import SolventCore
import SolventCrypto
import SolventNode
import SolventStore
import Testing
import SolventWire

/// Future nonces are held in the queue and promoted when the gap fills, within the window and
/// the bounds (transactions.md, "Nonces"); the journal is re-admitted after a restart
/// (storage.md, "The mempool journal").
@Suite struct QueuedNonceTests {
    let dev0 = DevnetKeys.account(0)
    let dev1 = Address(DevnetKeys.account(1).publicKey)
    var sender: Address { Address(dev0.publicKey) }

    func send(_ nonce: UInt64, amount: UInt128 = 1) -> SignedTransaction {
        NodeFixtures.tx(dev0, nonce: nonce, .send(to: dev1, asset: 0, amount: amount))
    }

    @Test func aGapIsHeldThenPromotedInNonceOrder() async throws {
        try await NodeFixtures.withNode { _, client in
            let txs = (0..<4).map { send(UInt64($0)) }
            for n in [3, 1, 2] {
                let reply = try await client.submit(txs[n])
                #expect(reply.status == 202 && reply["status"] as? String == "queued", "nonce \(n): \(reply.json)")
            }
            // next_nonce does not count queued transactions: it is the nonce that fills the gap.
            #expect(try await client.call(.get, "/v1/accounts/\(sender.text)")["next_nonce"] as? Int == 0)
            let queued = try await client.call(.get, "/v1/txs/\(txs[2].hash.hex)")
            #expect(queued.status == 200 && queued["status"] as? String == "queued" && queued["height"] == nil)
            #expect(try await client.call(.get, "/v1/status")["mempool_size"] as? Int == 3)
            // Queued transactions are not block candidates.
            _ = try await client.mine()
            #expect(try await client.call(.get, "/v1/blocks/1")["tx_count"] as? Int == 0)

            let gap = try await client.submit(txs[0])
            #expect(gap.status == 202 && gap["status"] as? String == "pending")
            #expect(try await client.call(.get, "/v1/txs/\(txs[3].hash.hex)")["status"] as? String == "pending")
            #expect(try await client.call(.get, "/v1/accounts/\(sender.text)")["next_nonce"] as? Int == 4)
            _ = try await client.mine()
            let block = try await client.call(.get, "/v1/blocks/2")
            let included = try #require(block["transactions"] as? [[String: Any]])
            #expect(included.compactMap { $0["nonce"] as? Int } == [0, 1, 2, 3])
            #expect(included.allSatisfy { (($0["receipt"] as? [String: Any])?["code"] as? String) == "ok" })
            #expect(try await client.call(.get, "/v1/txs/\(txs[3].hash.hex)")["status"] as? String == "committed")
        }
    }

    @Test func theWindowAndTheQueueAreBounded() async throws {
        let dev2 = DevnetKeys.account(2)
        try await NodeFixtures.withNode(limits: MempoolLimits(maxQueued: 70)) { _, client in
            // A sender may queue up to 64 nonces ahead of its next one (0).
            for n in 1...64 {
                #expect(try await client.submit(send(UInt64(n)))["status"] as? String == "queued", "nonce \(n)")
            }
            let beyond = try await client.submit(send(65))
            #expect(beyond.status == 400 && beyond.errorCode == "nonce_too_high")
            #expect(beyond.errorMessage?.contains("by more than 64") == true, "\(beyond.errorMessage ?? "")")
            // One transaction per queued nonce: another one with nonce 5 is refused, the same one is known.
            let other = try await client.submit(send(5, amount: 2))
            #expect(other.status == 400 && other.errorCode == "nonce_queued")
            #expect(try await client.submit(send(5)).errorCode == "already_known")
            // 70 queued in all: a second sender gets 6 more, then queue_full (503, retry later).
            for n in 1...6 {
                let tx = NodeFixtures.tx(dev2, nonce: UInt64(n), .send(to: dev1, asset: 0, amount: 1))
                #expect(try await client.submit(tx)["status"] as? String == "queued")
            }
            let full = try await client.submit(NodeFixtures.tx(dev2, nonce: 7, .send(to: dev1, asset: 0, amount: 1)))
            #expect(full.status == 503 && full.errorCode == "queue_full")
            // The gap fills: all 64 are promoted behind nonce 0, and the next block takes the 65.
            #expect(try await client.submit(send(0))["status"] as? String == "pending")
            #expect(try await client.call(.get, "/v1/txs/\(send(64).hash.hex)")["status"] as? String == "pending")
            _ = try await client.mine()
            #expect(try await client.call(.get, "/v1/blocks/1")["tx_count"] as? Int == 65)
            #expect(try await client.call(.get, "/v1/accounts/\(sender.text)")["nonce"] as? Int == 65)
        }
    }

    @Test func aPromotedTransactionThatFailsIsDroppedAndItsWaiterHearsWhy() async throws {
        try await NodeFixtures.withNode { node, client in
            // Nonce 1 spends more than the wallet will hold; queued transactions are not executed.
            let tooMuch = send(1, amount: 2_000_000_000_000)
            let waiter = Task { try await client.submit(tooMuch, wait: true).outcome }
            try await Self.waitUntil(client, tooMuch, is: "queued")
            _ = try await client.submit(send(2))
            #expect(try await client.submit(send(0)).status == 202)
            let reply = try await waiter.value
            #expect(reply.status == 409 && reply.code == "insufficient_balance", "\(reply)")
            #expect(try await client.call(.get, "/v1/txs/\(tooMuch.hash.hex)").status == 404)
            // Nonce 2 waits again for nonce 1; the journal holds exactly what waits.
            #expect(try await client.call(.get, "/v1/txs/\(send(2).hash.hex)")["status"] as? String == "queued")
            let journaled = try node.store.journal().map { try TxCodec.decode($0.transaction).hash }
            #expect(Set(journaled) == [send(0).hash, send(2).hash])
        }
    }

    @Test func aBatchReportsAQueuedEntryRefusedWhenALaterEntryFillsItsGap() async throws {
        try await NodeFixtures.withNode { node, client in
            let tooMuch = send(1, amount: 2_000_000_000_000)
            let hexes = [tooMuch, send(0)].map { "\"\(Hex.encode($0.bytes))\"" }
            let reply = try await client.call(.post, "/v1/txs/batch", body: "{\"txs\":[\(hexes.joined(separator: ","))]}")
            let results = try #require(reply["results"] as? [[String: Any]])
            #expect(reply["accepted"] as? Int == 1)
            #expect((results[0]["error"] as? [String: Any])?["code"] as? String == "insufficient_balance", "\(results)")
            #expect(results[1]["status"] as? String == "pending")
            #expect(try node.store.journal().map { try TxCodec.decode($0.transaction).hash } == [send(0).hash])
        }
    }

    @Test func aGapThatNeverFillsExpires() async throws {
        try await NodeFixtures.withNode(limits: MempoolLimits(queuedLifetimeBlocks: 3)) { node, client in
            let stuck = send(1)
            let waiter = Task { try await client.submit(stuck, wait: true).outcome }
            try await Self.waitUntil(client, stuck, is: "queued")
            _ = try await client.mine(2)
            #expect(try await client.call(.get, "/v1/txs/\(stuck.hash.hex)")["status"] as? String == "queued")
            _ = try await client.mine()
            let reply = try await waiter.value
            #expect(reply.status == 409 && reply.code == "nonce_too_high", "\(reply)")
            #expect(reply.message?.contains("3 blocks") == true)
            #expect(try await client.call(.get, "/v1/txs/\(stuck.hash.hex)").status == 404)
            #expect(try node.store.journal().isEmpty)
        }
    }

    @Test func theJournalIsReadmittedInOrderAndWhatNoLongerPassesIsDropped() async throws {
        let (good0, good1, good2) = (send(0), send(1), send(2))
        let reused = send(0, amount: 7)
        var forged = send(3).bytes
        forged[forged.count - 1] ^= 1
        let journal: [(UInt64, [UInt8])] = [
            (0, good0.bytes), (1, [1, 2, 3]), (2, forged), (3, good2.bytes), (4, reused.bytes), (5, good1.bytes),
        ]
        try await NodeFixtures.withNode(prepare: { home in
            try home.openStore().updateJournal(
                adding: journal.map { JournalEntry(key: $0.0, acceptedHeight: 0, transaction: $0.1) }, removing: [])
        }) { node, client in
            // nonce 2 (key 3) waited for nonce 1 (key 5) and was promoted behind it; the garbage,
            // the forged signature and the second nonce 0 are dropped from the journal.
            for tx in [good0, good1, good2] {
                #expect(try await client.call(.get, "/v1/txs/\(tx.hash.hex)")["status"] as? String == "pending")
            }
            #expect(try await client.call(.get, "/v1/txs/\(reused.hash.hex)").status == 404)
            #expect(try node.store.journal().map(\.key) == [0, 3, 5])
            _ = try await client.mine()
            let block = try await client.call(.get, "/v1/blocks/1")
            #expect((block["transactions"] as? [[String: Any]])?.compactMap { $0["hash"] as? String }
                    == [good0, good1, good2].map(\.hash.hex))
            // The block's commit took its transactions out of the journal.
            #expect(try node.store.journal().isEmpty)
            // New entries continue after the largest key the journal had.
            #expect(try await client.submit(send(3)).status == 202)
            #expect(try node.store.journal().map(\.key) == [6])
        }
    }

    /// Polls until `tx` has `status` in the mempool (a bounded wait, for a submission running in
    /// another task).
    static func waitUntil(_ client: any TestClientProtocol, _ tx: SignedTransaction, is status: String) async throws {
        for _ in 0..<400 {
            if try await client.call(.get, "/v1/txs/\(tx.hash.hex)")["status"] as? String == status { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("transaction \(tx.hash.hex) never became \(status)")
    }
}

extension Reply {
    /// What a test waiting in another task needs of a reply (a `Reply` is not `Sendable`).
    var outcome: (status: Int, code: String?, message: String?) { (status, errorCode, errorMessage) }
}
