import Logging

/// How the node decides when to produce a block.
public enum BlockMode: Sendable, Equatable, CustomStringConvertible {
    /// A block every `milliseconds`, with or without transactions.
    case interval(milliseconds: Int)
    /// A block as soon as transactions are waiting (each block takes everything admitted so far).
    case automine
    /// Blocks only when asked (`POST /v1/devnet/mine`, `solvent devnet mine`).
    case manual

    public var description: String {
        switch self {
        case .interval(let ms): return "interval \(ms)ms"
        case .automine: return "automine"
        case .manual: return "manual"
        }
    }

    public var name: String {
        switch self {
        case .interval: return "interval"
        case .automine: return "automine"
        case .manual: return "manual"
        }
    }
}

public struct MempoolLimits: Sendable {
    /// Transactions waiting in all.
    public var maxTransactions: Int
    /// Transactions waiting from one sender.
    public var maxPerSender: Int

    public init(maxTransactions: Int = 200_000, maxPerSender: Int = 20_000) {
        self.maxTransactions = maxTransactions
        self.maxPerSender = maxPerSender
    }
}

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

    public init(home: NodeHome, rpcHost: String = "127.0.0.1", rpcPort: Int = 26657,
                blockMode: BlockMode = .interval(milliseconds: 1000), mempool: MempoolLimits = MempoolLimits(),
                devnet: Bool = false, commitWaitSeconds: Int = 30, rpcLimits: RPCLimits = RPCLimits()) {
        self.home = home
        self.rpcHost = rpcHost
        self.rpcPort = rpcPort
        self.blockMode = blockMode
        self.mempool = mempool
        self.devnet = devnet
        self.commitWaitSeconds = commitWaitSeconds
        self.rpcLimits = rpcLimits
    }
}
