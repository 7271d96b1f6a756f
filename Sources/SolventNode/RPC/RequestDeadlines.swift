import NIOCore
import NIOHTTP1

/// The time limits of one HTTP connection (contracts-spec/rpc.md, "Limits"), placed right after
/// the HTTP/1 decoder so it sees every request head, body and end, and every reply part.
///
/// Hummingbird's own `idleTimeout` is not enough here: in its WebSocket-upgrade pipeline it starts
/// only once the first request head has been parsed, so a connection that never sends a complete
/// head is never timed out, and a NIO `IdleStateHandler` resets on every byte, so a client that
/// sends one byte every few seconds defeats it. These are deadlines instead:
///
/// * idle: no request in progress, nothing received — closed after `idleTimeout`;
/// * head: part of a request head received — it must be complete within `headTimeout` of its
///   first byte, else `408 request_timeout` and close;
/// * body: a head received — its body must end within `bodyTimeout`, else `408` and close;
/// * reply: a request read and no reply begun within `replyTimeout` (no route takes that long) —
///   closed;
/// * write: a reply the client does not read — closed once the socket has taken nothing for
///   `writeTimeout`.
///
/// It also answers what the decoder refuses (`431 header_too_large` for an oversized head,
/// `400 bad_request` for a malformed one) and closes promptly — Hummingbird's upgrade pipeline
/// leaves such a connection open with no answer — and closes a connection after a reply sent
/// before its request was read to the end (a `413`), instead of reading a 100 MB body to throw
/// it away. After a WebSocket upgrade it steps aside.
final class RequestDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// No route takes longer to begin its reply (`?wait=commit` answers within 30 s).
    static let replyTimeout: TimeAmount = .seconds(120)

    enum Wait: Equatable { case idle, head, body, reply }
    enum BytesVerdict { case forward, drop, close }

    private let limits: RPCLimits
    private var context: ChannelHandlerContext?

    private var upgraded = false
    /// An answer is going out before the close: inbound bytes are dropped.
    private var closing = false
    private var drained = 0
    /// Requests whose head arrived and whose reply has not ended.
    private var pending = 0
    private var readingBody = false
    private var replying = false
    private var closeAfterReply = false
    private var headStarted = false
    /// A complete head has been read: Hummingbird's upgrade handler has handed over the connection.
    private var sawHead = false

    private var wait: Wait?
    private var timer: Scheduled<Void>?
    private var writeTimer: Scheduled<Void>?

    init(limits: RPCLimits) { self.limits = limits }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { rearm() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        rearm()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        // Before any request head, Hummingbird's WebSocket-upgrade handler still owns the
        // connection and logs an error for every close it did not see coming (each timeout,
        // each refusal, each reset). Told first that the input ended, it records the close as a
        // client that went away (a trace).
        if !sawHead && !upgraded { context.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
        context.fireChannelInactive()
    }

    // MARK: Inbound

    /// Called by `InboundBytesWatch` for every read, before the decoder sees the bytes.
    func bytesArrived(count: Int) -> BytesVerdict {
        if upgraded { return .forward }
        if closing {
            drained += count
            return drained > Linger.bytes ? .close : .drop
        }
        if !readingBody && !headStarted {
            headStarted = true
            rearm()
        }
        return .forward
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if upgraded { return context.fireChannelRead(data) }
        if closing { return }
        switch unwrapInboundIn(data) {
        case .head:
            pending += 1
            readingBody = true
            headStarted = false
            sawHead = true
        case .body:
            break
        case .end:
            readingBody = false
        }
        rearm()
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !upgraded, let parserError = error as? HTTPParserError else {
            return context.fireErrorCaught(error)
        }
        if closing { return }
        // A reply still owed to an earlier pipelined request cannot be interleaved with ours.
        guard pending == 0 else { return context.close(promise: nil) }
        if parserError == .headerOverflow {
            answerAndClose(CannedAnswer(status: .requestHeaderFieldsTooLarge, code: "header_too_large",
                                        message: "the request line and headers exceed \(limits.maxHeaderBytes) bytes or \(limits.maxHeaderFields) header fields"))
        } else {
            answerAndClose(CannedAnswer(status: .badRequest, code: "bad_request",
                                        message: "the request is not valid HTTP/1.1 (\(parserError))"))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client hung up while its answer lingered: done.
        if closing, case ChannelEvent.inputClosed = event { return close() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if !upgraded && !closing {
            if context.channel.isWritable {
                writeTimer?.cancel()
                writeTimer = nil
            } else if writeTimer == nil {
                writeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limits.writeTimeout)) { [weak self] in
                    self?.close()
                }
            }
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if upgraded { return context.write(data, promise: promise) }
        switch unwrapOutboundIn(data) {
        case .head(var head):
            if head.status == .switchingProtocols {
                upgraded = true
                cancelTimers()
            } else if head.status.code >= 200 {
                replying = true
                // Answered before the request was read to the end (a 413): close after the reply,
                // and say so.
                if readingBody {
                    closeAfterReply = true
                    head.headers.replaceOrAdd(name: "connection", value: "close")
                    rearm()
                    return context.write(wrapOutboundOut(.head(head)), promise: promise)
                }
                rearm()
            }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            replying = false
            pending = max(0, pending - 1)
            context.write(data, promise: promise)
            if closeAfterReply {
                lingerClose()
            } else {
                rearm()
            }
        }
    }

    // MARK: Deadlines

    private var currentWait: Wait? {
        if upgraded || closing { return nil }
        if readingBody { return .body }
        if pending > 0 { return replying ? nil : .reply }
        return headStarted ? .head : .idle
    }

    /// Starts the deadline of the current wait when the wait changes; each wait is timed from
    /// the moment it began.
    private func rearm() {
        let next = currentWait
        guard next != wait, let context else { return }
        timer?.cancel()
        timer = nil
        wait = next
        guard let next else { return }
        let timeout: TimeAmount
        switch next {
        case .idle: timeout = TimeAmount(limits.idleTimeout)
        case .head: timeout = TimeAmount(limits.headTimeout)
        case .body: timeout = TimeAmount(limits.bodyTimeout)
        case .reply: timeout = Self.replyTimeout
        }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            self?.expired(next)
        }
    }

    private func expired(_ which: Wait) {
        guard let context, wait == which else { return }
        timer = nil
        switch which {
        case .idle, .reply:
            close()
        case .head:
            answerAndClose(CannedAnswer(status: .requestTimeout, code: "request_timeout",
                                        message: "the request line and headers did not arrive within \(Self.seconds(limits.headTimeout))"))
        case .body:
            if replying { return context.close(promise: nil) }
            answerAndClose(CannedAnswer(status: .requestTimeout, code: "request_timeout",
                                        message: "the request body did not arrive within \(Self.seconds(limits.bodyTimeout))"))
        }
    }

    private func answerAndClose(_ answer: CannedAnswer) {
        guard let context else { return }
        context.write(wrapOutboundOut(.head(answer.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(answer.body))), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        lingerClose()
    }

    /// Sends what is queued, shuts the sending side (the client reads the answer, then the end),
    /// drops whatever the client still sends, and closes when it hangs up or after `Linger.time`:
    /// closing at once with unread bytes would reset the connection and could lose the answer.
    private func lingerClose() {
        guard let context, !closing else { return }
        closing = true
        cancelTimers()
        wait = nil
        context.flush()
        let shut = context.eventLoop.makePromise(of: Void.self)
        shut.futureResult.whenFailure { [channel = context.channel] _ in channel.close(promise: nil) }
        context.close(mode: .output, promise: shut)
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: Linger.time) { [weak self] in self?.close() }
    }

    private func close() {
        context?.close(promise: nil)
    }

    private func cancelTimers() {
        timer?.cancel()
        timer = nil
        writeTimer?.cancel()
        writeTimer = nil
    }

    static func seconds(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }
}
