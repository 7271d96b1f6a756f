import ArgumentParser
import Foundation

/// How `solvent` and `solventd` report a failure (contracts-spec/errors.md, "On the command
/// line"): one line `error: <code>: <message>` on standard error, the same error as
/// `{"error": {"code", "message"}}` on standard output with `--output json`, and an exit status:
/// 2 when the command line itself is wrong (`invalid_argument`), 1 for every other failure.
public enum CommandLineFailure {
    /// A command line that does not parse or validate: unknown or missing arguments, bad values.
    public static let usageStatus: Int32 = 2
    /// Everything else: a refusal by the node, a failed receipt, a failed check, a local error.
    public static let failureStatus: Int32 = 1

    /// The exit status `error` gets: 2 for `invalid_argument`, else 1.
    public static func status(for error: ClientError) -> Int32 {
        error.code == "invalid_argument" ? usageStatus : failureStatus
    }

    /// The one line on standard error.
    public static func line(_ error: ClientError) -> String { "error: \(error.code): \(error.message)" }

    /// The JSON body on standard output (`--output json`).
    public static func json(_ error: ClientError) -> Data {
        let body: [String: Any] = ["error": ["code": error.code, "message": error.message]]
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
    }

    /// Prints `error` and exits with `status`, by default the error's own (`status(for:)`).
    public static func exit(_ error: ClientError, json: Bool, status: Int32? = nil) -> Never {
        if json { FileHandle.standardOutput.write(Self.json(error) + Data("\n".utf8)) }
        FileHandle.standardError.write(Data((line(error) + "\n").utf8))
        Foundation.exit(status ?? Self.status(for: error))
    }

    /// What a command's `run()` threw, as the error to print; nil for `ExitCode` and `CleanExit`,
    /// which ArgumentParser's own `exit(withError:)` handles (a status, a help screen).
    public static func clientError(_ error: Error) -> ClientError? {
        switch error {
        case let e as ClientError: return e
        case let e as ValidationError: return ClientError("invalid_argument", e.message)
        case is ExitCode, is CleanExit: return nil
        default: return ClientError("failed", "\(error)")
        }
    }

    /// Whether `arguments` ask for JSON output (`--output json` or `--output=json`), read from the
    /// raw command line so that a command line that does not parse still answers in JSON.
    public static func wantsJSON(_ arguments: [String]) -> Bool {
        for (i, a) in arguments.enumerated() {
            if a == "--output=json" { return true }
            if a == "--output", i + 1 < arguments.count, arguments[i + 1] == "json" { return true }
        }
        return false
    }
}

extension ParsableCommand {
    /// Parses `arguments` as `main()` does; help, `--version` and completion-script requests print
    /// and exit 0 as usual, and any other parse or validation error exits through
    /// `CommandLineFailure` as `error: invalid_argument: <what is wrong> (see '<command> --help')`
    /// with status 2.
    public static func parseAsRootOrReport(_ arguments: [String]) async -> ParsableCommand {
        do {
            if let asyncType = self as? any AsyncParsableCommand.Type {
                return try await asyncType.asyncParseAsRoot(arguments)
            }
            return try parseAsRoot(arguments)
        } catch {
            guard exitCode(for: error) != .success else { exit(withError: error) }
            CommandLineFailure.exit(usageError(error), json: CommandLineFailure.wantsJSON(arguments))
        }
    }

    /// Parses `arguments` (`parseAsRootOrReport`) and runs the command, async or not; what the
    /// command throws is the caller's to print.
    public static func parseAndRun(_ arguments: [String]) async throws {
        var command = await parseAsRootOrReport(arguments)
        if var asyncCommand = command as? AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    }

    /// A parse or validation error as an `invalid_argument` error, with the command's help hint.
    public static func usageError(_ error: Error) -> ClientError {
        let brief = message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
        // The full text ends with "See 'solvent tx deposit --help' for more information.".
        let hint = fullMessage(for: error, columns: 10_000).split(separator: "\n")
            .first { $0.contains("See '") }
            .flatMap { line -> String? in
                guard let start = line.range(of: "'"), let end = line.range(of: "'", options: .backwards), start.upperBound <= end.lowerBound
                else { return nil }
                return String(line[start.upperBound..<end.lowerBound])
            }
        let oneLine = brief.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return ClientError("invalid_argument", oneLine + (hint.map { " (see '\($0)')" } ?? ""))
    }
}
