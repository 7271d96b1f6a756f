import ArgumentParser
import Foundation
import SolventCore
import SolventCrypto
import SolventEngine
import SolventNode
import SolventStore

/// `solventd dump` and `solventd load` (contracts-spec/devnet.md, "Dump and load"): the whole
/// chain, genesis and every block, in one versioned file; loading re-executes every block into a
/// fresh home and checks each app hash, so the loaded node starts exactly where the dump ended.
struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump", abstract: "Write the whole chain (genesis and every block) of a home to a file.")

    @OptionGroup var home: HomeOption
    @Argument(help: "Output file.") var file: String

    func run() throws {
        let store = try home.resolve().openStore(readOnly: true)
        let bytes = try ChainDump.encode(store)
        guard FileManager.default.createFile(atPath: file, contents: Data(bytes)) else { throw ValidationError("cannot write \(file)") }
        let head = try store.head()
        print("wrote \(file): \(bytes.count) bytes, \(head.height) blocks; app hash \(head.appHash.hex)")
    }
}

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load", abstract: "Create a home from a dump: its genesis, then every block re-executed and checked.")

    @OptionGroup var home: HomeOption
    @Argument(help: "A file written by `solventd dump` or `solvent devnet dump`.") var file: String
    @Option(name: .customLong("validator-key-file"), help: "File holding the validator's private key as hex (needed unless the chain is a devnet one).")
    var validatorKeyFile: String?

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        let dump = try ChainDump.decode(Array(data))
        let home = home.resolve()
        let lock = try home.lock(for: "load")
        defer { lock.release() }
        let engine = try home.initialize(genesis: dump.genesis, validatorKey: try Init.validatorKey(validatorKeyFile))
        var last = Date.distantPast
        let head = try engine.load(dump) { height, total in
            if Date().timeIntervalSince(last) >= 1 || height == total {
                last = Date()
                FileHandle.standardError.write(Data("load: block \(height)/\(total)\n".utf8))
            }
        }
        print("loaded \(head.height) blocks into \(home.path); app hash \(head.appHash.hex)")
    }
}
