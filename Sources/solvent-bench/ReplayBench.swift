import Dispatch
import Foundation
import SolventClient

/// Issue 14's replay row: the chain a benchmark node has just produced under load, re-verified
/// by `solventd replay` (every block re-executed and compared, every signature checked, the state
/// recomputed in full at the end), against the rate the node produced it at.
enum ReplayBench {
    struct Result {
        let blocks: Int
        let transactions: Int
        let seconds: Double
        var perSecond: Double { Double(transactions) / seconds }
    }

    /// `solventd replay --home home --json`, timed; the node on `home` must have stopped.
    static func replay(binary: String, home: String) throws -> Result {
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
        return Result(blocks: blocks, transactions: transactions, seconds: seconds)
    }

    /// Replays `home` and prints the row: the replay's rate over the production rate
    /// (`produced` transactions in `productionSeconds`), beside the limit.
    static func row(_ what: String, binary: String, home: String, produced: Int, productionSeconds: Double) throws -> Double {
        let r = try replay(binary: binary, home: home)
        let production = Double(produced) / productionSeconds
        let ratio = r.perSecond / production
        print(String(format: "replay of the %@ chain (%d blocks, %d transactions; signatures checked ahead on all cores) in %.2f s = %.0f tx/s",
                     what, r.blocks, r.transactions, r.seconds, r.perSecond))
        print(String(format: "replay rate / production rate (%.0f tx/s) for the %@ chain: %.2f (limit 5)", production, what, ratio))
        return ratio
    }
}
