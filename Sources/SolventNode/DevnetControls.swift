import Foundation
import SolventCore
import SolventCrypto
import SolventEngine
import SolventStore

/// What a devnet lets its user make happen on purpose (contracts-spec/devnet.md): move the
/// clock, set the next block's time, set an oracle price directly, snapshot and revert, dump the
/// chain. The RPC refuses all of it unless the node runs in devnet mode.
extension Node {
    public struct DevnetError: Error, CustomStringConvertible {
        public let code: String
        public let message: String
        public var description: String { "\(code): \(message)" }
    }

    /// The next block gets exactly this time (after the head's).
    public func setNextBlockTime(_ ms: UInt64) throws {
        let head = latestHead
        guard ms > head.timeMs else {
            throw DevnetError(code: "invalid_time", message: "the next block's time must be after the head's (\(UTCTime.format(head.timeMs)))")
        }
        guard ms <= Limits.maxTimeMs else {
            throw DevnetError(code: "invalid_time", message: "the latest block time is \(UTCTime.format(Limits.maxTimeMs)) (contracts-spec/limits.md)")
        }
        // The clock carries on from there, as anvil's evm_setNextBlockTimestamp does.
        producer.setNextBlockTime(ms)
    }

    /// Moves the chain clock forward by `ms` and mines up to it. With `refreshPrices` (the
    /// default), the chain passes through every funding time of every perpetual and every expiry
    /// on the way, like a chain that kept running: one second before each, a block carries an
    /// `oracle_override` of every price at its current value, and the block at that time then
    /// finds fresh prices, so funding is paid for every interval crossed and a dated market that
    /// expired on the way settles. Without it the clock jumps and one block is mined at the new
    /// time (prices go stale; funding is skipped). Block production is paused meanwhile, so the
    /// producer cannot mine the overrides at the old time.
    public func advance(by ms: UInt64, refreshPrices: Bool = true) async throws -> [CommittedBlock] {
        guard ms > 0, ms <= 366 * 86_400_000 else {
            throw DevnetError(code: "invalid_duration", message: "advance by 1 ms to 366 days")
        }
        let mode = blockMode
        setBlockMode(.manual)
        defer { setBlockMode(mode) }
        let start = max(chainClockMs(), latestHead.timeMs + 1)
        let target = start + ms
        guard target <= Limits.maxTimeMs else {
            throw DevnetError(code: "invalid_time", message: "the chain clock cannot pass \(UTCTime.format(Limits.maxTimeMs)) (contracts-spec/limits.md)")
        }
        var blocks = [CommittedBlock]()
        if refreshPrices {
            for stop in try stops(until: target) where stop > latestHead.timeMs + 1_000 {
                blocks += try await refreshedBlock(at: stop)
            }
            if target > latestHead.timeMs + 1_000 {
                blocks += try await refreshedBlock(at: target)
            }
        }
        if blocks.isEmpty || latestHead.timeMs < target {
            try setNextBlockTime(max(target, latestHead.timeMs + 1))
            blocks.append(try await produceBlock())
        }
        producer.resumeClockAfterHead()
        return blocks
    }

    /// Every funding time of every perpetual and every unsettled expiry before `target`, in order
    /// (at most 20,000: a very long advance refreshes at the first ones and jumps the rest).
    private func stops(until target: UInt64) throws -> [UInt64] {
        let markets = try store.withState { state, _ in state.perpMarkets() }
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
    private func refreshedBlock(at time: UInt64) async throws -> [CommittedBlock] {
        let markets = try store.withState { state, _ in
            oracleMarkets.all.compactMap { m in state.oracleMarket(m.id).flatMap { $0.hasPrice ? ($0.id, $0.price) : nil } }
        }
        for (id, price) in markets { _ = try submitOverride(market: id, price: price) }
        try setNextBlockTime(time - 1_000)
        let first = try await produceBlock()
        try setNextBlockTime(time)
        return [first, try await produceBlock()]
    }

    /// Signs an `oracle_override` with the devnet admin key and admits it to the mempool.
    public func submitOverride(market: UInt32, price: UInt64) throws -> SignedTransaction {
        let admin = DevnetKeys.admin()
        let address = Address(admin.publicKey)
        let (isAdmin, nonce) = try store.withState { state, _ in (state.admin() == address, state.account(address)?.nonce) }
        guard isAdmin else {
            throw DevnetError(code: "devnet_only", message: "this chain's admin is not the devnet admin key, so the node cannot sign an override")
        }
        let tx = Transaction(chainId: chainId, sender: address, nonce: mempool.nextNonce(address) ?? nonce ?? 0,
                             action: .oracleOverride(market: market, price: price)).signed(with: admin)
        switch try submit(tx.bytes) {
        case .success(let accepted): return accepted.transaction
        case .failure(let error): throw DevnetError(code: error.code.name, message: error.message)
        }
    }

    /// Records the head; `revert(to:)` comes back to it.
    public func takeSnapshot() -> (id: UInt64, head: ChainHead) {
        let head = latestHead
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
        let head: ChainHead
        do {
            head = try await producer.revert(to: snap.head)
        } catch let error as EngineError {
            throw DevnetError(code: "revert_mismatch", message: error.message)
        }
        snapshots.withLock { $0.taken.removeAll { $0.id >= id } }
        return head
    }
}
