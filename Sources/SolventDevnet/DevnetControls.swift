import SolventCore
import SolventCrypto
import Synchronization

/// What the devnet controls need of a chain; a node's block producer offers it.
public protocol DevnetChain: Sendable {
    /// What producing a block returns (the node's committed block, with its events).
    associatedtype Committed: Sendable
    var chainId: String { get }
    var latestHead: ChainHead { get }
    /// The chain's clock: the clock the blocks are timed by, plus any devnet offset.
    func chainClockMs() -> UInt64
    /// The next block gets exactly `ms`, and the clock carries on from there.
    func setNextBlockTime(_ ms: UInt64)
    /// The clock carries on from just after the head.
    func resumeClockAfterHead()
    /// Runs `body` with the chain's own block production paused, then resumes it as it was.
    func withProductionPaused<T: Sendable>(_ body: () async throws -> T) async throws -> T
    func produceBlock() async throws -> Committed
    /// Reads one consistent snapshot of the committed state.
    func withState<T>(_ body: (any StateReader) throws -> T) throws -> T
    /// The sender's next nonce counting what waits in the mempool, nil when nothing of theirs waits.
    func pendingNonce(_ address: Address) -> UInt64?
    /// Admits a signed transaction as a submission would: nil, or why it was refused.
    func submit(_ tx: SignedTransaction) throws -> ProtocolError?
    /// Takes the chain back to `head`, a head it had; returns the head it is at.
    func revert(to head: ChainHead) async throws -> ChainHead
}

/// A refused devnet control: a stable code (`devnet.md`, "Errors") and a message.
public struct DevnetError: Error, CustomStringConvertible {
    public let code: String
    public let message: String
    public var description: String { "\(code): \(message)" }

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// What a devnet lets its user make happen on purpose (contracts-spec/devnet.md): move the
/// clock, set the next block's time, set an oracle price directly, snapshot and revert. The RPC
/// refuses all of it unless the node runs in devnet mode.
public final class DevnetControls<Chain: DevnetChain>: Sendable {
    public let chain: Chain
    /// Snapshots: id -> the head they were taken at (devnet.md, "Snapshots").
    private let snapshots = Mutex<(next: UInt64, taken: [(id: UInt64, head: ChainHead)])>((1, []))

    public init(chain: Chain) { self.chain = chain }

    /// The next block gets exactly this time (after the head's).
    public func setNextBlockTime(_ ms: UInt64) throws {
        let head = chain.latestHead
        guard ms > head.timeMs else {
            throw DevnetError(code: "invalid_time", message: "the next block's time must be after the head's (\(UTCTime.format(head.timeMs)))")
        }
        guard ms <= Limits.maxTimeMs else {
            throw DevnetError(code: "invalid_time", message: "the latest block time is \(UTCTime.format(Limits.maxTimeMs)) (contracts-spec/limits.md)")
        }
        // The clock carries on from there, as anvil's evm_setNextBlockTimestamp does.
        chain.setNextBlockTime(ms)
    }

    /// Moves the chain clock forward by `ms` and mines up to it. With `refreshPrices` (the
    /// default), the chain passes through every funding time of every perpetual and every expiry
    /// on the way, like a chain that kept running: one second before each, a block carries an
    /// `oracle_override` of every price at its current value, and the block at that time then
    /// finds fresh prices, so funding is paid for every interval crossed and a dated market that
    /// expired on the way settles. Without it the clock jumps and one block is mined at the new
    /// time (prices go stale; funding is skipped). Block production is paused meanwhile, so the
    /// producer cannot mine the overrides at the old time.
    public func advance(by ms: UInt64, refreshPrices: Bool = true) async throws -> [Chain.Committed] {
        guard ms > 0, ms <= 366 * 86_400_000 else {
            throw DevnetError(code: "invalid_duration", message: "advance by 1 ms to 366 days")
        }
        return try await chain.withProductionPaused {
            let start = max(chain.chainClockMs(), chain.latestHead.timeMs + 1)
            let target = start + ms
            guard target <= Limits.maxTimeMs else {
                throw DevnetError(code: "invalid_time", message: "the chain clock cannot pass \(UTCTime.format(Limits.maxTimeMs)) (contracts-spec/limits.md)")
            }
            var blocks = [Chain.Committed]()
            if refreshPrices {
                for stop in try stops(until: target) where stop > chain.latestHead.timeMs + 1_000 {
                    blocks += try await refreshedBlock(at: stop)
                }
                if target > chain.latestHead.timeMs + 1_000 {
                    blocks += try await refreshedBlock(at: target)
                }
            }
            if blocks.isEmpty || chain.latestHead.timeMs < target {
                try setNextBlockTime(max(target, chain.latestHead.timeMs + 1))
                blocks.append(try await chain.produceBlock())
            }
            chain.resumeClockAfterHead()
            return blocks
        }
    }

    /// Every funding time of every perpetual and every unsettled expiry before `target`, in order
    /// (at most 20,000: a very long advance refreshes at the first ones and jumps the rest).
    private func stops(until target: UInt64) throws -> [UInt64] {
        let markets = try chain.withState { $0.perpMarkets() }
        var out = Set<UInt64>()
        for m in markets {
            if m.params.instrument.isPerpetual, m.nextFundingMs > 0 {
                var t = m.nextFundingMs
                while t < target, out.count < 20_000 {
                    out.insert(t)
                    t += m.params.fundingIntervalMs
                }
            }
            if let expiry = m.params.instrument.expiryMs, !m.isSettled, expiry < target { out.insert(expiry) }
        }
        return out.sorted()
    }

    /// A block at `time − 1 s` carrying a price override of every priced oracle market at its
    /// current value, then a block at `time`.
    private func refreshedBlock(at time: UInt64) async throws -> [Chain.Committed] {
        let markets = try chain.withState { state in state.oracleMarkets().compactMap { $0.hasPrice ? ($0.id, $0.price) : nil } }
        for (id, price) in markets { _ = try submitOverride(market: id, price: price) }
        try setNextBlockTime(time - 1_000)
        let first = try await chain.produceBlock()
        try setNextBlockTime(time)
        return [first, try await chain.produceBlock()]
    }

    /// Signs an `oracle_override` with the devnet admin key and admits it to the mempool.
    public func submitOverride(market: UInt32, price: UInt64) throws -> SignedTransaction {
        let admin = DevnetKeys.admin()
        let address = Address(admin.publicKey)
        let (isAdmin, nonce) = try chain.withState { state in (state.admin() == address, state.account(address)?.nonce) }
        guard isAdmin else {
            throw DevnetError(code: "devnet_only", message: "this chain's admin is not the devnet admin key, so the node cannot sign an override")
        }
        let tx = Transaction(chainId: chain.chainId, sender: address, nonce: chain.pendingNonce(address) ?? nonce ?? 0,
                             action: .oracleOverride(market: market, price: price)).signed(with: admin)
        if let refusal = try chain.submit(tx) { throw DevnetError(code: refusal.code.name, message: refusal.message) }
        return tx
    }

    /// Records the head; `revert(to:)` comes back to it.
    public func takeSnapshot() -> (id: UInt64, head: ChainHead) {
        let head = chain.latestHead
        return snapshots.withLock { s in
            defer { s.next += 1 }
            s.taken.append((s.next, head))
            return (s.next, head)
        }
    }

    /// Takes the chain back to snapshot `id` (its state, history and head): later blocks are
    /// undone from their changesets; the snapshot and every later one are used up, as anvil's
    /// evm_revert does. Waiting transactions are checked again on the reverted state.
    public func revert(to id: UInt64) async throws -> ChainHead {
        guard let snap = snapshots.withLock({ s in s.taken.first { $0.id == id } }) else {
            throw DevnetError(code: "unknown_snapshot", message: "no snapshot \(id) (ids are used up by a revert)")
        }
        let head = try await chain.revert(to: snap.head)
        guard head == snap.head else {
            throw DevnetError(code: "revert_mismatch", message: "the reverted store's app hash \(head.appHash.hex) is not the snapshot's \(snap.head.appHash.hex)")
        }
        snapshots.withLock { $0.taken.removeAll { $0.id >= id } }
        return head
    }
}
