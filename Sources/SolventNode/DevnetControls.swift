import SolventCore
import SolventCrypto
import SolventDevnet
import SolventEngine
import SolventStore

/// The node's chain as the devnet controls (SolventDevnet) drive it: the block producer's clock,
/// mode, production and revert, and the committed state.
public struct ProducerDevnetChain: DevnetChain {
    let producer: BlockProducer

    public var chainId: String { producer.chainId }
    public var latestHead: ChainHead { producer.latestHead }
    public func chainClockMs() -> UInt64 { producer.chainClockMs() }
    public func setNextBlockTime(_ ms: UInt64) { producer.setNextBlockTime(ms) }
    public func resumeClockAfterHead() { producer.resumeClockAfterHead() }

    public func withProductionPaused<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let mode = producer.blockMode
        producer.setBlockMode(.manual)
        defer { producer.setBlockMode(mode) }
        return try await body()
    }

    public func produceBlock() async throws -> CommittedBlock { try await producer.produceBlock() }

    public func withState<T>(_ body: (any StateReader) throws -> T) throws -> T {
        try producer.engine.store.withState { state, _ in try body(state) }
    }

    public func pendingNonce(_ address: Address) -> UInt64? { producer.mempool.nextNonce(address) }

    public func submit(_ tx: SignedTransaction) throws -> ProtocolError? {
        var dropped = [Mempool.Dropped]()
        if case .failure(let refusal) = try producer.admit([tx.bytes], dropped: &dropped)[0] { return refusal }
        return nil
    }

    public func revert(to head: ChainHead) async throws -> ChainHead {
        do {
            return try await producer.revert(to: head)
        } catch let error as EngineError {
            throw DevnetError(code: "revert_mismatch", message: error.message)
        }
    }
}

public typealias NodeDevnetControls = DevnetControls<ProducerDevnetChain>
