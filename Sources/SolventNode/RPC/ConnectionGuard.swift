#if canImport(Glibc)
import Glibc
#endif
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import SolventWire
import Synchronization

/// Wraps Hummingbird's HTTP/1 + WebSocket child channel with what it leaves out, so that no client
/// can hold the server (contracts-spec/rpc.md, "Limits"):
///
/// * a cap on open connections: past it a connection is answered `503 too_many_connections` and
///   closed, before any HTTP handling is set up for it;
/// * deadlines on reading a request (idle, head, body), on a reply the client does not read, and
///   on a reply that never starts (`RequestDeadlines`);
/// * a JSON answer and a prompt close for a request the HTTP decoder refuses (`431` for an
///   oversized head), where Hummingbird's WebSocket-upgrade pipeline would leave the connection
///   open and unanswered;
/// * TCP keepalive, so that dead peers (a WebSocket subscriber whose machine vanished) are found
///   by the kernel instead of by a WebSocket ping that a live but busy client also fails.
struct GuardedChildChannel<Inner: ServerChildChannel>: ServerChildChannel {
    enum Value: ServerChildChannelValue {
        case served(Inner.Value)
        case refused(any Channel)

        var channel: any Channel {
            switch self {
            case .served(let value): return value.channel
            case .refused(let channel): return channel
            }
        }
    }

    let inner: Inner
    let limits: RPCLimits
    let connections: ConnectionCounter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let connections = self.connections
        guard connections.open() else {
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(
                    LingeringAnswer(.refusal(limit: connections.limit)), position: .first)
                return .refused(channel)
            }
        }
        channel.closeFuture.whenComplete { _ in connections.closed() }
        let limits = self.limits
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            try Self.enableKeepalive(channel)
            let deadlines = RequestDeadlines(limits: limits)
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(deadlines, position: .after(decoder.handler))
            try pipeline.addHandler(InboundBytesWatch(deadlines), position: .first)
            return .served(value)
        }
    }

    func handle(value: Value, logger: Logger) async {
        switch value {
        case .served(let served): await inner.handle(value: served, logger: logger)
        case .refused: return  // LingeringAnswer answers and closes on the event loop
        }
    }

    /// Keepalive probes after 60 s of silence, every 10 s, 6 unanswered ones end the connection:
    /// a vanished peer is dropped within about 2 minutes; a live one answers at the TCP level
    /// whether or not its application reads.
    static func enableKeepalive(_ channel: any Channel) throws {
        guard let options = channel.syncOptions else { return }
        try options.setOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
        #if canImport(Glibc)
        try options.setOption(ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_KEEPIDLE)), value: 60)
        try options.setOption(ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_KEEPINTVL)), value: 10)
        try options.setOption(ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_KEEPCNT)), value: 6)
        #endif
    }
}

/// The number of connections being served, across all event loops.
final class ConnectionCounter: Sendable {
    let limit: Int
    private let count = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    /// Takes a slot if one is free.
    func open() -> Bool {
        var current = count.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = count.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func closed() { count.subtract(1, ordering: .relaxed) }

    var current: Int { count.load(ordering: .relaxed) }
}

/// A canned HTTP answer written straight to the socket, used where no HTTP pipeline is in charge:
/// the connection cap, a request the decoder refused, a request that timed out.
struct CannedAnswer {
    let status: HTTPResponseStatus
    let code: String
    let message: String

    static func refusal(limit: Int) -> CannedAnswer {
        CannedAnswer(status: .serviceUnavailable, code: "too_many_connections",
                     message: "the node is serving its maximum of \(limit) connections; retry later")
    }

    var body: ByteBuffer {
        ByteBuffer(bytes: WireJSON.encode(["error": ["code": code, "message": message]]))
    }

    var head: HTTPResponseHead {
        HTTPResponseHead(version: .http1_1, status: status, headers: [
            "content-type": "application/json", "content-length": "\(body.readableBytes)", "connection": "close",
        ])
    }

    /// The whole response as bytes, for a pipeline without an HTTP encoder.
    var bytes: ByteBuffer {
        var out = ByteBuffer(string: "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n")
        for (name, value) in head.headers { out.writeString("\(name): \(value)\r\n") }
        out.writeString("\r\n")
        var body = self.body
        out.writeBuffer(&body)
        return out
    }
}

/// How long a refused connection is kept after its answer so the client reads the answer rather
/// than a reset: what it still sends is read and dropped, up to `bytes`.
enum Linger {
    static let time: TimeAmount = .seconds(2)
    static let bytes = 4 << 20
}

/// Answers a connection over the cap on arrival, then lingers and closes.
final class LingeringAnswer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let answer: CannedAnswer
    private var drained = 0
    private var started = false

    init(_ answer: CannedAnswer) { self.answer = answer }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        context.writeAndFlush(NIOAny(answer.bytes), promise: nil)
        context.close(mode: .output, promise: nil)
        let loop = context.eventLoop.assumeIsolated()
        loop.scheduleTask(in: Linger.time) { context.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        drained += unwrapInboundIn(data).readableBytes
        if drained > Linger.bytes { context.close(promise: nil) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// First in the pipeline: tells `RequestDeadlines` that bytes arrived (so a half-sent head is told
/// apart from an idle connection), and drops everything once the connection is being closed.
final class InboundBytesWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadlines: RequestDeadlines

    init(_ deadlines: RequestDeadlines) { self.deadlines = deadlines }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch deadlines.bytesArrived(count: unwrapInboundIn(data).readableBytes) {
        case .forward: context.fireChannelRead(data)
        case .drop: break
        case .close: context.close(promise: nil)
        }
    }
}
