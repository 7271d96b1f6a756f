import Foundation
import Synchronization

/// Where the chain's time comes from. The engine reads it only to time the next block (the block
/// time is then part of the block, so execution never reads a clock); a test injects a
/// `ManualClock` and moves it, instead of waiting on the wall clock.
public protocol ChainClock: Sendable {
    /// Milliseconds since the Unix epoch.
    func nowMs() -> UInt64
    /// Calls `body` whenever the clock jumps (a `ManualClock` moved), so a producer waiting for
    /// a slot looks again at once. The wall clock only flows, and never calls it.
    func whenAdvanced(_ body: @escaping @Sendable () -> Void)
}

/// The machine's wall clock, for a running node.
public struct WallClock: ChainClock {
    public init() {}
    public func nowMs() -> UInt64 { UInt64(max(0, Date().timeIntervalSince1970 * 1000)) }
    public func whenAdvanced(_ body: @escaping @Sendable () -> Void) {}
}

/// A clock that moves only when told: tests drive the chain's time with it.
public final class ManualClock: ChainClock {
    private let now: Mutex<UInt64>
    private let listeners = Mutex<[@Sendable () -> Void]>([])

    public init(ms: UInt64) { now = Mutex(ms) }

    public func nowMs() -> UInt64 { now.withLock { $0 } }

    public func whenAdvanced(_ body: @escaping @Sendable () -> Void) { listeners.withLock { $0.append(body) } }

    /// Moves the clock forward by `ms` and tells whoever listens.
    public func advance(by ms: UInt64) {
        now.withLock { $0 += ms }
        for body in listeners.withLock({ $0 }) { body() }
    }
}

/// The chain clock: the injected clock plus a devnet offset (`advance` moves it), and a one-off
/// time for the next block (devnet "set next block time", after which the clock carries on from
/// there, as anvil's evm_setNextBlockTimestamp does).
final class ChainTime: Sendable {
    private struct Adjustment {
        var offsetMs: Int64
        var nextBlockMs: UInt64?
    }

    let source: any ChainClock
    private let adjustment: Mutex<Adjustment>

    /// A chain whose clock was advanced (devnet) continues from its head, not from the clock.
    init(source: any ChainClock, headMs: UInt64) {
        self.source = source
        adjustment = Mutex(Adjustment(offsetMs: Self.offset(source.nowMs(), after: headMs), nextBlockMs: nil))
    }

    /// The chain's current time.
    func nowMs() -> UInt64 {
        UInt64(max(0, Int64(source.nowMs()) + adjustment.withLock { $0.offsetMs }))
    }

    /// The time set for the next block, if one is set and after `headMs`.
    func nextBlockMs(after headMs: UInt64) -> UInt64? {
        adjustment.withLock { a in a.nextBlockMs.flatMap { $0 > headMs ? $0 : nil } }
    }

    /// The next block's time: the one set for it (used up), else now, never before `headMs + 1`.
    func takeBlockTime(after headMs: UInt64) -> UInt64 {
        adjustment.withLock { a -> UInt64 in
            defer { a.nextBlockMs = nil }
            if let next = a.nextBlockMs, next > headMs { return next }
            return max(UInt64(max(0, Int64(source.nowMs()) + a.offsetMs)), headMs + 1)
        }
    }

    /// The next block gets exactly `ms`, and the clock carries on from there.
    func setNextBlock(_ ms: UInt64) {
        let now = source.nowMs()
        adjustment.withLock { $0 = Adjustment(offsetMs: Int64(ms) - Int64(now), nextBlockMs: ms) }
    }

    /// The clock carries on from just after `headMs` (after an advance or a revert).
    func resume(after headMs: UInt64, keepNextBlock: Bool = false) {
        let now = source.nowMs()
        adjustment.withLock { a in
            a.offsetMs = Self.offset(now, after: headMs)
            if !keepNextBlock { a.nextBlockMs = nil }
        }
    }

    private static func offset(_ now: UInt64, after headMs: UInt64) -> Int64 {
        max(0, Int64(headMs) + 1 - Int64(now))
    }
}
