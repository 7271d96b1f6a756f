import Foundation
import Testing
import SolventClient
import SolventCore
import SolventCrypto

// MARK: - Helpers

/// Runs `body` with a fresh, empty home directory that is removed afterwards.
private func withTemporaryHome(_ body: (String) throws -> Void) throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("solvent-keyring-test-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    try body(url.path)
}

/// A deterministic key: seed bytes are `tag, tag+1, ...`.
private func key(_ tag: UInt8) -> PrivateKey {
    PrivateKey(seed: (0..<32).map { tag &+ UInt8($0) })!
}

private func address(_ key: PrivateKey) -> String { Address(key.publicKey).text }

/// Expects `body` to throw a ClientError with `code`.
private func expectClientError(_ code: String, _ comment: Comment? = nil,
                               sourceLocation: SourceLocation = #_sourceLocation,
                               _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected ClientError \(code), nothing was thrown. \(comment.map { "\($0)" } ?? "")",
                     sourceLocation: sourceLocation)
    } catch let error as ClientError {
        #expect(error.code == code, "\(error) \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected ClientError \(code), got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
}

private func posixPermissions(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    let number = try #require(attributes[.posixPermissions] as? NSNumber, "no posixPermissions for \(path)")
    return number.intValue & 0o777
}

private func readJSON(_ path: String) throws -> [String: Any] {
    let data = try #require(FileManager.default.contents(atPath: path), "cannot read \(path)")
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

private func writeJSON(_ object: [String: Any], to path: String) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    try data.write(to: URL(fileURLWithPath: path))
}

private let password = Array("hunter2 but longer".utf8)

/// A password closure that must not be called (test backend).
private func noPassword() -> [UInt8] {
    Issue.record("the test backend asked for a password")
    return []
}

// MARK: - Test backend

@Suite("Keyring (test backend)")
struct TestKeyringTests {
    @Test("add, info, list, privateKey, delete")
    func lifecycle() throws {
        try withTemporaryHome { home in
            let ring = Keyring(home: home, backend: .test)
            #expect(ring.directory == home + "/keyring-test")
            #expect(try ring.list().isEmpty)
            #expect(!ring.exists("alice"))

            let alice = key(1), bob = key(100)
            let added = try ring.add(name: "alice", key: alice, password: nil)
            #expect(added.name == "alice")
            #expect(added.address == address(alice))
            #expect(added.address.hasPrefix("sv1"))
            #expect(added.publicKey == alice.publicKey.hex)
            #expect(added.backend == "test")
            #expect(ring.exists("alice"))
            #expect(FileManager.default.fileExists(atPath: home + "/keyring-test/alice.json"))

            // The password argument is ignored by the test backend.
            _ = try ring.add(name: "bob", key: bob, password: Array("ignored".utf8))

            let info = try ring.info("bob")
            #expect(info.name == "bob")
            #expect(info.address == address(bob))
            #expect(info.publicKey == bob.publicKey.hex)
            #expect(info.backend == "test")

            let listed = try ring.list()
            #expect(listed.map(\.name) == ["alice", "bob"])
            #expect(listed.map(\.address) == [address(alice), address(bob)])

            let loaded = try ring.privateKey("alice", password: noPassword)
            #expect(loaded.seed == alice.seed)
            #expect(loaded.publicKey == alice.publicKey)
            #expect(try ring.privateKey("bob", password: noPassword).seed == bob.seed)

            try ring.delete("alice")
            #expect(!ring.exists("alice"))
            #expect(try ring.list().map(\.name) == ["bob"])
            expectClientError("key_not_found") { _ = try ring.info("alice") }
            expectClientError("key_not_found") { _ = try ring.privateKey("alice", password: noPassword) }
            expectClientError("key_not_found") { try ring.delete("alice") }

            // A deleted name can be reused.
            _ = try ring.add(name: "alice", key: bob, password: nil)
            #expect(try ring.privateKey("alice", password: noPassword).seed == bob.seed)
        }
    }

    @Test("list ignores non-JSON files and is sorted by name")
    func listSorted() throws {
        try withTemporaryHome { home in
            let ring = Keyring(home: home, backend: .test)
            for (i, name) in ["zed", "Alpha", "mid.dle", "a_b", "0x"].enumerated() {
                _ = try ring.add(name: name, key: key(UInt8(i * 10)), password: nil)
            }
            #expect(FileManager.default.createFile(atPath: ring.directory + "/notes.txt", contents: Data("hi".utf8)))
            #expect(try ring.list().map(\.name) == ["0x", "Alpha", "a_b", "mid.dle", "zed"])
        }
    }

    @Test("directory is 0700 and key files are 0600")
    func permissions() throws {
        try withTemporaryHome { home in
            let ring = Keyring(home: home, backend: .test)
            _ = try ring.add(name: "alice", key: key(1), password: nil)
            _ = try ring.add(name: "bob", key: key(2), password: nil)
            #expect(try posixPermissions(ring.directory) == 0o700)
            #expect(try posixPermissions(ring.directory + "/alice.json") == 0o600)
            #expect(try posixPermissions(ring.directory + "/bob.json") == 0o600)
        }
    }

    @Test("the plain file holds the seed and says it is unencrypted")
    func plainFile() throws {
        try withTemporaryHome { home in
            let ring = Keyring(home: home, backend: .test)
            let alice = key(7)
            _ = try ring.add(name: "alice", key: alice, password: nil)
            let json = try readJSON(ring.directory + "/alice.json")
            #expect(json["private_key"] as? String == Hex.encode(alice.seed))
            #expect(json["public_key"] as? String == alice.publicKey.hex)
            #expect(json["address"] as? String == address(alice))
            #expect(json["name"] as? String == "alice")
            #expect((json["warning"] as? String)?.contains("UNENCRYPTED") == true)
        }
    }

    @Test("adding a duplicate name fails with key_exists and keeps the original")
    func duplicate() throws {
        try withTemporaryHome { home in
            let ring = Keyring(home: home, backend: .test)
            let alice = key(1)
            _ = try ring.add(name: "alice", key: alice, password: nil)
            expectClientError("key_exists") { _ = try ring.add(name: "alice", key: key(2), password: nil) }
            expectClientError("key_exists") { _ = try ring.add(name: "alice", key: alice, password: nil) }
            #expect(try ring.privateKey("alice", password: noPassword).seed == alice.seed)
            #expect(try ring.list().count == 1)
        }
    }

    @Test("an address edited to another key's address fails with keyring_corrupt")
    func editedAddress() throws {
        try withTemporaryHome { home in
            let ring = Keyring(home: home, backend: .test)
            let alice = key(1), bob = key(2)
            _ = try ring.add(name: "alice", key: alice, password: nil)
            _ = try ring.add(name: "bob", key: bob, password: nil)
            let path = ring.directory + "/alice.json"

            var json = try readJSON(path)
            json["address"] = address(bob)
            try writeJSON(json, to: path)
            expectClientError("keyring_corrupt") { _ = try ring.privateKey("alice", password: noPassword) }

            // Also editing the public key to match does not help: the seed decides.
            json["public_key"] = bob.publicKey.hex
            try writeJSON(json, to: path)
            expectClientError("keyring_corrupt") { _ = try ring.privateKey("alice", password: noPassword) }

            // Bob's untouched file still works.
            #expect(try ring.privateKey("bob", password: noPassword).seed == bob.seed)
        }
    }

    @Test("garbage and half-valid files fail with keyring_corrupt")
    func corruptFiles() throws {
        try withTemporaryHome { home in
            let ring = Keyring(home: home, backend: .test)
            _ = try ring.add(name: "alice", key: key(1), password: nil)
            let path = ring.directory + "/alice.json"

            var json = try readJSON(path)
            json["private_key"] = "not hex"
            try writeJSON(json, to: path)
            expectClientError("keyring_corrupt") { _ = try ring.privateKey("alice", password: noPassword) }

            json["private_key"] = "abcd"  // valid hex, wrong length
            try writeJSON(json, to: path)
            expectClientError("keyring_corrupt") { _ = try ring.privateKey("alice", password: noPassword) }

            try Data("{ not json".utf8).write(to: URL(fileURLWithPath: path))
            expectClientError("keyring_corrupt") { _ = try ring.privateKey("alice", password: noPassword) }
            expectClientError("keyring_corrupt") { _ = try ring.info("alice") }
            expectClientError("keyring_corrupt") { _ = try ring.list() }
        }
    }
}

// MARK: - Names

/// "" / traversal / hidden / too long / space / separators / non-ASCII.
let invalidNames: [String] = [
    "", "../x", ".hidden", String(repeating: "a", count: 65), "a b",
    "..", ".", "a/b", "/abs", "x\\y", "tab\t", "nul\u{0}", "é", "name!", "a:b",
]

@Suite("Keyring names")
struct KeyNameTests {
    @Test("invalid names fail with invalid_key_name", arguments: invalidNames, KeyringBackend.allCases)
    func invalid(_ name: String, _ backend: KeyringBackend) throws {
        try withTemporaryHome { home in
            let ring = Keyring(home: home, backend: backend)
            expectClientError("invalid_key_name", "add \(name.debugDescription)") {
                _ = try ring.add(name: name, key: key(1), password: password)
            }
            expectClientError("invalid_key_name", "info") { _ = try ring.info(name) }
            expectClientError("invalid_key_name", "privateKey") { _ = try ring.privateKey(name, password: { password }) }
            expectClientError("invalid_key_name", "delete") { try ring.delete(name) }
            expectClientError("invalid_key_name", "validate") { try Keyring.validate(name: name) }
            // Nothing was written anywhere under home (not even the keyring directory).
            let entries = try FileManager.default.contentsOfDirectory(atPath: home)
            #expect(entries.isEmpty, "\(entries)")
        }
    }

    @Test("boundary names are accepted")
    func valid() throws {
        let names = ["a", String(repeating: "a", count: 64), "A-Z_a-z.0-9", "key.", "-dash", "_under", "x..y"]
        for name in names {
            #expect(throws: Never.self, "\(name)") { try Keyring.validate(name: name) }
        }
        try withTemporaryHome { home in
            let ring = Keyring(home: home, backend: .test)
            let long = String(repeating: "k", count: 64)
            _ = try ring.add(name: long, key: key(3), password: nil)
            #expect(try ring.info(long).name == long)
        }
    }
}

// MARK: - File (encrypted) backend

/// Every argon2id call here uses the default 64 MiB limits, so operations are kept few.
@Suite("Keyring (file backend)")
struct FileKeyringTests {
    @Test("add, info, privateKey with right and wrong password, permissions, no plaintext on disk")
    func encrypted() throws {
        try withTemporaryHome { home in
            let ring = Keyring(home: home, backend: .file)
            #expect(ring.directory == home + "/keyring-file")
            let alice = key(42)

            // No password: refused before any file is written.
            expectClientError("password_required") { _ = try ring.add(name: "alice", key: alice, password: nil) }
            #expect(!ring.exists("alice"))

            let added = try ring.add(name: "alice", key: alice, password: password)  // argon2 #1
            #expect(added.address == address(alice))
            #expect(added.publicKey == alice.publicKey.hex)
            #expect(added.backend == "file")

            let info = try ring.info("alice")
            #expect(info.name == "alice")
            #expect(info.address == address(alice))
            #expect(try ring.list().map(\.name) == ["alice"])

            // Permissions.
            let path = ring.directory + "/alice.json"
            #expect(try posixPermissions(ring.directory) == 0o700)
            #expect(try posixPermissions(path) == 0o600)

            // The file on disk holds no private key, in any case and not even the seed's raw bytes.
            let data = try #require(FileManager.default.contents(atPath: path))
            let text = String(decoding: data, as: UTF8.self)
            let seedHex = Hex.encode(alice.seed)
            #expect(!text.lowercased().contains(seedHex))
            #expect(!text.contains(seedHex.uppercased()))
            #expect(data.range(of: Data(alice.seed)) == nil)
            #expect(!text.contains("private_key"))
            let json = try readJSON(path)
            #expect(json["kdf"] as? String == "argon2id13")
            #expect(json["cipher"] as? String == "xchacha20poly1305-ietf")
            #expect((json["ciphertext"] as? String)?.count == 2 * (32 + 16))
            #expect((json["opslimit"] as? NSNumber)?.uint64Value == SecretBox.defaultOpsLimit)
            #expect((json["memlimit"] as? NSNumber)?.uint64Value == SecretBox.defaultMemLimit)

            // Right password.
            var asked = 0
            let loaded = try ring.privateKey("alice", password: { asked += 1; return password })  // argon2 #2
            #expect(asked == 1)
            #expect(loaded.seed == alice.seed)
            #expect(loaded.publicKey == alice.publicKey)

            // Wrong password.
            expectClientError("wrong_password") {
                _ = try ring.privateKey("alice", password: { Array("hunter3 but longer".utf8) })  // argon2 #3
            }

            // Duplicate: refused before sealing.
            expectClientError("key_exists") { _ = try ring.add(name: "alice", key: key(1), password: password) }

            // A password-closure error propagates as-is.
            struct Cancelled: Error {}
            #expect(throws: Cancelled.self) { _ = try ring.privateKey("alice", password: { throw Cancelled() }) }

            // Delete needs no password.
            try ring.delete("alice")
            #expect(try ring.list().isEmpty)
            expectClientError("key_not_found") { _ = try ring.privateKey("alice", password: { password }) }
        }
    }

    @Test("an edited address does not yield a key")
    func editedAddress() throws {
        try withTemporaryHome { home in
            let ring = Keyring(home: home, backend: .file)
            let alice = key(1), bob = key(2)
            _ = try ring.add(name: "alice", key: alice, password: password)  // argon2 #1
            let path = ring.directory + "/alice.json"
            var json = try readJSON(path)
            json["address"] = address(bob)
            try writeJSON(json, to: path)

            // The address is authenticated data, so the key must never come back.
            do {
                let k = try ring.privateKey("alice", password: { password })  // argon2 #2
                Issue.record("a tampered file returned key \(k.publicKey.hex)")
            } catch let error as ClientError {
                // The address is checked against public_key before any password is asked for.
                #expect(error.code == "keyring_corrupt")
            }
        }
    }

    @Test("corrupt encrypted files fail with keyring_corrupt without deriving a key")
    func corruptFields() throws {
        try withTemporaryHome { home in
            let ring = Keyring(home: home, backend: .file)
            _ = try ring.add(name: "alice", key: key(1), password: password)  // argon2 #1
            let path = ring.directory + "/alice.json"
            let original = try readJSON(path)
            for (field, value) in [("salt", "zz"), ("nonce", "xyz"), ("ciphertext", "not hex"),
                                   ("kdf", "scrypt"), ("cipher", "aes-256-gcm")] {
                var json = original
                json[field] = value
                try writeJSON(json, to: path)
                expectClientError("keyring_corrupt", "\(field)") {
                    _ = try ring.privateKey("alice", password: { password })
                }
            }
            var json = original
            json.removeValue(forKey: "ciphertext")
            try writeJSON(json, to: path)
            expectClientError("keyring_corrupt", "missing ciphertext") { _ = try ring.info("alice") }
        }
    }

    @Test("a key file copied over another name does not open as that name")
    func swappedFile() throws {
        try withTemporaryHome { home in
            let ring = Keyring(home: home, backend: .file)
            let alice = key(1), bob = key(2)
            _ = try ring.add(name: "alice", key: alice, password: password)  // argon2 #1
            _ = try ring.add(name: "bob", key: bob, password: password)  // argon2 #2
            // Replace bob's file with alice's.
            let fm = FileManager.default
            try fm.removeItem(atPath: ring.directory + "/bob.json")
            try fm.copyItem(atPath: ring.directory + "/alice.json", toPath: ring.directory + "/bob.json")

            // SecretBox.swift says the associated data "binds the ciphertext to the key's name and
            // address so a file cannot be swapped for another"; asking for "bob" should not hand
            // back alice's key.
            #expect(throws: ClientError.self) { try ring.privateKey("bob", password: { password }) }
            do {
                _ = try ring.privateKey("bob", password: { password })
            } catch let error as ClientError {
                #expect(error.code == "keyring_corrupt")
            }
            #expect(throws: ClientError.self) { try ring.info("bob") }
        }
    }
}

@Suite struct KeyringVersionTests {
    @Test func anUnknownKeyFileVersionIsRefused() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("solvent-kr-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let ring = Keyring(home: home, backend: .test)
        _ = try ring.add(name: "k", key: PrivateKey(seed: [UInt8](repeating: 5, count: 32))!, password: nil)
        let path = ring.directory + "/k.json"
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 2")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try ring.privateKey("k") { [] }
            Issue.record("a version 2 key file was read")
        } catch let error as ClientError {
            #expect(error.code == "keyring_corrupt")
        }
    }
}
