import Hummingbird
import HummingbirdWebSocket
import Logging
import ServiceLifecycle

/// Builds the HTTP + WebSocket application for a node: JSON routes under `/v1`, `/v1/ws`,
/// `/metrics`, all on one port.
public enum RPCServer {
    public static func router(for node: Node) -> Router<BasicWebSocketRequestContext> {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.middlewares.add(ErrorShapingMiddleware())
        let routes = Routes(node: node)
        routes.register(on: router)
        OracleRoutes(node: node).register(on: router)
        MarketRoutes(node: node).register(on: router)
        LiquidationRoutes(node: node).register(on: router)
        PortfolioRoutes(node: node).register(on: router)
        DevnetRoutes(node: node).register(on: router)
        BlockStream(routes: routes).register(on: router)
        return router
    }

    public static func application(for node: Node, logger: Logger,
                                   onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        let router = router(for: node)
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router,
                                           configuration: .init(ws: .init(maxFrameSize: 1 << 20))),
            configuration: .init(address: .hostname(node.config.rpcHost, port: node.config.rpcPort),
                                 serverName: "solventd"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
