import Foundation
import Hummingbird
import SolventEngine
import SolventCore
import SolventDevnet
import SolventStore
import SolventWire

/// The devnet controls over RPC (contracts-spec/devnet.md): refused with 403 `devnet_only`
/// unless the node runs in devnet mode. `POST /v1/devnet/mine` is in Routes.swift.
struct DevnetRoutes: Sendable {
    let node: Node

    func register(on router: Router<RPCContext>) {
        router.post("/v1/devnet/advance") { request, _ in try await advance(request) }
        router.post("/v1/devnet/time") { request, _ in try await time(request) }
        router.post("/v1/devnet/block-mode") { request, _ in try await blockMode(request) }
        router.post("/v1/devnet/oracle") { request, _ in try await oracle(request) }
        router.post("/v1/devnet/snapshot") { _, _ in try snapshot() }
        router.post("/v1/devnet/revert") { request, _ in try await revert(request) }
        router.get("/v1/devnet/dump") { _, _ in try dump() }
    }

    func requireDevnet() throws { try Routes(node: node).requireDevnet() }

    func body<T: Decodable>(_ request: Request, _ type: T.Type) async throws -> T {
        let buffer = try await Routes.collectBody(request, limit: 4096)
        do {
            return try WireJSON.decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw RPCError.badRequest("invalid_body", "the request body is not the JSON this control takes: \(Routes.describe(error))")
        }
    }

    static func rethrow<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as DevnetError {
            throw RPCError.badRequest(e.code, e.message)
        }
    }

    /// "8h", "90m", "30s", "1500ms", "2d" or a number of milliseconds.
    static func parseDuration(_ text: String) -> UInt64? {
        let units: [(String, UInt64)] = [("ms", 1), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let n = UInt64(text.dropLast(suffix.count)), n <= UInt64.max / scale else { return nil }
            return n * scale
        }
        return UInt64(text)
    }

    func clockReply(mined blocks: [CommittedBlock]? = nil) -> ClockReply {
        let head = node.latestHead
        let events = blocks?.flatMap(\.blockEvents)
        return ClockReply(height: head.height, blockTime: UTCTime.rfc3339(head.timeMs), blockTimeMs: head.timeMs, appHash: head.appHash.hex,
                          mined: blocks?.count, fundingEvents: events.map { $0.filter { $0.type == "funding" && $0["status"] == "applied" }.count },
                          settledMarkets: events.map { $0.filter { $0.type == "market_settled" }.compactMap { $0["market"] } })
    }

    func advance(_ request: Request) async throws -> Response {
        try requireDevnet()
        let b = try await body(request, AdvanceRequest.self)
        guard let ms = Self.parseDuration(b.duration) else {
            throw RPCError.badRequest("invalid_duration", "'\(b.duration)' is not a duration like 8h, 90m, 30s, 1500ms or 2d")
        }
        let blocks = try await Self.rethrow { try await node.devnet.advance(by: ms, refreshPrices: b.refreshPrices ?? true) }
        return .json(clockReply(mined: blocks))
    }

    func time(_ request: Request) async throws -> Response {
        try requireDevnet()
        let b = try await body(request, NextBlockTimeRequest.self)
        guard let ms = UTCTime.parse(b.nextBlockTime) ?? UInt64(b.nextBlockTime) else {
            throw RPCError.badRequest("invalid_time", "'\(b.nextBlockTime)' is not a UTC time like 2027-03-26T08:00:00Z or milliseconds")
        }
        try await Self.rethrow { try node.devnet.setNextBlockTime(ms) }
        return .json(NextBlockTimeReply(nextBlockTime: UTCTime.format(ms), nextBlockTimeMs: String(ms)))
    }

    func blockMode(_ request: Request) async throws -> Response {
        try requireDevnet()
        let b = try await body(request, BlockModeRequest.self)
        let mode: BlockMode
        switch b.mode {
        case "interval":
            let ms = b.intervalMs ?? 1000
            guard (1...3_600_000).contains(ms) else { throw RPCError.badRequest("invalid_interval", "interval_ms is 1 to 3600000") }
            mode = .interval(milliseconds: ms)
        case "automine": mode = .automine
        case "manual": mode = .manual
        default: throw RPCError.badRequest("invalid_mode", "mode is interval, automine or manual")
        }
        node.setBlockMode(mode)
        return .json(BlockModeReply(mode: mode.name, description: mode.description))
    }

    func oracle(_ request: Request) async throws -> Response {
        try requireDevnet()
        let b = try await body(request, OracleOverrideRequest.self)
        guard let market = node.oracleMarkets.all.first(where: { $0.symbol == b.market.uppercased() || String($0.id) == b.market }) else {
            throw RPCError.notFound("no oracle market '\(b.market)'")
        }
        guard let price = OraclePrice.parse(b.price) else {
            throw RPCError.badRequest("invalid_price", "'\(b.price)' is not a positive price with at most 8 decimals")
        }
        let tx = try await Self.rethrow { try node.devnet.submitOverride(market: market.id, price: price) }
        var committed: CommittedBlock?
        if b.mine ?? true {
            committed = try await node.mine(1).first
        }
        let receipt = committed.flatMap { c in zip(c.transactions, c.receipts).first { $0.0.hash == tx.hash }?.1 }
        if let receipt, !receipt.succeeded {
            throw RPCError.badRequest(receipt.code?.name ?? "refused", receipt.message)
        }
        return .json(OracleOverrideReply(market: market.symbol, price: OraclePrice.format(price), txHash: tx.hash.hex, height: committed?.height))
    }

    func snapshot() throws -> Response {
        try requireDevnet()
        let (id, head) = node.devnet.takeSnapshot()
        return .json(SnapshotReply(id: String(id), height: head.height, appHash: head.appHash.hex, blockTime: UTCTime.rfc3339(head.timeMs)))
    }

    func revert(_ request: Request) async throws -> Response {
        try requireDevnet()
        let b = try await body(request, RevertRequest.self)
        guard let id = UInt64(b.id) else { throw RPCError.badRequest("invalid_snapshot", "id is a snapshot id from POST /v1/devnet/snapshot") }
        _ = try await Self.rethrow { try await node.devnet.revert(to: id) }
        return .json(clockReply())
    }

    func dump() throws -> Response {
        try requireDevnet()
        let bytes = try ChainDump.encode(node.store)
        var response = Response.json(bytes)
        response.headers[.contentType] = "application/octet-stream"
        return response
    }
}
