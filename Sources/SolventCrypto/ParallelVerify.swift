import Dispatch

/// Signature checks spread across all cores. Verification is pure and independent per
/// transaction, so it runs in parallel before execution; execution itself stays sequential.
public enum ParallelVerify {
    public static var coreCount: Int { max(1, sysconfCoreCount()) }

    /// Runs `check(i)` for every i in 0..<count across cores and returns the results in order.
    public static func map(count: Int, minimumPerChunk: Int = 16, _ check: @Sendable (Int) -> Bool) -> [Bool] {
        if count == 0 { return [] }
        let chunks = min(coreCount * 4, max(1, count / minimumPerChunk))
        if chunks <= 1 { return (0..<count).map(check) }
        let results = ResultBuffer(count: count)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let lower = chunk * count / chunks
            let upper = (chunk + 1) * count / chunks
            for i in lower..<upper { results.set(i, check(i)) }
        }
        return results.values
    }

    /// Each index is written by exactly one chunk, so concurrent writes never touch the same element.
    private final class ResultBuffer: @unchecked Sendable {
        private let storage: UnsafeMutableBufferPointer<Bool>
        init(count: Int) {
            storage = .allocate(capacity: count)
            storage.initialize(repeating: false)
        }
        deinit { storage.deallocate() }
        func set(_ i: Int, _ value: Bool) { storage[i] = value }
        var values: [Bool] { Array(storage) }
    }
}

#if canImport(Glibc)
import Glibc
private func sysconfCoreCount() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
#elseif canImport(Darwin)
import Darwin
private func sysconfCoreCount() -> Int { Int(sysconf(_SC_NPROCESSORS_ONLN)) }
#endif
