/// What one client may take from the RPC server: request sizes, how long a connection may sit idle
/// or dribble a request, how many connections are open at once, and how far a block-stream
/// subscriber may fall behind (contracts-spec/rpc.md, "Limits"). The defaults are the production
/// figures; tests and `tools/http-hostile` shorten the timeouts with `solventd` flags.
public struct RPCLimits: Sendable, Equatable {
    /// Open connections served at once. Past it a new connection gets `503 too_many_connections`
    /// and is closed. Lowered at start to what the process's open-file limit allows.
    public var maxConnections: Int
    /// The request line plus all header lines, in bytes; past it `431 header_too_large`.
    public var maxHeaderBytes: Int
    /// Header lines in one request; past it `431 header_too_large`.
    public var maxHeaderFields: Int
    /// A connection with no request in progress is closed after this long.
    public var idleTimeout: Duration
    /// From its first byte, a request's line and headers must arrive within this; else `408`.
    public var headTimeout: Duration
    /// From its headers, a request's body must arrive within this; else `408`.
    public var bodyTimeout: Duration
    /// A reply the client does not read: the connection is closed once its socket has accepted
    /// nothing for this long.
    public var writeTimeout: Duration
    /// Blocks queued for one WebSocket subscriber before it is cut off with `lagged`.
    public var streamBuffer: Int
    /// Once a subscriber is cut off (lag or node stop), how long the node waits for its socket to
    /// take the `lagged` notice and the close frame before closing the connection.
    public var streamCloseTimeout: Duration
    /// How long `GET /v1/risk/shock` may simulate liquidations; past it the answer is
    /// `503 shock_over_budget` and the work stops (well inside the 120 s reply deadline).
    public var shockBudget: Duration

    public init(maxConnections: Int = 2048, maxHeaderBytes: Int = 16 << 10, maxHeaderFields: Int = 100,
                idleTimeout: Duration = .seconds(75), headTimeout: Duration = .seconds(10),
                bodyTimeout: Duration = .seconds(60), writeTimeout: Duration = .seconds(30),
                streamBuffer: Int = 1024, streamCloseTimeout: Duration = .seconds(10), shockBudget: Duration = .seconds(30)) {
        self.maxConnections = maxConnections
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderFields = maxHeaderFields
        self.idleTimeout = idleTimeout
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
        self.writeTimeout = writeTimeout
        self.streamBuffer = streamBuffer
        self.streamCloseTimeout = streamCloseTimeout
        self.shockBudget = shockBudget
    }
}
