import SolventCrypto

/// The chain's head: the last committed block (height 0 is the genesis state).
public struct ChainHead: Sendable, Equatable {
    public let height: UInt64
    /// Hash of the last block's header; 32 zero bytes at genesis.
    public let blockHash: Bytes32
    public let timeMs: UInt64
    public let appHash: Bytes32

    public init(height: UInt64, blockHash: Bytes32, timeMs: UInt64, appHash: Bytes32) {
        self.height = height
        self.blockHash = blockHash
        self.timeMs = timeMs
        self.appHash = appHash
    }

    /// The head once `block` is committed.
    public init(after block: Block) {
        self.init(height: block.header.height, blockHash: block.hash, timeMs: block.header.timeMs, appHash: block.header.appHash)
    }
}
