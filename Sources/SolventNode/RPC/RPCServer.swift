#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle

/// The request context of every route: Hummingbird's WebSocket-capable context plus the
/// connection's channel, which the block stream needs to bound its last writes.
public struct RPCContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<RPCContext>
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.channel = source.channel
    }
}

/// Builds the HTTP + WebSocket application for a node: JSON routes under `/v1`, `/v1/ws`,
/// `/metrics`, all on one port, with the limits of contracts-spec/rpc.md, "Limits".
public enum RPCServer {
    public static func router(for node: Node) -> Router<RPCContext> {
        let router = Router(context: RPCContext.self)
        router.middlewares.add(ErrorShapingMiddleware())
        let routes = Routes(node: node)
        routes.register(on: router)
        OracleRoutes(node: node).register(on: router)
        MarketRoutes(node: node).register(on: router)
        LiquidationRoutes(node: node).register(on: router)
        AuctionRoutes(node: node).register(on: router)
        PortfolioRoutes(node: node).register(on: router)
        RiskRoutes(node: node).register(on: router)
        DevnetRoutes(node: node).register(on: router)
        BlockStream(routes: routes).register(on: router)
        return router
    }

    public static func application(for node: Node, logger: Logger,
                                   onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        let router = router(for: node)
        let limits = node.config.rpcLimits
        let connections = ConnectionCounter(limit: connectionCap(limits.maxConnections, logger: logger))
        // The WebSocket library's automatic ping would close a subscriber that is alive but not
        // reading after 30-60 s; the stream cuts off slow readers itself (BlockStream) and TCP
        // keepalive finds dead peers (GuardedChildChannel).
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(httpDecoderConfiguration: .init(maxHeaderFieldSize: limits.maxHeaderBytes,
                                                         maxHeaderListSize: limits.maxHeaderBytes,
                                                         maxHeaderFieldCount: limits.maxHeaderFields)),
            ws: .init(maxFrameSize: 1 << 20, autoPing: .disabled))
        let webSocketResponder = router.buildResponder()
        let server = HTTPServerBuilder { responder in
            GuardedChildChannel(
                inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder,
                                                    configuration: configuration),
                limits: limits, connections: connections)
        }
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(node.config.rpcHost, port: node.config.rpcPort),
                                 serverName: "solventd", backlog: 1024),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// The connection cap the open-file limit allows: each connection is a descriptor, and the
    /// store, the log and the listening socket need some too. The soft limit is first raised to
    /// the hard one, which is what the process may use anyway.
    static func connectionCap(_ wanted: Int, logger: Logger) -> Int {
        let reserve = 256
        #if canImport(Glibc)
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return wanted }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let allowed = limit.rlim_cur == rlim_t.max ? wanted : max(1, Int(clamping: limit.rlim_cur) - reserve)
        if allowed < wanted {
            logger.warning("RPC connection cap lowered to fit the open-file limit", metadata: [
                "wanted": "\(wanted)", "cap": "\(allowed)", "nofile": "\(limit.rlim_cur)",
            ])
        }
        return min(wanted, allowed)
        #else
        return wanted
        #endif
    }
}
