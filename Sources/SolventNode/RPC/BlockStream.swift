import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import ServiceLifecycle
import SolventEngine
import SolventCore
import SolventStore
import SolventWire
import Synchronization

/// `GET /v1/ws`: a WebSocket that streams every committed block with its transactions, receipts
/// and events as JSON text messages (contracts-spec/rpc.md, "Block stream").
///
/// With `?from_height=H` the stream first replays stored blocks from H, then continues live
/// without a gap or a duplicate. A subscriber is never dropped for being slow until more than
/// `RPCLimits.streamBuffer` blocks wait for it in the node; it then gets a `lagged` message and a
/// close frame, as far as its socket takes them within `streamCloseTimeout`, after which the
/// connection is closed regardless. It reconnects with `from_height` to catch up.
struct BlockStream: Sendable {
    let routes: Routes
    var node: Node { routes.node }

    static let maxCatchUp: UInt64 = 10_000
    /// The socket send buffer of a stream (Linux doubles it): what a subscriber that stopped
    /// reading can have waiting in the kernel on top of its queue of blocks. The default grows to
    /// 4 MiB, thousands of blocks the subscriber seems not to be behind by, pinned in kernel memory.
    static let socketSendBuffer = 256 << 10

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
            try await serve(inbound: inbound, outbound: outbound, channel: context.requestContext.channel,
                            fromHeight: context.request.uri.queryParameters["from_height"].flatMap { UInt64($0) })
        })
    }

    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel,
               fromHeight: UInt64?) async throws {
        try? await channel.setOption(ChannelOptions.socketOption(.so_sndbuf), value: ChannelOptions.Types.SocketOption.Value(Self.socketSendBuffer)).get()
        let cutOff = CutOff(channel: channel, grace: node.config.rpcLimits.streamCloseTimeout)
        // Subscribe before reading the head so no block falls between history and live.
        let subscription = node.bus.subscribe(onCutOff: { cutOff.start() })
        defer { node.bus.unsubscribe(subscription.id) }
        try await withGracefulShutdownHandler {
            try await stream(subscription, inbound: inbound, outbound: outbound, fromHeight: fromHeight, cutOff: cutOff)
        } onGracefulShutdown: {
            cutOff.start()
        }
    }

    private func stream(_ subscription: EventBus<CommittedBlock>.Subscription, inbound: WebSocketInboundStream,
                        outbound: WebSocketOutboundWriter, fromHeight: UInt64?, cutOff: CutOff) async throws {
        node.metrics.websocketSubscribers.record(Int64(node.bus.subscriberCount))
        let head = try node.store.head()
        try await outbound.write(.text(String(decoding: WireJSON.encode(StreamHello(chainId: node.chainId, height: head.height)), as: UTF8.self)))

        if let from = fromHeight, from <= head.height {
            let start = max(1, from, head.height >= Self.maxCatchUp ? head.height - Self.maxCatchUp + 1 : 1)
            // Whenever the first block sent is above from_height, also for from_height=0, since
            // blocks start at 1 (rpc.md, "Block stream").
            if start > from {
                try await send(StreamNotice(type: "truncated", message: "catch-up is limited to the last \(Self.maxCatchUp) blocks; fetch older ones from /v1/blocks/{height}", height: start), outbound)
            }
            var h = start
            while h <= head.height {
                if let view = try routes.blockView(h) { try await send(StreamBlock(block: view), outbound) }
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
                    // Cut off: what is still queued is not sent, so the notice goes out next.
                    if cutOff.started { break }
                    guard committed.height > lastSent else { continue }
                    lastSent = committed.height
                    let view = BlockReply(committed.block, blockEvents: committed.blockEvents, transactions: committed.transactions,
                                          receipts: committed.receipts, assets: node.assets, markets: node.oracleMarkets)
                    try await send(StreamBlock(block: view), outbound)
                }
                // The bus ended this stream: the node is stopping, or this subscriber lagged.
                try await send(StreamNotice(type: "lagged", message: "the stream was closed because this subscriber fell behind or the node is stopping; reconnect with from_height", height: lastSent + 1), outbound)
                try await outbound.close(.normalClosure, reason: "stream ended")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func send<T: Encodable>(_ message: T, _ outbound: WebSocketOutboundWriter) async throws {
        try await outbound.write(.text(String(decoding: WireJSON.encode(message), as: UTF8.self)))
    }
}

/// A subscriber being cut off (it lagged, or the node is stopping): from the first call to
/// `start` it has `grace` to take the `lagged` notice and the close frame. A client that does not
/// read leaves them, and everything before them, stuck in its socket; the connection is then
/// closed, which also ends the write the stream is blocked in.
final class CutOff: Sendable {
    private let channel: any Channel
    private let grace: Duration
    private let flag = Atomic<Bool>(false)

    init(channel: any Channel, grace: Duration) {
        self.channel = channel
        self.grace = grace
    }

    var started: Bool { flag.load(ordering: .acquiring) }

    func start() {
        guard !flag.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let channel = self.channel
        channel.eventLoop.scheduleTask(in: TimeAmount(grace)) { channel.close(promise: nil) }
    }
}
