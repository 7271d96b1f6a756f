import Synchronization

/// A one-slot wake-up for the block producer: `signal()` wakes a current `wait`, or the next one
/// if nobody is waiting. Several signals before a wait count as one.
final class WakeSignal: Sendable {
    private struct Slot: ~Copyable {
        var pending = false
        var waiter: (token: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var nextToken: UInt64 = 0
    }

    private let slot = Mutex(Slot())

    func signal() {
        let c: CheckedContinuation<Void, Never>? = slot.withLock { s in
            if let w = s.waiter {
                s.waiter = nil
                return w.continuation
            }
            s.pending = true
            return nil
        }
        c?.resume()
    }

    /// Returns when signalled or after `timeout`, whichever comes first.
    func wait(timeout: Duration) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let token: UInt64? = slot.withLock { s in
                if s.pending {
                    s.pending = false
                    return nil
                }
                s.nextToken += 1
                s.waiter = (s.nextToken, c)
                return s.nextToken
            }
            guard let token else { c.resume(); return }
            Task {
                try? await Task.sleep(for: timeout)
                let expired: CheckedContinuation<Void, Never>? = self.slot.withLock { s in
                    guard let w = s.waiter, w.token == token else { return nil }
                    s.waiter = nil
                    return w.continuation
                }
                expired?.resume()
            }
        }
    }
}
