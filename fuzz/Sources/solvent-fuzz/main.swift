#if canImport(Glibc)
import Glibc
#endif
import SolventCore
import SolventFuzzing

/// libFuzzer's entry point: one input through the transaction fuzzer (SolventFuzzing). A trap
/// is a finding; so is a broken invariant, reported here as a crash with its description.
///
/// With SOLVENT_FUZZ_STATS=FILE, the receipts' codes and the events of every input are counted
/// and written to FILE after each input, with the codes and events in `required...` below that no
/// input reached yet: a corpus or a harness that stopped reaching the mechanisms would otherwise
/// pass in silence (`tools/fuzz --stats`). libFuzzer ends the process without running exit
/// handlers, hence a file kept current rather than a report at exit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    do {
        try TransactionFuzzer.run(Array(UnsafeBufferPointer(start: data, count: count)), observe: Statistics.observer)
        Statistics.write()
    } catch {
        fatalError("invariant broken: \(error)")
    }
    return 0
}

enum Statistics {
    nonisolated(unsafe) static var codes: [String: Int] = [:]
    nonisolated(unsafe) static var events: [String: Int] = [:]

    static let requiredCodes = ["ok", "arithmetic_overflow", "position_too_large", "invalid_order_size", "invalid_order_price",
                                "insufficient_margin", "amount_too_large", "balance_overflow", "oracle_stale", "vault_not_liquidatable",
                                "unsound_liquidation_parameters", "auction_not_allowed", "auction_stale", "auction_price_above_max",
                                "invalid_auction_config"]
    static let requiredEvents = ["fill", "liquidation", "backstop", "adl", "funding", "settlement", "oracle_price", "withdraw",
                                 "socialized_loss", "auction_started", "auction_take", "auction_ended", "auction_redo"]

    static let path: String? = getenv("SOLVENT_FUZZ_STATS").map { String(cString: $0) }

    nonisolated(unsafe) static let observer: TransactionFuzzer.Observer? = {
        guard path != nil else { return nil }
        return TransactionFuzzer.Observer(
            receipt: { r in
                codes[r.code?.name ?? "ok", default: 0] += 1
                for e in r.events { events[e.type, default: 0] += 1 }
            },
            blockEvents: { for e in $0 { events[e.type, default: 0] += 1 } })
    }()

    static func write() {
        guard let path, let file = fopen(path, "w") else { return }
        defer { fclose(file) }
        let missing = requiredCodes.filter { codes[$0] == nil } + requiredEvents.filter { events[$0] == nil }
        func line(_ counts: [String: Int]) -> String {
            counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        let reached = missing.isEmpty ? "none" : missing.joined(separator: ", ")
        let text = "receipts: \(line(codes))\nevents: \(line(events))\nnot reached: \(reached)\n"
        fputs(text, file)
    }
}
