import ArgumentParser
import Foundation
import SolventClient
import SolventCore

/// `solvent scenario run FILE`: a scenario on a fresh devnet, with a report folder
/// (contracts-spec/devnet.md, "Scenarios").
struct ScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario", abstract: "Run scenario files against a fresh devnet and write reports with plots.", subcommands: [Run.self, Backtest.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a fresh devnet (manual blocks, no feeder), play FILE on it, write REPORT/summary.md and SVG plots; exit 1 if a check fails.")
        @Argument(help: "A scenario file (JSON), e.g. tools/scenarios/gradual-decline.json.") var file: String
        @Option(help: "Report folder (default: scenario-reports/NAME).") var report: String?
        @Option(help: "The solventd binary (default: the one next to this solvent, else the first on PATH).") var solventd: String?
        @Option(help: "RPC port for the scenario's devnet (default: a free one).") var port: Int?

        func run() async throws {
            let scenario: ScenarioFile
            do {
                scenario = try ScenarioFile.load(file)
            } catch let e as ClientError {
                CommandLineFailure.exit(e, json: false, status: 2)
            }
            let binary = try SiblingExecutable.locate("solventd", explicit: solventd)
            let started = Date()
            let log: @Sendable (String) -> Void = { line in print(String(format: "[%6.1fs] ", Date().timeIntervalSince(started)) + line) }
            log("scenario \(scenario.name): \(scenario.description)")
            let devnet = try await ScenarioDevnet.start(binary, port: port)
            defer { devnet.stop() }
            let runner = ScenarioRunner(scenario: scenario, scenarioDirectory: URL(fileURLWithPath: file).deletingLastPathComponent().path,
                                        client: devnet.client, log: log)
            var outcome = try await runner.run()
            devnet.stop()
            let work = devnet.work
            if scenario.replay == true { outcome.checks.append(Self.replay(binary, home: work + "/node", log: log)) }
            let directory = report ?? "scenario-reports/\(scenario.name)"
            let files = try ScenarioRunner.writeReport(scenario, records: outcome.records, checks: outcome.checks, to: directory)
            for c in outcome.checks { log("check: \(c.description): \(c.passed ? "pass" : "FAIL") (\(c.detail))") }
            log("report: \(directory)/ (\(files.joined(separator: ", ")))")
            guard outcome.checks.allSatisfy(\.passed) else {
                log("scenario FAILED")
                throw ExitCode(1)
            }
            log("scenario passed")
        }

        /// `solventd replay` of the stopped node's home: every block re-executed from genesis must
        /// give the same state hashes (devnet.md, "Scripts").
        static func replay(_ binary: String, home: String, log: (String) -> Void) -> ScenarioRunner.CheckResult {
            let replay = Process()
            replay.executableURL = URL(fileURLWithPath: binary)
            replay.arguments = ["replay", "--home", home]
            let output = Pipe()
            replay.standardOutput = output
            replay.standardError = output
            do {
                try replay.run()
            } catch {
                return .init(description: "the chain replays from genesis", passed: false, detail: "\(binary) replay: \(error)")
            }
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            replay.waitUntilExit()
            log(text)
            return .init(description: "the chain replays from genesis", passed: replay.terminationStatus == 0,
                         detail: text.split(separator: "\n").last.map(String.init) ?? "exit \(replay.terminationStatus)")
        }

        static func freePort() -> Int {
            // Ask the kernel for a free port by binding port 0, then release it for the node.
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = 0
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
            _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
            return Int(UInt16(bigEndian: addr.sin_port))
        }
    }
}

/// A fresh devnet for one scenario run (manual blocks, no feeder), in a scratch home, stopped
/// when done (or when the value goes away).
final class ScenarioDevnet: @unchecked Sendable {
    let work: String
    let client: RPCClient
    private let node: Process
    private var running = true

    private init(work: String, client: RPCClient, node: Process) {
        (self.work, self.client, self.node) = (work, client, node)
    }

    /// `genesis`: a genesis file for the new home (default: the devnet's).
    static func start(_ binary: String, port: Int?, genesis: String? = nil) async throws -> ScenarioDevnet {
        let work = NSTemporaryDirectory() + "solvent-scenario-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let rpcPort = port ?? ScenarioCommand.Run.freePort()
        let node = Process()
        node.executableURL = URL(fileURLWithPath: binary)
        node.arguments = ["devnet", "--home", work + "/node", "--rpc", "127.0.0.1:\(rpcPort)", "--manual", "--no-feeder", "--log-level", "error",
                          "--config-out", work + "/devnet.json"] + (genesis.map { ["--genesis", $0] } ?? [])
        node.standardOutput = FileHandle.nullDevice
        node.standardError = FileHandle.nullDevice
        try node.run()
        let devnet = ScenarioDevnet(work: work, client: RPCClient(baseURL: "http://127.0.0.1:\(rpcPort)", timeoutSeconds: 60, retryConnecting: true),
                                    node: node)
        var ready = false
        for _ in 0..<150 where !ready {
            ready = (try? await devnet.client.status()) != nil
            if !ready { try await Task.sleep(for: .milliseconds(200)) }
        }
        guard ready else {
            devnet.stop()
            throw ClientError("devnet_unavailable", "\(binary) did not answer on port \(rpcPort) within 30 s")
        }
        return devnet
    }

    /// Stops the node (once); its home stays until `remove`.
    func stop() {
        guard running else { return }
        running = false
        node.interrupt()
        node.waitUntilExit()
    }

    func remove() { try? FileManager.default.removeItem(atPath: work) }

    deinit {
        stop()
        remove()
    }
}
