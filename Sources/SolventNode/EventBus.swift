import Synchronization

/// Fans committed blocks out to WebSocket subscribers. Each subscriber has a bounded buffer; one
/// that falls more than `bufferSize` blocks behind is cut off rather than silently missing blocks
/// (it can reconnect with `from_height` to catch up).
final class EventBus<Message: Sendable>: Sendable {
    private struct Subscriber {
        let continuation: AsyncStream<Message>.Continuation
        let onCutOff: @Sendable () -> Void
    }

    private let subscribers = Mutex<[Int: Subscriber]>([:])
    private let nextID = Atomic<Int>(0)
    let bufferSize: Int

    init(bufferSize: Int = 1024) {
        self.bufferSize = bufferSize
    }

    struct Subscription {
        let id: Int
        let messages: AsyncStream<Message>
    }

    /// `onCutOff` is called once if the bus ends the subscription: the subscriber's buffer
    /// overflowed, or the node is stopping. Its stream then finishes after what it already holds.
    func subscribe(onCutOff: @escaping @Sendable () -> Void = {}) -> Subscription {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<Message>.makeStream(bufferingPolicy: .bufferingOldest(bufferSize))
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        subscribers.withLock { $0[id] = Subscriber(continuation: continuation, onCutOff: onCutOff) }
        return Subscription(id: id, messages: stream)
    }

    /// The subscriber leaves on its own (its connection ended).
    func unsubscribe(_ id: Int) {
        let s = subscribers.withLock { $0.removeValue(forKey: id) }
        s?.continuation.finish()
    }

    private func cutOff(_ id: Int) {
        guard let s = subscribers.withLock({ $0.removeValue(forKey: id) }) else { return }
        s.onCutOff()
        s.continuation.finish()
    }

    var subscriberCount: Int { subscribers.withLock { $0.count } }

    /// Delivers `message` to every subscriber; returns the ids whose buffer was full (they are cut off).
    @discardableResult
    func publish(_ message: Message) -> [Int] {
        let current = subscribers.withLock { $0.map { ($0.key, $0.value.continuation) } }
        var lagged = [Int]()
        for (id, c) in current {
            if case .dropped = c.yield(message) { lagged.append(id) }
        }
        for id in lagged { cutOff(id) }
        return lagged
    }

    func finishAll() {
        let ids = subscribers.withLock { Array($0.keys) }
        for id in ids { cutOff(id) }
    }
}
