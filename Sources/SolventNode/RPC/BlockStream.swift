import Foundation
import Hummingbird
import HummingbirdWebSocket
import SolventCore
import SolventStore

/// `GET /v1/ws`: a WebSocket that streams every committed block with its transactions, receipts
/// and events as JSON text messages (contracts-spec/rpc.md, "Block stream").
///
/// With `?from_height=H` the stream first replays stored blocks from H, then continues live
/// without a gap or a duplicate. A subscriber that falls more than the buffer behind gets a
/// `lagged` message and is disconnected; it reconnects with `from_height` to catch up.
struct BlockStream: Sendable {
    let routes: Routes
    var node: Node { routes.node }

    static let maxCatchUp: UInt64 = 10_000

    struct Hello: Encodable {
        let type = "hello"
        let chainId: String
        let height: UInt64
        enum CodingKeys: String, CodingKey { case type, chainId = "chain_id", height }
    }

    struct BlockMessage: Encodable {
        let type = "block"
        let block: BlockView
    }

    struct Notice: Encodable {
        let type: String
        let message: String
        let height: UInt64?
    }

    func register(on router: Router<RPCContext>) {
        router.ws("/v1/ws", shouldUpgrade: { request, _ in
            guard request.headers[.upgrade]?.lowercased() == "websocket" else {
                throw RPCError.badRequest("websocket_required", "/v1/ws is a WebSocket endpoint: connect with an Upgrade: websocket request")
            }
            if let text = request.uri.queryParameters["from_height"], UInt64(text) == nil {
                throw RPCError.badRequest("invalid_height", "from_height must be a block height")
            }
            return .upgrade([:])
        }, onUpgrade: { inbound, outbound, context in
            try await serve(inbound: inbound, outbound: outbound,
                            fromHeight: context.request.uri.queryParameters["from_height"].flatMap { UInt64($0) })
        })
    }

    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, fromHeight: UInt64?) async throws {
        // Subscribe before reading the head so no block falls between history and live.
        let subscription = node.bus.subscribe()
        defer { node.bus.unsubscribe(subscription.id) }
        node.metrics.websocketSubscribers.record(Int64(node.bus.subscriberCount))
        let head = try node.store.head()
        try await outbound.write(.text(String(decoding: JSON.encode(Hello(chainId: node.chainId, height: head.height)), as: UTF8.self)))

        if let from = fromHeight, from <= head.height {
            let start = max(1, from, head.height >= Self.maxCatchUp ? head.height - Self.maxCatchUp + 1 : 1)
            if start > max(from, 1) {
                try await send(Notice(type: "truncated", message: "catch-up is limited to the last \(Self.maxCatchUp) blocks; fetch older ones from /v1/blocks/{height}", height: start), outbound)
            }
            var h = start
            while h <= head.height {
                if let view = try routes.blockView(h) { try await send(BlockMessage(block: view), outbound) }
                h += 1
            }
        }

        try await withThrowingTaskGroup(of: Void.self) { group in
            // Drain what the client sends (pings are answered by the library); when the client
            // closes, this ends and the whole stream stops.
            group.addTask {
                for try await _ in inbound {}
            }
            group.addTask {
                var lastSent = head.height
                for await committed in subscription.messages {
                    guard committed.height > lastSent else { continue }
                    lastSent = committed.height
                    let view = BlockView(committed.block, blockEvents: committed.blockEvents, transactions: committed.transactions,
                                         receipts: committed.receipts, assets: node.assets, markets: node.oracleMarkets)
                    try await send(BlockMessage(block: view), outbound)
                }
                // The bus ended this stream: the node is stopping, or this subscriber lagged.
                try await send(Notice(type: "lagged", message: "the stream was closed because this subscriber fell behind or the node is stopping; reconnect with from_height", height: lastSent + 1), outbound)
                try await outbound.close(.normalClosure, reason: "stream ended")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func send<T: Encodable>(_ message: T, _ outbound: WebSocketOutboundWriter) async throws {
        try await outbound.write(.text(String(decoding: JSON.encode(message), as: UTF8.self)))
    }
}
