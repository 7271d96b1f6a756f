import ArgumentParser
import Foundation
import SolventClient
import SolventWire

@main
struct Solvent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solvent",
        abstract: "Command-line client for a Solvent node: keys, transactions and queries.",
        discussion: """
            Global options on every command: --node URL (env SOLVENT_NODE), --home DIR (env SOLVENT_HOME; \
            the keyring lives there), --output text|json. A failure prints one line on standard error, \
            "error: <code>: <message>" (with --output json also {"error": {"code", "message"}} on standard \
            output), and exits 1; a command line that does not parse exits 2 with code invalid_argument. \
            Shell completions: solvent --generate-completion-script bash|zsh|fish.
            """,
        version: SolventVersion.current,
        subcommands: [Keys.self, Tx.self, Query.self, OracleCommand.self, KeeperCommand.self, DevnetCommand.self, ScenarioCommand.self, Watch.self])

    /// `main()` with the project's error conventions (CommandLineFailure): parse errors and every
    /// error a command throws print `error: <code>: <message>` through one printer.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            try await parseAndRun(arguments)
        } catch {
            // A help, version or completion-script request is thrown by the command
            // ArgumentParser parsed it into; it prints and exits 0 as ArgumentParser does.
            guard exitCode(for: error) != .success, let failure = CommandLineFailure.clientError(error) else { exit(withError: error) }
            CommandLineFailure.exit(failure, json: CommandLineFailure.wantsJSON(arguments))
        }
    }
}

/// A subcommand whose body runs under the CLI's error conventions: `execute()` does the work and
/// `run()` (given here once) prints a failure as `error: <code>: <message>` and exits
/// (GlobalOptions.run).
protocol ClientCommand: AsyncParsableCommand {
    var global: GlobalOptions { get }
    func execute() async throws
}

extension ClientCommand {
    func run() async throws {
        try await global.run { try await execute() }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Node RPC URL (default: $SOLVENT_NODE or http://127.0.0.1:26657).")
    var node: String?

    @Option(name: .long, help: "Client home holding the keyring (default: $SOLVENT_HOME or ~/.solvent).")
    var home: String?

    @Option(name: .long, help: "text or json.")
    var output: OutputFormat = .text

    @Option(name: .customLong("keyring-backend"), help: "file (encrypted, default) or test (unencrypted, for devnet scripts); env SOLVENT_KEYRING_BACKEND.")
    var keyringBackend: String?

    @Option(name: .customLong("password-file"), help: "Read the keyring password from the first line of this file (else $SOLVENT_PASSWORD, else a prompt).")
    var passwordFile: String?

    var env: [String: String] { ProcessInfo.processInfo.environment }

    var nodeURL: String { node ?? env["SOLVENT_NODE"] ?? "http://127.0.0.1:26657" }
    var homePath: String { home ?? env["SOLVENT_HOME"] ?? "~/.solvent" }
    var client: RPCClient { RPCClient(baseURL: nodeURL) }

    /// The backend named by the flag or environment, if any.
    func explicitBackend() throws -> KeyringBackend? {
        guard let name = keyringBackend ?? env["SOLVENT_KEYRING_BACKEND"] else { return nil }
        guard let b = KeyringBackend(rawValue: name) else {
            throw ClientError("invalid_keyring_backend", "keyring backend must be 'file' or 'test', not '\(name)'")
        }
        return b
    }

    func keyring() throws -> Keyring {
        Keyring(home: homePath, backend: try explicitBackend() ?? .file)
    }

    /// The keyring holding `name`: the explicit backend, or whichever of file and test has it.
    func keyring(holding name: String) throws -> Keyring {
        if let b = try explicitBackend() { return Keyring(home: homePath, backend: b) }
        for b in [KeyringBackend.file, .test] where Keyring(home: homePath, backend: b).exists(name) {
            return Keyring(home: homePath, backend: b)
        }
        return Keyring(home: homePath, backend: .file)
    }

    /// The keyring password, from --password-file, $SOLVENT_PASSWORD or a prompt on the terminal.
    func password(confirm: Bool = false) throws -> [UInt8] {
        if let passwordFile {
            guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                throw ClientError("password_file", "cannot read \(passwordFile)")
            }
            return Array((text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "").utf8)
        }
        if let p = env["SOLVENT_PASSWORD"] { return Array(p.utf8) }
        guard isatty(0) == 1 else {
            throw ClientError("password_required",
                "the encrypted keyring needs a password: set SOLVENT_PASSWORD, pass --password-file, or use --keyring-backend test")
        }
        let first = Array(String(cString: getpass("Keyring password: ")).utf8)
        if confirm {
            let again = Array(String(cString: getpass("Repeat password: ")).utf8)
            guard again == first else { throw ClientError("password_mismatch", "the passwords differ") }
        }
        return first
    }

    /// Runs a command's body; a failure prints one line (and the JSON error with --output json)
    /// and exits: 2 for invalid_argument, 1 otherwise (CommandLineFailure).
    func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            guard let failure = CommandLineFailure.clientError(error) else { throw error }
            fail(failure)
        }
    }

    func fail(_ error: ClientError, status: Int32? = nil) -> Never {
        CommandLineFailure.exit(error, json: output == .json, status: status)
    }

    /// A reply as the command should render it: with --output json its raw JSON is printed here and
    /// the result is nil (the command has nothing more to print); in text mode, the decoded value.
    func forText<T>(_ reply: RPCClient.Reply<T>) -> T? {
        if output == .json {
            printJSON(reply.json)
            return nil
        }
        return reply.value
    }

    /// A result the command made itself (no RPC reply): `value` as JSON with --output json, else `text`.
    func show<T: Encodable>(_ value: T, text: @autoclosure () -> String) {
        if output == .json { printJSON(value) } else { print(text()) }
    }

    func printJSON(_ data: Data) {
        if let object = try? JSONSerialization.jsonObject(with: data),
           let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) {
            FileHandle.standardOutput.write(pretty + Data("\n".utf8))
        } else {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }

    func printJSON<T: Encodable>(_ value: T) {
        if let data = try? WireJSON.fileEncoder().encode(value) { FileHandle.standardOutput.write(data + Data("\n".utf8)) }
    }
}
