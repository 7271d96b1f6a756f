import Foundation
import SolventClient
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventNode
import SolventTestSupport
import Synchronization
import Testing

/// What a real solventd process promises about accepted transactions and its home: nothing
/// answered as accepted is lost to kill -9 (storage.md, "The mempool journal"), one sender's
/// nonces sent all at once in any order all commit (transactions.md, "Nonces"), and a home in use
/// says so (storage.md, "The home lock").
@Suite(.serialized) struct JournalCrashTests {
    /// kill -9 at a random instant under load, 24 times: after each restart every transaction the
    /// node had accepted is committed or back in the mempool, and at the end all are committed.
    @Test func killNineUnderLoadLosesNoAcceptedTransaction() async throws {
        let home = NodeFixtures.home().path
        defer { NodeProcess.remove(home: home) }
        let keys = (0..<8).map { DevnetKeys.account($0) }
        var rng = SplitMix64(seed: 2026)
        var unsettled = [String: Int]()  // accepted, not yet seen committed: hash -> round
        var acceptedTotal = 0
        var restoredRounds = 0
        let rounds = 24
        for round in 0...rounds {
            let node = try await NodeProcess.start(home: home, ["--block-time", "200", "--log-level", "error"])
            var restored = 0
            for (hash, from) in unsettled {
                let status = (try? await node.client.transaction(hash).value)?.status
                #expect(["committed", "pending", "queued"].contains(status ?? "lost"),
                        "transaction \(hash), accepted in round \(from), is lost after a kill -9")
                if status == "committed" { unsettled[hash] = nil } else if from == round - 1 { restored += 1 }
            }
            if restored > 0 { restoredRounds += 1 }
            if round == rounds {
                try await Self.drain(node.client, until: Array(unsettled.keys))
                for hash in unsettled.keys {
                    #expect((try? await node.client.transaction(hash).value)?.status == "committed", "\(hash) never committed")
                }
                node.stop()
                break
            }
            let accepted = try await Self.loadThenKill(node, keys: keys, delayMs: 20 + rng.below(300), seed: rng.next())
            for hash in accepted { unsettled[hash] = round }
            acceptedTotal += accepted.count
        }
        #expect(acceptedTotal > 0)
        // The journal itself was put to work: in some rounds accepted transactions were waiting
        // (not yet in a block) when the node was killed, and came back after the restart.
        #expect(restoredRounds > 0, "no round restored a pending transaction (accepted \(acceptedTotal))")
    }

    /// Four concurrent clients submit one-by-one and in batches (each batch holding its
    /// senders' nonces shuffled, so some wait in the queue); once something was accepted the node
    /// is killed after `delayMs`. Returns the hashes the node accepted.
    static func loadThenKill(_ node: NodeProcess, keys: [PrivateKey], delayMs: Int, seed: UInt64) async throws -> [String] {
        let chainId = try await node.client.status().value.chainId
        var nonces = [UInt64]()
        for key in keys { nonces.append(try await node.client.account(Address(key.publicKey).text).value.nextNonce) }
        let accepted = Tally(), refused = Tally()
        let client = node.client
        let startNonces = nonces
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var rng = SplitMix64(seed: seed &+ UInt64(worker))
                        let mine = [2 * worker, 2 * worker + 1]
                        var next = mine.map { startNonces[$0] }
                        for step in 0..<400 {
                            var txs = [SignedTransaction]()
                            for (j, a) in mine.enumerated() {
                                let count = step % 3 == 0 ? 1 : 6
                                var batch = (0..<count).map { k in
                                    Transaction(chainId: chainId, sender: Address(keys[a].publicKey), nonce: next[j] + UInt64(k),
                                                action: .send(to: Address(keys[(a + 1) % keys.count].publicKey), asset: 0, amount: 1))
                                        .signed(with: keys[a])
                                }
                                batch.shuffle(using: &rng)
                                txs += batch
                                next[j] += UInt64(count)
                            }
                            // `already_known` is an acceptance too: a transaction the node had journaled
                            // without answering before the kill (written by another request's journal
                            // write) came back after the restart, queued if its earlier nonces had not.
                            do {
                                if step % 3 == 0 {
                                    for tx in txs {
                                        do {
                                            let reply = try await client.submit(hex: Hex.encode(tx.bytes), waitForCommit: false)
                                            if reply.status == 202 { accepted.add([reply.value.hash]) }
                                        } catch let error as ClientError where error.code == "already_known" {
                                            accepted.add([tx.hash.hex])
                                        }
                                    }
                                } else {
                                    let reply = try await client.submitBatch(hex: txs.map { Hex.encode($0.bytes) }).value
                                    var stop = false
                                    for item in reply.results {
                                        if item.accepted || item.error?.code == "already_known" {
                                            accepted.add([txs[item.index].hash.hex])
                                        } else {
                                            refused.add(["\(item.error?.code ?? "?"): \(item.error?.message ?? "")"])
                                            stop = true
                                        }
                                    }
                                    if stop { return }
                                }
                            } catch let error as ClientError where error.code != "node_unreachable" {
                                refused.add(["\(error.code): \(error.message)"])
                                return
                            } catch {
                                return  // the node is gone
                            }
                        }
                    }
                }
            }
        }
        for _ in 0..<400 where accepted.values.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(delayMs))
        node.kill9()
        await load.value
        #expect(refused.values.isEmpty, "refusals under load: \(refused.values.prefix(3))")
        return accepted.values
    }

    /// Mines (devnet `mine`) until every one of `hashes` is committed: at most 200 blocks, each
    /// taking what waits, so the test waits for commits it asked for, never for the clock. The
    /// mempool need not empty: the last kill can leave a batch half journaled, its later nonces
    /// queued behind earlier ones that were never accepted (and never answered, so not in
    /// `hashes`); no later round sends those nonces again.
    static func drain(_ client: RPCClient, until hashes: [String]) async throws {
        var waiting = hashes
        for _ in 0..<200 {
            var still = [String]()
            for hash in waiting where (try? await client.transaction(hash).value)?.status != "committed" { still.append(hash) }
            waiting = still
            if waiting.isEmpty { return }
            _ = try await client.mine(blocks: 1)
        }
        Issue.record("\(waiting.count) accepted transactions still not committed after 200 blocks")
    }

    /// One sender's 20 consecutive nonces, sent at once on concurrent connections in shuffled
    /// order: the early ones are queued until the gap fills, and all 20 commit.
    @Test func twentyNoncesSentAtOnceAllCommit() async throws {
        let home = NodeFixtures.home().path
        defer { NodeProcess.remove(home: home) }
        let node = try await NodeProcess.start(home: home, ["--block-time", "100", "--log-level", "error"])
        defer { node.stop() }
        let key = DevnetKeys.account(5)
        let sender = Address(key.publicKey)
        let status = try await node.client.status().value
        let first = try await node.client.account(sender.text).value.nextNonce
        var rng = SplitMix64(seed: 20)
        let txs = (0..<20).map { k in
            Transaction(chainId: status.chainId, sender: sender, nonce: first + UInt64(k),
                        action: .send(to: Address(DevnetKeys.account(6).publicKey), asset: 0, amount: 1)).signed(with: key)
        }.shuffled(using: &rng)
        let client = node.client
        // The client opens up to 8 connections to the node and sends the 20 requests over them as
        // they free up, so they arrive concurrently and out of order.
        let replies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for tx in txs {
                group.addTask {
                    let reply = try await client.submit(hex: Hex.encode(tx.bytes), waitForCommit: false)
                    return (reply.status, reply.value.status)
                }
            }
            return try await group.reduce(into: [(Int, String)]()) { $0.append($1) }
        }
        #expect(replies.count == 20 && replies.allSatisfy { $0.0 == 202 }, "\(replies)")
        // The shuffled order is not the nonce order: some arrived ahead of their turn and waited.
        #expect(replies.contains { $0.1 == "queued" }, "\(replies)")
        try await Self.drain(client, until: txs.map(\.hash.hex))
        for tx in txs {
            let committed = try await client.transaction(tx.hash.hex).value
            #expect(committed.status == "committed" && committed.receipt?.code == "ok", "nonce \(tx.transaction.nonce): \(committed.status)")
        }
        #expect(try await client.account(sender.text).value.nonce == first + 20)
    }

    /// A running node holds its home: replay, load and a second node say so with its PID; dump
    /// reads beside it; after kill -9 the home is free.
    @Test func aRunningNodeHoldsItsHome() async throws {
        let home = NodeFixtures.home().path
        let dumpFile = home + ".dump"
        defer {
            NodeProcess.remove(home: home)
            try? FileManager.default.removeItem(atPath: dumpFile)
        }
        let solventd = try Binaries.path("solventd")
        let node = try await NodeProcess.start(home: home, ["--manual", "--log-level", "error"])
        let held = "home_in_use: \(home) is held by a running solventd (pid \(node.pid), solventd devnet)"
        let replay = try Binaries.run(solventd, ["replay", "--home", home])
        #expect(replay.status != 0 && replay.stderr.contains(held), "\(replay.stderr)")
        let dump = try Binaries.run(solventd, ["dump", "--home", home, dumpFile])
        #expect(dump.status == 0, "\(dump.stderr)")
        let load = try Binaries.run(solventd, ["load", "--home", home, dumpFile])
        #expect(load.status != 0 && load.stderr.contains(held), "\(load.stderr)")
        let second = try Binaries.run(solventd, ["start", "--home", home, "--rpc", "127.0.0.1:0"])
        #expect(second.status != 0 && second.stderr.contains(held), "\(second.stderr)")
        #expect(try await node.client.status().value.height == 0, "the node runs on, untouched")

        node.kill9()
        let after = try Binaries.run(solventd, ["replay", "--home", home, "--json"])
        #expect(after.status == 0, "after kill -9 the home is free: \(after.stderr)")
    }
}

/// Strings collected by concurrent tasks.
final class Tally: Sendable {
    private let list = Mutex<[String]>([])
    func add(_ items: [String]) { list.withLock { $0 += items } }
    var values: [String] { list.withLock { $0 } }
}
