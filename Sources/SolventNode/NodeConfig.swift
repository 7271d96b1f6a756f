import SolventEngine

public struct NodeConfig: Sendable {
    public var home: NodeHome
    public var rpcHost: String
    public var rpcPort: Int
    public var blockMode: BlockMode
    public var mempool: MempoolLimits
    /// Devnet mode enables the `/v1/devnet/...` controls; a production node refuses them.
    public var devnet: Bool
    /// How long `?wait=commit` waits before answering that the transaction is still pending.
    public var commitWaitSeconds: Int
    /// Request sizes, timeouts, the connection cap and the block-stream buffer (rpc.md, "Limits").
    public var rpcLimits: RPCLimits
    /// Where the chain's time comes from: the wall clock, or a `ManualClock` a test moves.
    public var clock: any ChainClock

    public init(home: NodeHome, rpcHost: String = "127.0.0.1", rpcPort: Int = 26657,
                blockMode: BlockMode = .interval(milliseconds: 1000), mempool: MempoolLimits = MempoolLimits(),
                devnet: Bool = false, commitWaitSeconds: Int = 30, rpcLimits: RPCLimits = RPCLimits(),
                clock: any ChainClock = WallClock()) {
        self.home = home
        self.rpcHost = rpcHost
        self.rpcPort = rpcPort
        self.blockMode = blockMode
        self.mempool = mempool
        self.devnet = devnet
        self.commitWaitSeconds = commitWaitSeconds
        self.rpcLimits = rpcLimits
        self.clock = clock
    }
}
