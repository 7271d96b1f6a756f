import SolventCore
import Synchronization

/// ADL queues per market side, computed once per block height on demand (a queue reads every
/// position on its side, so vault views that show ranks share one computation per block).
final class ADLRankings: Sendable {
    struct Key: Hashable { let market: UInt32; let long: Bool }
    private let cache = Mutex<[Key: (height: UInt64, queue: [AutoDeleveraging.Standing])]>([:])

    /// Forgets every queue (after a devnet revert, heights are reused).
    func clear() { cache.withLock { $0.removeAll() } }

    func queue(market: UInt32, long: Bool, state: some StateReader, height: UInt64, timeMs: UInt64) -> [AutoDeleveraging.Standing] {
        let key = Key(market: market, long: long)
        if let hit = cache.withLock({ $0[key] }), hit.height == height { return hit.queue }
        let queue = AutoDeleveraging.ranking(market: market, long: long, state: state, at: timeMs)
        cache.withLock { $0[key] = (height, queue) }
        return queue
    }

    /// A position's standing in its side's queue.
    func standing(of vault: VaultID, market: UInt32, long: Bool, state: some StateReader, height: UInt64,
                  timeMs: UInt64) -> AutoDeleveraging.Standing? {
        queue(market: market, long: long, state: state, height: height, timeMs: timeMs).first { $0.vault == vault }
    }
}
