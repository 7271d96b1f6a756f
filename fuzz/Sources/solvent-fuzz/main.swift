import SolventFuzzing

/// libFuzzer's entry point: one input through the transaction fuzzer (SolventFuzzing). A trap
/// is a finding; so is a broken invariant, reported here as a crash with its description.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    do {
        try TransactionFuzzer.run(Array(UnsafeBufferPointer(start: data, count: count)))
    } catch {
        fatalError("invariant broken: \(error)")
    }
    return 0
}
