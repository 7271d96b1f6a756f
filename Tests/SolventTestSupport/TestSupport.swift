import Foundation

/// Helpers shared by several test targets.

/// SplitMix64: a tiny seeded generator, so "random" test workloads are the same in every run and
/// every process (no SystemRandomNumberGenerator in tests that check determinism).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}

/// A fresh path under the system's temporary directory, unique to this process and call
/// (`prefix` names the suite), and its removal.
public enum TemporaryDirectory {
    public static func path(_ prefix: String) -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))").path
    }

    public static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }
}

public struct MissingBinary: Error, CustomStringConvertible {
    public let description: String
}

/// The executables of this package, run as separate processes by the tests.
public enum Binaries {
    /// `name` built beside the test bundle (`swift build --build-tests` builds every product), or
    /// the path in $SOLVENTD_BIN for solventd.
    public static func path(_ name: String) throws -> String {
        if name == "solventd", let path = ProcessInfo.processInfo.environment["SOLVENTD_BIN"] { return path }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        throw MissingBinary(description: "\(name) is not built next to the tests; run `swift build --build-tests`")
    }

    /// Runs a program to completion and returns its exit status and output.
    public static func run(_ binary: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}
