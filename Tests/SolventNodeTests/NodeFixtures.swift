import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SolventDevnet
import SolventEngine
import SolventCore
import SolventCrypto
import SolventNode
import SolventStore
import SolventWire
import Testing

/// A node on a fresh temporary home, served through Hummingbird's test client.
enum NodeFixtures {
    static func home() -> NodeHome {
        NodeHome(path: FileManager.default.temporaryDirectory
            .appendingPathComponent("solvent-node-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))").path)
    }

    static var logger: Logger {
        var l = Logger(label: "solvent.test")
        l.logLevel = .warning
        return l
    }

    /// Runs `body` against a node (manual blocks unless `mode` says otherwise). With `live`, a real
    /// server listens on 127.0.0.1 on a free port and the block producer runs.
    /// `prepare` runs on the initialised home before the node opens it. The chain's clock is
    /// `clock`; without one, a `ManualClock` that starts at the wall clock's time and moves only
    /// when the test advances it (`advance`), or the wall clock itself for a live node.
    static func withNode<T>(genesis: Genesis = DevnetKeys.devnetGenesis(), mode: BlockMode = .manual, devnet: Bool = true,
                            live: Bool = false, limits: MempoolLimits = MempoolLimits(), rpcLimits: RPCLimits = RPCLimits(),
                            clock: (any ChainClock)? = nil, prepare: (NodeHome) throws -> Void = { _ in },
                            _ body: @Sendable (Node, any TestClientProtocol) async throws -> T) async throws -> T {
        let home = home()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        try home.initialize(genesis: genesis)
        try prepare(home)
        let node = try Node(config: NodeConfig(home: home, rpcPort: 0, blockMode: mode, mempool: limits, devnet: devnet,
                                               commitWaitSeconds: 10, rpcLimits: rpcLimits,
                                               clock: clock ?? (live ? WallClock() : ManualClock(ms: WallClock().nowMs()))),
                            logger: logger)
        defer { node.close() }
        let app = RPCServer.application(for: node, logger: logger)
        let producer = live ? Task { await node.run() } : nil
        defer {
            node.stop()
            producer?.cancel()
        }
        return try await app.test(live ? .live : .router) { client in try await body(node, client) }
    }

    /// Moves the node's `ManualClock` forward: block time passes without waiting for it.
    static func advance(_ node: Node, ms: UInt64) throws {
        let clock = try #require(node.producer.clock as? ManualClock, "the node runs on the wall clock")
        clock.advance(by: ms)
    }

    static func tx(_ key: PrivateKey, nonce: UInt64, _ action: TxAction, chainId: String = DevnetKeys.devnetChainId) -> SignedTransaction {
        Transaction(chainId: chainId, sender: Address(key.publicKey), nonce: nonce, action: action).signed(with: key)
    }
}

/// A decoded JSON reply.
struct Reply {
    let status: Int
    let json: [String: Any]
    let array: [Any]

    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
    subscript(key: String) -> Any? { json[key] }
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil) async throws -> Reply {
        try await execute(uri: uri, method: method, headers: [.contentType: "application/json"],
                          body: body.map { ByteBuffer(string: $0) }) { response in
            let data = Data(response.body.readableBytesView)
            let object = try? JSONSerialization.jsonObject(with: data)
            return Reply(status: Int(response.status.code), json: object as? [String: Any] ?? [:], array: object as? [Any] ?? [])
        }
    }

    func submit(_ tx: SignedTransaction, wait: Bool = false) async throws -> Reply {
        try await submit(hex: Hex.encode(tx.bytes), wait: wait)
    }

    func submit(hex: String, wait: Bool = false) async throws -> Reply {
        try await call(.post, wait ? "/v1/txs?wait=commit" : "/v1/txs", body: "{\"tx\":\"\(hex)\"}")
    }

    func mine(_ blocks: Int = 1) async throws -> Reply {
        try await call(.post, "/v1/devnet/mine", body: "{\"blocks\":\(blocks)}")
    }

    func wallet(_ address: Address) async throws -> [String: String] {
        let reply = try await call(.get, "/v1/accounts/\(address.text)")
        var out = [String: String]()
        for entry in reply["wallet"] as? [[String: String]] ?? [] { out[entry["asset"]!] = entry["amount"]! }
        return out
    }
}
