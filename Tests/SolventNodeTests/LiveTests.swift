import Foundation
import HummingbirdTesting
import Logging
import SolventClient
import SolventDevnet
import SolventEngine
import SolventCore
import SolventCrypto
import SolventNode
import Synchronization
import Testing

/// A real server on 127.0.0.1 with the block producer running.
@Suite struct LiveTests {
    let dev0 = DevnetKeys.account(0)
    let dev1 = Address(DevnetKeys.account(1).publicKey)

    @Test func waitForCommitReturnsTheReceipt() async throws {
        try await NodeFixtures.withNode(mode: .automine, live: true) { _, client in
            let tx = NodeFixtures.tx(dev0, nonce: 0, .deposit(vault: 0, asset: 1, amount: 50_000_000))
            let reply = try await client.submit(tx, wait: true)
            #expect(reply.status == 200)
            #expect(reply["status"] as? String == "committed")
            #expect(reply["hash"] as? String == tx.hash.hex)
            #expect(reply["height"] as? Int == 1)
            let receipt = try #require(reply["receipt"] as? [String: Any])
            #expect(receipt["code"] as? String == "ok")
            // A transaction that fails in its block still answers with its receipt.
            // (Admission ran it against the state then; a later block changed that state.)
            let second = NodeFixtures.tx(dev0, nonce: 1, .withdraw(vault: 0, asset: 1, amount: 50_000_000))
            #expect(try await client.submit(second, wait: true)["status"] as? String == "committed")
        }
    }

    /// Interval mode follows the chain's clock: each slot the clock passes gives a block, and
    /// none comes once the mode is manual, however far the clock moves. The test moves a
    /// `ManualClock` and waits for the commits themselves, never for the wall clock.
    @Test func intervalModeProducesBlocksOnItsOwn() async throws {
        let clock = ManualClock(ms: WallClock().nowMs())
        try await NodeFixtures.withNode(mode: .interval(milliseconds: 50), live: true, clock: clock) { node, client in
            for height in UInt64(1)...4 {
                clock.advance(by: 50)
                #expect(await node.producer.waitForHeight(height, timeout: .seconds(10)), "no block \(height) after its slot")
            }
            #expect(try await client.call(.get, "/v1/status")["height"] as? Int == 4)
            let times = try (1...4).map { try #require(try node.store.block(at: $0)).header.timeMs }
            #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 50 }, "block times \(times)")
            node.setBlockMode(.manual)
            clock.advance(by: 500)
            // A manual node mines only when asked: the next block is the one `mine` makes.
            let mined = try await node.mine(1)
            #expect(mined.first?.height == 5)
            #expect(try await client.call(.get, "/v1/status")["height"] as? Int == 5)
        }
    }

    /// The WebSocket stream replays stored blocks from `from_height`, then continues live with
    /// no gap and no duplicate.
    @Test func blockStreamCatchesUpThenFollows() async throws {
        try await NodeFixtures.withNode(mode: .manual, live: true) { node, client in
            _ = try await client.mine(3)
            let port = try #require(client.port)
            let received = Mutex<[Int]>([])
            let events = Mutex<[String]>([])
            let (arrivals, arrived) = AsyncStream.makeStream(of: Int.self)
            let watcher = follow(port, from: 2, until: arrived) { object in
                guard object["type"] as? String == "block", let block = object["block"] as? [String: Any] else { return true }
                let height = block["height"] as? Int ?? -1
                for tx in block["transactions"] as? [[String: Any]] ?? [] {
                    for e in (tx["receipt"] as? [String: Any])?["events"] as? [[String: Any]] ?? [] {
                        events.withLock { $0.append(e["type"] as? String ?? "") }
                    }
                }
                arrived.yield(height)
                return received.withLock { $0.append(height); return $0.count < 5 }
            }
            // Wait for the catch-up (blocks 2 and 3) as it arrives, then make two live blocks, one
            // with a transfer.
            var next = arrivals.makeAsyncIterator()
            #expect(await next.next() == 2)
            #expect(await next.next() == 3)
            _ = try await client.submit(NodeFixtures.tx(dev0, nonce: 0, .send(to: dev1, asset: 0, amount: 1)))
            _ = try await client.mine(3)
            try await watcher.value
            #expect(received.withLock { $0 } == [2, 3, 4, 5, 6])
            #expect(events.withLock { $0 } == ["transfer"])
            #expect(node.store.genesis.chainId == DevnetKeys.devnetChainId)
        }
    }

    /// Blocks start at 1, so `from_height=0` is cut too: a `truncated` notice naming height 1
    /// comes between the hello and the first block (rpc.md, "Block stream").
    @Test func blockStreamFromHeightZeroSaysItStartsAtOne() async throws {
        try await NodeFixtures.withNode(mode: .manual, live: true) { _, client in
            _ = try await client.mine(2)
            let port = try #require(client.port)
            let messages = Mutex<[String]>([])
            let (arrivals, arrived) = AsyncStream.makeStream(of: Int.self)
            let watcher = follow(port, from: 0, until: arrived) { object in
                let type = object["type"] as? String ?? "?"
                let height = (object["block"] as? [String: Any])?["height"] ?? object["height"] ?? "?"
                arrived.yield(0)
                return messages.withLock { $0.append("\(type) \(height)"); return $0.count < 4 }
            }
            // A live block after the hello (as it arrives), so that the stream has a fourth message either way.
            var next = arrivals.makeAsyncIterator()
            #expect(await next.next() != nil)
            _ = try await client.mine(1)
            try await watcher.value
            #expect(messages.withLock { $0 } == ["hello 2", "truncated 1", "block 1", "block 2"])
        }
    }

    /// Follows the node's block stream in a task, each message as a JSON object, until `onMessage`
    /// says stop; `arrivals` finishes when the stream ends, so a test waiting on it never hangs.
    private func follow(_ port: Int, from height: UInt64, until arrivals: AsyncStream<Int>.Continuation,
                        _ onMessage: @escaping @Sendable ([String: Any]) -> Bool) -> Task<Void, any Error> {
        var logger = Logger(label: "ws")
        logger.logLevel = .warning
        return Task { [logger] in
            defer { arrivals.finish() }
            try await BlockWatcher.follow(nodeURL: "http://127.0.0.1:\(port)", fromHeight: height, logger: logger) { text in
                onMessage((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:])
            }
        }
    }
}
