import Foundation
import SolventClient
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventNode
import SolventStore
import SolventTestSupport
import Testing
import SolventWire

/// kill -9 of a real solventd process while it commits blocks under load, several times: every
/// restart finds a complete chain (the last block whole, nothing of the next), `solventd replay`
/// verifies it, and the node carries on from where it was.
@Suite(.serialized) struct CrashTests {
    @Test func killNineWhileCommittingLeavesAWholeChain() async throws {
        let solventd = try Binaries.path("solventd")
        let home = NodeFixtures.home()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        let port = 27000 + Int(ProcessInfo.processInfo.processIdentifier % 2000)
        let client = RPCClient(baseURL: "http://127.0.0.1:\(port)", timeoutSeconds: 10)
        let keys = (0..<10).map { DevnetKeys.account($0) }
        var nonces = [UInt64](repeating: 0, count: 10)
        var lastHeight: UInt64 = 0
        var lastAppHash = ""

        for round in 0..<4 {
            let node = Process()
            node.executableURL = URL(fileURLWithPath: solventd)
            node.arguments = ["devnet", "--home", home.path, "--rpc", "127.0.0.1:\(port)", "--block-time", "20", "--log-level", "error"]
            node.standardOutput = FileHandle.nullDevice
            try node.run()
            var status: StatusReply?
            for _ in 0..<200 {
                if let s = try? await client.status().value { status = s; break }
                try await Task.sleep(for: .milliseconds(25))
            }
            let s = try #require(status, "node did not start in round \(round)")
            // Everything committed before the previous kill is still there.
            #expect(s.height >= lastHeight, "round \(round): height went back from \(lastHeight) to \(s.height)")
            if round > 0 { #expect(try await Self.appHash(client, at: lastHeight) == lastAppHash) }

            // Load the node, then kill it at a moment that varies from round to round.
            for _ in 0..<4 {
                var hexes = [String]()
                for (i, key) in keys.enumerated() {
                    let next = try await client.account(Address(key.publicKey).text).value.nextNonce
                    nonces[i] = next
                    for k in 0..<25 {
                        let tx = Transaction(chainId: s.chainId, sender: Address(key.publicKey), nonce: next + UInt64(k),
                                             action: .send(to: Address(keys[(i + 1) % 10].publicKey), asset: 0, amount: 1))
                        hexes.append(Hex.encode(tx.signed(with: key).bytes))
                    }
                }
                _ = try await client.submitBatch(hex: hexes, errorsOnly: true)
            }
            try await Task.sleep(for: .milliseconds(UInt64(15 + 23 * round)))
            kill(node.processIdentifier, SIGKILL)
            node.waitUntilExit()
            #expect(node.terminationReason == .uncaughtSignal)

            // The store on disk: a whole chain whose head verifies from genesis.
            let store = try home.openStore(readOnly: true)
            let head = try store.head()
            #expect(head.height >= lastHeight)
            let headBlock = try #require(try store.block(at: head.height))
            #expect(headBlock.hash == head.blockHash)
            #expect(try store.receipts(at: head.height).count == headBlock.transactions.count)
            #expect(try store.block(at: head.height + 1) == nil)
            lastHeight = head.height
            lastAppHash = head.appHash.hex
        }
        let replay = try Binaries.run(solventd, ["replay", "--home", home.path, "--json"])
        #expect(replay.status == 0, "replay failed: \(replay.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(replay.stdout.utf8)) as? [String: Any]
        #expect(json?["app_hash"] as? String == lastAppHash)
        #expect((json?["transactions"] as? Int ?? 0) > 0)
    }

    static func appHash(_ client: RPCClient, at height: UInt64) async throws -> String {
        try await client.block(String(height)).value.appHash
    }
}
