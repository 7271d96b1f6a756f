import Foundation
import SolventClient
import SolventTestSupport
import Testing

/// The command-line conventions of both executables (errors.md, "On the command line"), run as
/// separate processes: no node is needed for any of these.
@Suite struct CommandLineTests {
    @Test func bothBinariesPrintTheSameVersion() throws {
        for name in ["solvent", "solventd"] {
            let r = try Binaries.run(try Binaries.path(name), ["--version"])
            #expect(r.status == 0 && r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == SolventVersion.current, "\(name): \(r)")
        }
    }

    @Test func argumentErrorsAreOneStableLineAndExitTwo() throws {
        let solvent = try Binaries.path("solvent")
        let cases: [[String]] = [
            ["tx", "deposit", "100"],                      // a missing argument
            ["query", "vault", "dev0", "--vault", "x"],    // a malformed option value
            ["query", "nothing"],                          // an unknown subcommand
            ["tx", "send", "x", "1", "USDC", "--from"],    // an option without its value
        ]
        for args in cases {
            let r = try Binaries.run(solvent, args + ["--node", "http://127.0.0.1:1"])
            #expect(r.status == 2, "\(args): \(r)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("error: invalid_argument: "), "\(args): \(r.stderr)")
        }
        let missing = try Binaries.run(solvent, ["tx", "deposit", "100", "--from", "dev0"])
        #expect(missing.stderr.contains("'<asset>'") && missing.stderr.contains("(see 'solvent tx deposit --help')"), "\(missing.stderr)")
        // With --output json the same error is also JSON on standard output.
        let json = try Binaries.run(solvent, ["tx", "deposit", "100", "--output", "json"])
        let body = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((body?["error"] as? [String: Any])?["code"] as? String == "invalid_argument", "\(json.stdout)")
        // solventd follows the same rule.
        let node = try Binaries.run(try Binaries.path("solventd"), ["start", "--block-time", "0"])
        #expect(node.status == 2 && node.stderr.hasPrefix("error: invalid_argument: --block-time must be 1 to 3600000 ms"), "\(node)")
    }

    @Test func aFailureAtRunTimeIsOneLineAndExitsOne() throws {
        let r = try Binaries.run(try Binaries.path("solvent"), ["query", "status", "--node", "http://127.0.0.1:1"])
        #expect(r.status == 1 && r.stderr.hasPrefix("error: node_unreachable: "), "\(r)")
        let bad = try Binaries.run(try Binaries.path("solvent"), ["tx", "order", "place", "BTC-PERP", "buy", "1", "--max-slippage", "2",
                                                                 "--from", "nobody", "--node", "http://127.0.0.1:1"])
        #expect(bad.status != 0 && bad.stderr.hasPrefix("error: "), "\(bad)")
    }

    @Test func completionScriptsAndHelpExitZero() throws {
        let solvent = try Binaries.path("solvent")
        let bash = try Binaries.run(solvent, ["--generate-completion-script", "bash"])
        #expect(bash.status == 0 && bash.stdout.contains("_solvent"), "\(bash.stderr)")
        let help = try Binaries.run(try Binaries.path("solventd"), ["devnet", "--help"])
        #expect(help.status == 0 && help.stdout.contains("~/.solventd/devnet"), "\(help.stdout)")
        // solvent's own help, at the root and for a subcommand, prints and exits 0 (not "error: failed").
        for arguments in [["--help"], ["query", "status", "--help"], ["tx", "deposit", "-h"], ["--version"]] {
            let shown = try Binaries.run(solvent, arguments)
            #expect(shown.status == 0 && !shown.stdout.isEmpty && !shown.stderr.contains("error"), "\(arguments): \(shown)")
        }
    }

    @Test func scenarioRunFindsSolventdOnPathOrSaysWhereItLooked() throws {
        // A copy of solvent alone in a folder: no solventd beside it, and a PATH without one.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("solvent-alone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("solvent").path
        try FileManager.default.copyItem(atPath: try Binaries.path("solvent"), toPath: copy)
        let scenario = dir.appendingPathComponent("s.json").path
        try Data(#"{"name": "x", "description": "x", "market_maker": "dev1", "accounts": [], "positions": [], "prices": {}, "steps": 1, "keepers": [], "checks": []}"#.utf8).write(to: URL(fileURLWithPath: scenario))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: copy)
        p.arguments = ["scenario", "run", scenario]
        p.environment = ["PATH": "/usr/bin:/bin"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 1, "\(stderr)")
        #expect(stderr.hasPrefix("error: solventd_not_found: no solventd next to this program (\(dir.path))"), "\(stderr)")

        // The search order: beside the running executable, beside argv[0], then PATH, in order.
        let dirs = SiblingExecutable.searchDirectories(runningExecutable: "/opt/solvent/bin/solvent", argv0: "solvent", path: "/usr/local/bin:/opt/solvent/bin:/bin")
        #expect(dirs == ["/opt/solvent/bin", "/usr/local/bin", "/bin"])
        let bin = URL(fileURLWithPath: try Binaries.path("solventd")).deletingLastPathComponent().path
        #expect(SiblingExecutable.find("solventd", in: [dir.path, bin]) == bin + "/solventd")
    }
}
