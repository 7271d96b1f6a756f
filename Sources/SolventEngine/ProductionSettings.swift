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

/// The mempool's bounds (transactions.md, "Nonces"; rpc.md, "Status codes and retrying").
public struct MempoolLimits: Sendable {
    /// Transactions waiting in all, pending and queued.
    public var maxTransactions: Int
    /// Transactions waiting from one sender, pending and queued.
    public var maxPerSender: Int
    /// How far ahead of its sender's next nonce a transaction may be queued.
    public var nonceWindow: UInt64
    /// Queued transactions in all, from every sender.
    public var maxQueued: Int
    /// Blocks a queued transaction may wait for the nonces before it.
    public var queuedLifetimeBlocks: UInt64

    public init(maxTransactions: Int = 200_000, maxPerSender: Int = 20_000, nonceWindow: UInt64 = 64,
                maxQueued: Int = 10_000, queuedLifetimeBlocks: UInt64 = 600) {
        self.maxTransactions = maxTransactions
        self.maxPerSender = maxPerSender
        self.nonceWindow = nonceWindow
        self.maxQueued = maxQueued
        self.queuedLifetimeBlocks = queuedLifetimeBlocks
    }
}
