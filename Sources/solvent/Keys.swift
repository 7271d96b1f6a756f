import ArgumentParser
import Foundation
import SolventClient
import SolventCore
import SolventCrypto

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the keyring (encrypted by default; --keyring-backend test for plain devnet keys).",
        subcommands: [Add.self, Import.self, List.self, Show.self, Export.self, Delete.self])

    struct Add: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Generate a new key.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Key name.") var name: String

        func execute() async throws {
            let keyring = try global.keyring()
            let password = keyring.backend == .file ? try global.password(confirm: true) : nil
            let info = try keyring.add(name: name, key: PrivateKey.generate(), password: password)
            report(info, global, verb: "added")
        }
    }

    struct Import: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Import a private key (32-byte hex seed) given by flag or on standard input.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Key name.") var name: String
        @Option(name: .customLong("private-key"), help: "Private key hex; '-' or omitted reads it from standard input.")
        var privateKey: String?

        func execute() async throws {
            var text = privateKey ?? "-"
            if text == "-" {
                guard let line = readLine(strippingNewline: true) else {
                    throw ClientError("no_private_key", "no private key on standard input")
                }
                text = line
            }
            guard let seed = Hex.decode(text.trimmingCharacters(in: .whitespaces)), let key = PrivateKey(seed: seed) else {
                throw ClientError("invalid_private_key", "a private key is 64 hex characters (the 32-byte Ed25519 seed)")
            }
            let keyring = try global.keyring()
            let password = keyring.backend == .file ? try global.password(confirm: true) : nil
            report(try keyring.add(name: name, key: key, password: password), global, verb: "imported")
        }
    }

    struct List: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "List keys.")
        @OptionGroup var global: GlobalOptions

        func execute() async throws {
            let backends = try global.explicitBackend().map { [$0] } ?? KeyringBackend.allCases
            let keys = try backends.flatMap { try Keyring(home: global.homePath, backend: $0).list() }
            if global.output == .json {
                global.printJSON(keys)
            } else if keys.isEmpty {
                print("no keys in \(global.homePath)")
            } else {
                for k in keys { print("\(k.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(k.address)  (\(k.backend))") }
            }
        }
    }

    struct Show: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Show a key's address.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Key name.") var name: String

        func execute() async throws {
            let info = try global.keyring(holding: name).info(name)
            global.show(info, text: info.address)
        }
    }

    struct Export: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Print a key's private key (hex). Anyone who sees it controls the account.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Key name.") var name: String

        func execute() async throws {
            let keyring = try global.keyring(holding: name)
            let key = try keyring.privateKey(name) { try global.password() }
            FileHandle.standardError.write(Data("warning: this is the private key of \(name); keep it secret\n".utf8))
            global.show(["name": name, "address": Address(key.publicKey).text, "private_key": Hex.encode(key.seed)], text: Hex.encode(key.seed))
        }
    }

    struct Delete: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a key from the keyring.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Key name.") var name: String

        func execute() async throws {
            let keyring = try global.keyring(holding: name)
            let info = try keyring.info(name)
            try keyring.delete(name)
            global.show(["deleted": info.name, "address": info.address], text: "deleted \(info.name) (\(info.address))")
        }
    }
}

private func report(_ info: KeyInfo, _ global: GlobalOptions, verb: String) {
    global.show(info, text: "\(verb) \(info.name): \(info.address) (\(info.backend) keyring)")
}
