import Dispatch
import Foundation
import SolventClient

/// Issue 14's replay row: the chain a benchmark node has just produced under load, re-verified
/// by `solventd replay` (every block re-executed and compared, every signature checked, the state
/// recomputed in full at the end), against the rate the node produced it at.
enum ReplayBench {
    /// `solventd replay --home home --json`, timed: the blocks and the transactions replayed. The
    /// node on `home` must have stopped.
    static func replay(binary: String, home: String) throws -> (blocks: Int, transactions: Throughput) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["replay", "--home", home, "--json"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        let start = DispatchTime.now().uptimeNanoseconds
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard p.terminationStatus == 0,
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let blocks = json["verified_blocks"] as? Int, let transactions = json["transactions"] as? Int else {
            throw ClientError("bench", "solventd replay of \(home) failed: \(String(decoding: data, as: UTF8.self))")
        }
        return (blocks, Throughput(count: transactions, seconds: seconds))
    }

    /// Replays `home` and prints the row: the replay's rate over the rate the chain was produced
    /// at, beside the limit.
    static func row(_ what: String, binary: String, home: String, produced: Throughput) throws -> Double {
        let (blocks, replayed) = try replay(binary: binary, home: home)
        let ratio = replayed.perSecond / produced.perSecond
        print(String(format: "replay of the %@ chain (%d blocks, %d transactions; signatures checked ahead on all cores) in %.2f s = %.0f tx/s",
                     what, blocks, replayed.count, replayed.seconds, replayed.perSecond))
        print(String(format: "replay rate / production rate (%.0f tx/s) for the %@ chain: %.2f (limit 5)", produced.perSecond, what, ratio))
        return ratio
    }
}
