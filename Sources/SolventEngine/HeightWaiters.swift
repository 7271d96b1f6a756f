import Synchronization

/// Callers waiting for the chain to reach a height: resumed by the producer as each block
/// commits, or when their bounded wait runs out. Tests wait on this, not on the clock.
final class HeightWaiters: Sendable {
    private struct Waiter {
        let id: UInt64
        let height: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private let state = Mutex<(next: UInt64, waiting: [Waiter])>((0, []))

    /// Returns true once `height` is reached (`current()` is asked after registering, so a
    /// block committed meanwhile is not missed), false after `timeout`.
    func wait(for height: UInt64, timeout: Duration, current: @Sendable () -> UInt64) async -> Bool {
        let id = state.withLock { s in defer { s.next += 1 }; return s.next }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            resume(id: id, with: false)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            state.withLock { $0.waiting.append(Waiter(id: id, height: height, continuation: continuation)) }
            if current() >= height { reached(current()) }
        }
    }

    /// The chain is at `height`: every waiter for it or below is resumed.
    func reached(_ height: UInt64) {
        let due = state.withLock { s -> [Waiter] in
            let due = s.waiting.filter { $0.height <= height }
            s.waiting.removeAll { $0.height <= height }
            return due
        }
        for w in due { w.continuation.resume(returning: true) }
    }

    private func resume(id: UInt64, with value: Bool) {
        let waiter = state.withLock { s -> Waiter? in
            guard let i = s.waiting.firstIndex(where: { $0.id == id }) else { return nil }
            return s.waiting.remove(at: i)
        }
        waiter?.continuation.resume(returning: value)
    }
}
