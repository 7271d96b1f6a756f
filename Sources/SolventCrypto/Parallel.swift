import Dispatch

/// Pure work spread across all cores: signature checks are independent per transaction, so they
/// run in parallel before execution; execution itself stays sequential.
public enum Parallel {
    public static var coreCount: Int { max(1, sysconfCoreCount()) }

    /// Computes `work(i)` for every i in 0..<count across cores; results in index order.
    public static func map<T: Sendable>(count: Int, minimumPerChunk: Int = 16, _ work: @Sendable (Int) -> T) -> [T] {
        if count == 0 { return [] }
        let chunks = min(coreCount * 4, max(1, count / minimumPerChunk))
        if chunks <= 1 { return (0..<count).map(work) }
        let results = Slots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let lower = chunk * count / chunks
            let upper = (chunk + 1) * count / chunks
            for i in lower..<upper { results.set(i, work(i)) }
        }
        return results.values
    }

    /// One slot per index; each index is written by exactly one chunk, so concurrent writes never
    /// touch the same slot, and all are read only after `concurrentPerform` has returned.
    private final class Slots<T>: @unchecked Sendable {
        private let storage: UnsafeMutableBufferPointer<T?>
        init(count: Int) {
            storage = .allocate(capacity: count)
            storage.initialize(repeating: nil)
        }
        deinit {
            storage.deinitialize()
            storage.deallocate()
        }
        func set(_ i: Int, _ value: T) { storage[i] = value }
        var values: [T] { storage.map { $0! } }
    }
}

#if canImport(Glibc)
import Glibc
private func sysconfCoreCount() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
#elseif canImport(Darwin)
import Darwin
private func sysconfCoreCount() -> Int { Int(sysconf(_SC_NPROCESSORS_ONLN)) }
#endif
