import Foundation
import SolventClient
import SolventTestSupport
import Testing

/// A `solventd devnet` process on a home, listening on a free port of 127.0.0.1, for tests that
/// need a real node process (kill -9, the home lock, concurrent HTTP clients).
struct NodeProcess {
    let process: Process
    let client: RPCClient
    let stderr: URL

    var pid: Int32 { process.processIdentifier }

    /// Starts the node and returns once it answers; `arguments` are added to
    /// `devnet --home HOME --rpc 127.0.0.1:0 --no-feeder`.
    static func start(home: String, _ arguments: [String] = []) async throws -> NodeProcess {
        let solventd = try Binaries.path("solventd")
        let configFile = home + ".config.json"
        let stderr = URL(fileURLWithPath: home + ".stderr.log")
        try? FileManager.default.removeItem(atPath: configFile)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: solventd)
        process.arguments = ["devnet", "--home", home, "--rpc", "127.0.0.1:0", "--no-feeder", "--config-out", configFile] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()
        // The config file is written once the RPC server listens (bounded: 60 s).
        for _ in 0..<1200 {
            if let config = try? DevnetConfig.read(from: configFile) {
                let node = NodeProcess(process: process, client: RPCClient(baseURL: config.rpc, timeoutSeconds: 30), stderr: stderr)
                if (try? await node.client.status()) != nil { return node }
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        throw NodeDidNotStart(description: "solventd did not start on \(home): \(String(decoding: (try? Data(contentsOf: stderr)) ?? Data(), as: UTF8.self))")
    }

    /// kill -9, and waits for the process to be gone.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM (a graceful stop), and waits.
    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    var log: String { String(decoding: (try? Data(contentsOf: stderr)) ?? Data(), as: UTF8.self) }

    /// Removes a home and the files `start` put beside it.
    static func remove(home: String) {
        for path in [home, home + ".config.json", home + ".stderr.log"] { try? FileManager.default.removeItem(atPath: path) }
    }
}

struct NodeDidNotStart: Error, CustomStringConvertible {
    let description: String
}
