import Synchronization

/// Fans committed blocks out to WebSocket subscribers. Each subscriber has a bounded buffer; one
/// that falls more than `bufferSize` blocks behind is cut off with a `lagged` notice rather than
/// silently missing blocks (it can reconnect with `from_height` to catch up).
final class EventBus<Message: Sendable>: Sendable {
    private let subscribers = Mutex<[Int: AsyncStream<Message>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)
    let bufferSize: Int

    init(bufferSize: Int = 1024) {
        self.bufferSize = bufferSize
    }

    struct Subscription {
        let id: Int
        let messages: AsyncStream<Message>
    }

    /// `onLag` is called (once) if the subscriber's buffer overflows; the stream then finishes.
    func subscribe() -> Subscription {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<Message>.makeStream(bufferingPolicy: .bufferingOldest(bufferSize))
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        subscribers.withLock { $0[id] = continuation }
        return Subscription(id: id, messages: stream)
    }

    func unsubscribe(_ id: Int) {
        let c = subscribers.withLock { $0.removeValue(forKey: id) }
        c?.finish()
    }

    var subscriberCount: Int { subscribers.withLock { $0.count } }

    /// Delivers `message` to every subscriber; returns the ids whose buffer was full (they are dropped).
    @discardableResult
    func publish(_ message: Message) -> [Int] {
        let current = subscribers.withLock { Array($0) }
        var lagged = [Int]()
        for (id, c) in current {
            if case .dropped = c.yield(message) { lagged.append(id) }
        }
        for id in lagged { unsubscribe(id) }
        return lagged
    }

    func finishAll() {
        let all = subscribers.withLock { table in
            let values = Array(table.values)
            table.removeAll()
            return values
        }
        for c in all { c.finish() }
    }
}
