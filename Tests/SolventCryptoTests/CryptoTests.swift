import Synchronization
import Testing
import SolventCrypto
import SolventTestSupport

// MARK: - Helpers

/// Decodes hex that is known to be valid; a bad literal is a bug in the test itself.
private func hex(_ text: String) -> [UInt8] {
    guard let bytes = Hex.decode(text) else { fatalError("bad hex literal in test: \(text)") }
    return bytes
}

private func flipped(_ bytes: [UInt8], at index: Int, mask: UInt8 = 0x01) -> [UInt8] {
    var copy = bytes
    copy[index] ^= mask
    return copy
}

// MARK: - Ed25519 (RFC 8032 section 7.1)

struct Ed25519Vector: Sendable, CustomTestStringConvertible {
    let name: String
    let seed: String
    let publicKey: String
    let message: String
    let signature: String
    var testDescription: String { name }
}

/// RFC 8032 section 7.1, TEST 1-3 (checked against the RFC text and an independent implementation).
let rfc8032Vectors: [Ed25519Vector] = [
    Ed25519Vector(
        name: "TEST 1",
        seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        message: "",
        signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    Ed25519Vector(
        name: "TEST 2",
        seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        message: "72",
        signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
            + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    Ed25519Vector(
        name: "TEST 3",
        seed: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        message: "af82",
        signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
            + "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
]

@Suite("Ed25519")
struct Ed25519Tests {
    @Test("public key and signature match RFC 8032", arguments: rfc8032Vectors)
    func rfcVector(_ v: Ed25519Vector) throws {
        let key = try #require(PrivateKey(seed: hex(v.seed)))
        #expect(key.seed == hex(v.seed))
        #expect(key.publicKey.bytes == hex(v.publicKey))
        #expect(key.publicKey.hex == v.publicKey)
        let signature = key.sign(hex(v.message))
        #expect(signature.count == 64)
        #expect(signature == hex(v.signature))
    }

    @Test("verify accepts the RFC 8032 signatures", arguments: rfc8032Vectors)
    func verifyAccepts(_ v: Ed25519Vector) throws {
        let pk = try #require(Bytes32(hex(v.publicKey)))
        #expect(Ed25519.verify(signature: hex(v.signature), message: hex(v.message), publicKey: pk))
        // The slice overload, with slices that do not start at index 0.
        let padded = [0xAA] + hex(v.signature) + [0xBB]
        let paddedMessage = [0xCC, 0xDD] + hex(v.message)
        #expect(Ed25519.verify(signature: padded[1..<65], message: paddedMessage[2...], publicKey: pk))
    }

    @Test("verify rejects a flipped bit in the message", arguments: rfc8032Vectors)
    func flippedMessage(_ v: Ed25519Vector) throws {
        let pk = try #require(Bytes32(hex(v.publicKey)))
        let sig = hex(v.signature)
        let msg = hex(v.message)
        if msg.isEmpty {
            // TEST 1 signs the empty message: any 1-byte message must fail.
            #expect(!Ed25519.verify(signature: sig, message: [0x00], publicKey: pk))
            #expect(!Ed25519.verify(signature: sig, message: [0x01], publicKey: pk))
        } else {
            for i in msg.indices {
                for bit in 0..<8 {
                    let bad = flipped(msg, at: i, mask: 1 << bit)
                    #expect(!Ed25519.verify(signature: sig, message: bad, publicKey: pk), "byte \(i) bit \(bit)")
                    #expect(!Ed25519.verify(signature: sig[...], message: bad[...], publicKey: pk))
                }
            }
            // Appending a byte also breaks it.
            #expect(!Ed25519.verify(signature: sig, message: msg + [0], publicKey: pk))
        }
    }

    @Test("verify rejects a flipped bit in the signature", arguments: rfc8032Vectors)
    func flippedSignature(_ v: Ed25519Vector) throws {
        let pk = try #require(Bytes32(hex(v.publicKey)))
        let sig = hex(v.signature)
        let msg = hex(v.message)
        for i in [0, 1, 17, 31, 32, 33, 47, 62, 63] {
            for bit in [0, 3, 7] {
                let bad = flipped(sig, at: i, mask: 1 << bit)
                #expect(!Ed25519.verify(signature: bad, message: msg, publicKey: pk), "byte \(i) bit \(bit)")
                #expect(!Ed25519.verify(signature: bad[...], message: msg[...], publicKey: pk))
            }
        }
    }

    @Test("verify rejects a flipped bit in the public key", arguments: rfc8032Vectors)
    func flippedPublicKey(_ v: Ed25519Vector) throws {
        let sig = hex(v.signature)
        let msg = hex(v.message)
        let pkBytes = hex(v.publicKey)
        for i in [0, 5, 16, 30, 31] {
            for bit in [0, 6] {
                let bad = try #require(Bytes32(flipped(pkBytes, at: i, mask: 1 << bit)))
                #expect(!Ed25519.verify(signature: sig, message: msg, publicKey: bad), "byte \(i) bit \(bit)")
                #expect(!Ed25519.verify(signature: sig[...], message: msg[...], publicKey: bad))
            }
        }
    }

    @Test("verify rejects a signature of the wrong length")
    func wrongLength() throws {
        let v = rfc8032Vectors[2]
        let pk = try #require(Bytes32(hex(v.publicKey)))
        let sig = hex(v.signature)
        let msg = hex(v.message)
        for bad in [[], Array(sig.prefix(63)), sig + [0], sig + sig, Array(sig.prefix(32))] {
            #expect(!Ed25519.verify(signature: bad, message: msg, publicKey: pk), "length \(bad.count)")
            #expect(!Ed25519.verify(signature: bad[...], message: msg[...], publicKey: pk), "length \(bad.count)")
        }
    }

    @Test("verify rejects a signature checked against another key")
    func wrongKey() throws {
        let a = try #require(PrivateKey(seed: hex(rfc8032Vectors[0].seed)))
        let b = try #require(PrivateKey(seed: hex(rfc8032Vectors[1].seed)))
        let msg: [UInt8] = Array("solvent".utf8)
        let sig = a.sign(msg)
        #expect(Ed25519.verify(signature: sig, message: msg, publicKey: a.publicKey))
        #expect(!Ed25519.verify(signature: sig, message: msg, publicKey: b.publicKey))
    }

    @Test("PrivateKey(seed:) requires exactly 32 bytes")
    func seedLength() {
        #expect(PrivateKey(seed: []) == nil)
        #expect(PrivateKey(seed: [UInt8](repeating: 1, count: 31)) == nil)
        #expect(PrivateKey(seed: [UInt8](repeating: 1, count: 33)) == nil)
        #expect(PrivateKey(seed: [UInt8](repeating: 1, count: 64)) == nil)
        #expect(PrivateKey(seed: [UInt8](repeating: 1, count: 32)) != nil)
    }

    @Test("generated keys are distinct and sign/verify round trip")
    func generated() {
        let a = PrivateKey.generate()
        let b = PrivateKey.generate()
        #expect(a.seed.count == 32)
        #expect(a.seed != b.seed)
        #expect(a.publicKey != b.publicKey)
        let msg = [UInt8](repeating: 0x5A, count: 1000)
        let sig = a.sign(msg)
        #expect(Ed25519.verify(signature: sig, message: msg, publicKey: a.publicKey))
        // Ed25519 signing is deterministic.
        #expect(a.sign(msg) == sig)
        // Re-deriving from the seed gives the same key.
        #expect(PrivateKey(seed: a.seed)?.publicKey == a.publicKey)
    }
}

// MARK: - SHA-256 and ChaCha20

@Suite("Hashes and streams")
struct HashTests {
    @Test("SHA-256 FIPS 180-2 vectors")
    func sha256() {
        #expect(SHA256.hash([UInt8]()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hash(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // Same answer from a non-array collection.
        #expect(SHA256.hash("abc".utf8).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash(Array("abd".utf8)) != SHA256.hash(Array("abc".utf8)))
    }

    @Test("SHA-256 FIPS 180-2 two-block vector")
    func sha256TwoBlock() {
        let msg = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hash(msg).hex == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// Expected bytes computed independently with Python `cryptography`:
    /// `Cipher(algorithms.ChaCha20(bytes(range(32)), (0).to_bytes(4, "little") + bytes(12)), None)`
    /// encrypting 64 zero bytes.
    static let chachaKey0to31Keystream64 =
        "39fd2b7dd9c5196a8dbd0377b8dc4a498a35d86fbcde6accb2cc7d4cd8ea2492"
        + "2b23cce7a26023ab3f0eef693ac87f64258235eab1f7a32dc22762a0485b410c"

    @Test("ChaCha20 keystream, zero nonce, counter 0")
    func chacha20() throws {
        let key = try #require(Bytes32(Array(UInt8(0)..<UInt8(32))))
        let stream = ChaCha20.keystream(key: key, count: 64)
        #expect(Hex.encode(stream) == Self.chachaKey0to31Keystream64)
    }

    @Test("ChaCha20 keystream prefixes agree and lengths are honoured")
    func chacha20Prefix() throws {
        let key = try #require(Bytes32(Array(UInt8(0)..<UInt8(32))))
        let long = ChaCha20.keystream(key: key, count: 2048)
        #expect(long.count == 2048)
        #expect(Array(long.prefix(64)) == hex(Self.chachaKey0to31Keystream64))
        let short = ChaCha20.keystream(key: key, count: 13)
        #expect(short == Array(long.prefix(13)))
        #expect(ChaCha20.keystream(key: key, count: 0).isEmpty)
        // Second block differs from the first (counter advances).
        #expect(Array(long[64..<128]) != Array(long[0..<64]))
        // A different key gives a different stream.
        #expect(ChaCha20.keystream(key: .zero, count: 64) != Array(long.prefix(64)))
    }
}

// MARK: - Hex

@Suite("Hex")
struct HexTests {
    @Test("round trip of every byte value")
    func roundTrip() {
        let all = (0...255).map { UInt8($0) }
        let text = Hex.encode(all)
        #expect(text.count == 512)
        #expect(text.hasPrefix("000102030405060708090a0b0c0d0e0f10"))
        #expect(text.hasSuffix("fdfeff"))
        #expect(text == text.lowercased())
        #expect(Hex.decode(text) == all)
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.decode("") == [])
    }

    @Test("random round trips")
    func randomRoundTrips() {
        var rng = SplitMix64(seed: 0x1234)
        for length in 0..<64 {
            let bytes = rng.bytes(length)
            #expect(Hex.decode(Hex.encode(bytes)) == bytes)
        }
    }

    @Test("uppercase and mixed case are accepted")
    func uppercase() {
        #expect(Hex.decode("DEADBEEF") == [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(Hex.decode("DeAdBeEf") == [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(Hex.decode("ABCDEF0123456789") == [0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67, 0x89])
    }

    @Test("0x prefix is accepted")
    func prefix() {
        #expect(Hex.decode("0xdeadbeef") == [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(Hex.decode("0XDEADBEEF") == [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(Hex.decode("0x00") == [0x00])
        #expect(Hex.decode("0x") == [])
        // "00" alone is a byte, not a prefix.
        #expect(Hex.decode("00") == [0x00])
    }

    @Test("odd length and non-hex characters are rejected",
          arguments: ["0", "abc", "0x0", "0xabc", "zz", "0g", "g0", "12 34", " 1234", "1234 ", "0x0x12",
                      "xx", "-1", "+1", "１２", "de\u{0}d", "ab\ncd", "0o17", "0xg0"])
    func rejects(_ text: String) {
        #expect(Hex.decode(text) == nil)
    }

    @Test("Substring input")
    func substring() {
        let s = "xxdeadbeefxx"
        #expect(Hex.decode(s.dropFirst(2).dropLast(2)) == [0xDE, 0xAD, 0xBE, 0xEF])
    }
}

// MARK: - Bytes32

@Suite("Bytes32")
struct Bytes32Tests {
    @Test("init from 32 bytes round trips")
    func roundTrip() throws {
        let bytes = (0..<32).map { UInt8($0 * 7 + 3) }
        let value = try #require(Bytes32(bytes))
        #expect(value.bytes == bytes)
        #expect(value.hex == Hex.encode(bytes))
        #expect(value.description == Hex.encode(bytes))
        var out: [UInt8] = [0xFF]
        value.appendBytes(to: &out)
        #expect(out == [0xFF] + bytes)
        // Big-endian word layout: the first byte is the top byte of w0.
        #expect(value.w0 >> 56 == UInt64(bytes[0]))
        #expect(value.w3 & 0xFF == UInt64(bytes[31]))
    }

    @Test("init from slices and non-contiguous collections")
    func otherCollections() throws {
        var rng = SplitMix64(seed: 99)
        let bytes = rng.bytes(32)
        let expected = try #require(Bytes32(bytes))
        let padded = [1, 2, 3] + bytes + [4, 5]
        #expect(Bytes32(padded[3..<35]) == expected)
        // A Range has no contiguous storage: exercises the fallback path.
        let range = try #require(Bytes32(UInt8(0)..<UInt8(32)))
        #expect(range.bytes == Array(UInt8(0)..<UInt8(32)))
        #expect(Bytes32(bytes.lazy.map { $0 }) == expected)
        // Non-contiguous path with random data must agree with the contiguous path.
        for _ in 0..<50 {
            let b = rng.bytes(32)
            #expect(Bytes32(b.lazy.map { $0 }) == Bytes32(b))
        }
    }

    @Test("nil for any length other than 32", arguments: [0, 1, 16, 31, 33, 64])
    func wrongLength(_ n: Int) {
        #expect(Bytes32([UInt8](repeating: 0xAB, count: n)) == nil)
        #expect(Bytes32((0..<n).lazy.map { UInt8(truncatingIfNeeded: $0) }) == nil)
    }

    @Test("zero is 32 zero bytes")
    func zero() {
        #expect(Bytes32.zero.bytes == [UInt8](repeating: 0, count: 32))
        #expect(Bytes32([UInt8](repeating: 0, count: 32)) == .zero)
    }

    @Test("< agrees with lexicographic byte order")
    func ordering() throws {
        var rng = SplitMix64(seed: 0xC0FFEE)
        var checked = 0
        for round in 0..<400 {
            var a = rng.bytes(32)
            var b = rng.bytes(32)
            // Make most pairs share a prefix of varying length so that later words decide.
            if round % 4 != 0 {
                let shared = Int(rng.next() % 33)
                for i in 0..<shared { b[i] = a[i] }
            }
            if round % 50 == 0 { a = b }  // some equal pairs
            let x = try #require(Bytes32(a))
            let y = try #require(Bytes32(b))
            #expect((x < y) == a.lexicographicallyPrecedes(b), "\(Hex.encode(a)) vs \(Hex.encode(b))")
            #expect((y < x) == b.lexicographicallyPrecedes(a))
            #expect((x == y) == (a == b))
            checked += 1
        }
        #expect(checked == 400)

        // Sorting values and sorting bytes give the same order.
        let values = (0..<300).map { _ in rng.bytes(32) }
        let sortedBytes = values.sorted { $0.lexicographicallyPrecedes($1) }
        let sortedValues = try values.map { try #require(Bytes32($0)) }.sorted().map(\.bytes)
        #expect(sortedValues == sortedBytes)
    }

    @Test("ordering edge cases at word boundaries")
    func wordBoundaries() throws {
        for position in [0, 7, 8, 15, 16, 23, 24, 31] {
            var lo = [UInt8](repeating: 0xFF, count: 32)
            var hi = lo
            lo[position] = 0x7F
            hi[position] = 0x80
            // Later bytes of lo are larger, but the earlier difference decides.
            if position < 31 { hi[31] = 0x00 }
            let x = try #require(Bytes32(lo))
            let y = try #require(Bytes32(hi))
            #expect(x < y, "position \(position)")
            #expect(!(y < x), "position \(position)")
        }
    }
}

// MARK: - SecretBox

@Suite("SecretBox")
struct SecretBoxTests {
    static let ops: UInt64 = 1
    static let mem: UInt64 = 8192

    let secret: [UInt8] = (0..<32).map { UInt8($0 ^ 0x5C) }
    let password = Array("correct horse battery staple".utf8)
    let ad = Array("solvent-keyring-v1:alice:sv1xyz".utf8)

    func seal(_ secret: [UInt8], password: [UInt8], ad: [UInt8]) throws -> SealedSecret {
        try SecretBox.seal(secret, password: password, associatedData: ad, opsLimit: Self.ops, memLimit: Self.mem)
    }

    @Test("seal/open round trip")
    func roundTrip() throws {
        let sealed = try seal(secret, password: password, ad: ad)
        #expect(sealed.opsLimit == Self.ops)
        #expect(sealed.memLimit == Self.mem)
        #expect(sealed.salt.count == 16)
        #expect(sealed.nonce.count == 24)
        #expect(sealed.ciphertext.count == secret.count + 16)
        // The ciphertext does not contain the plaintext.
        #expect(Array(sealed.ciphertext.prefix(secret.count)) != secret)
        let opened = try SecretBox.open(sealed, password: password, associatedData: ad)
        #expect(opened == secret)
    }

    @Test("two seals of the same secret use fresh salt and nonce")
    func freshRandomness() throws {
        let a = try seal(secret, password: password, ad: ad)
        let b = try seal(secret, password: password, ad: ad)
        #expect(a.salt != b.salt)
        #expect(a.nonce != b.nonce)
        #expect(a.ciphertext != b.ciphertext)
        #expect(try SecretBox.open(b, password: password, associatedData: ad) == secret)
    }

    @Test("wrong password throws wrongPasswordOrCorrupt")
    func wrongPassword() throws {
        let sealed = try seal(secret, password: password, ad: ad)
        #expect(throws: SecretBoxError.wrongPasswordOrCorrupt) {
            try SecretBox.open(sealed, password: Array("correct horse battery stapler".utf8), associatedData: ad)
        }
        #expect(throws: SecretBoxError.wrongPasswordOrCorrupt) {
            try SecretBox.open(sealed, password: [], associatedData: ad)
        }
        #expect(throws: SecretBoxError.wrongPasswordOrCorrupt) {
            try SecretBox.open(sealed, password: flipped(password, at: 0), associatedData: ad)
        }
    }

    @Test("wrong associated data throws")
    func wrongAssociatedData() throws {
        let sealed = try seal(secret, password: password, ad: ad)
        #expect(throws: SecretBoxError.wrongPasswordOrCorrupt) {
            try SecretBox.open(sealed, password: password, associatedData: Array("solvent-keyring-v1:bob:sv1xyz".utf8))
        }
        #expect(throws: SecretBoxError.wrongPasswordOrCorrupt) {
            try SecretBox.open(sealed, password: password, associatedData: [])
        }
        #expect(throws: SecretBoxError.wrongPasswordOrCorrupt) {
            try SecretBox.open(sealed, password: password, associatedData: ad + [0])
        }
    }

    @Test("tampering with ciphertext, tag, nonce or salt throws")
    func tampering() throws {
        let sealed = try seal(secret, password: password, ad: ad)
        for i in [0, 15, 31, 32, 47] {  // plaintext part and the 16-byte tag
            var bad = sealed
            bad.ciphertext[i] ^= 0x01
            #expect(throws: SecretBoxError.wrongPasswordOrCorrupt) {
                try SecretBox.open(bad, password: password, associatedData: ad)
            }
        }
        var truncated = sealed
        truncated.ciphertext.removeLast()
        #expect(throws: SecretBoxError.wrongPasswordOrCorrupt) {
            try SecretBox.open(truncated, password: password, associatedData: ad)
        }
        var badNonce = sealed
        badNonce.nonce[3] ^= 0x80
        #expect(throws: SecretBoxError.wrongPasswordOrCorrupt) {
            try SecretBox.open(badNonce, password: password, associatedData: ad)
        }
        var badSalt = sealed
        badSalt.salt[0] ^= 0x01
        #expect(throws: SecretBoxError.wrongPasswordOrCorrupt) {
            try SecretBox.open(badSalt, password: password, associatedData: ad)
        }
        // The argon2 parameters are part of the derivation: changing them changes the key.
        var badOps = sealed
        badOps.opsLimit = 2
        #expect(throws: SecretBoxError.wrongPasswordOrCorrupt) {
            try SecretBox.open(badOps, password: password, associatedData: ad)
        }
    }

    @Test("malformed parameters throw badParameters")
    func badParameters() throws {
        let sealed = try seal(secret, password: password, ad: ad)
        var shortSalt = sealed
        shortSalt.salt.removeLast()
        var shortNonce = sealed
        shortNonce.nonce.removeLast()
        var shortCiphertext = sealed
        shortCiphertext.ciphertext = Array(sealed.ciphertext.prefix(15))
        var zeroOps = sealed
        zeroOps.opsLimit = 0
        var tinyMem = sealed
        tinyMem.memLimit = 1024
        for bad in [shortSalt, shortNonce, shortCiphertext, zeroOps, tinyMem] {
            #expect {
                try SecretBox.open(bad, password: password, associatedData: ad)
            } throws: { error in
                guard case SecretBoxError.badParameters = error else { return false }
                return true
            }
        }
        #expect {
            try SecretBox.seal(secret, password: password, associatedData: ad, opsLimit: 0, memLimit: Self.mem)
        } throws: { error in
            guard case SecretBoxError.badParameters = error else { return false }
            return true
        }
    }

    @Test("empty password and empty secret work")
    func emptyPassword() throws {
        let sealed = try seal(secret, password: [], ad: ad)
        #expect(try SecretBox.open(sealed, password: [], associatedData: ad) == secret)
        #expect(throws: SecretBoxError.wrongPasswordOrCorrupt) {
            try SecretBox.open(sealed, password: [0], associatedData: ad)
        }
        let empty = try seal([], password: [], ad: [])
        #expect(empty.ciphertext.count == 16)
        #expect(try SecretBox.open(empty, password: [], associatedData: []) == [])
    }

    @Test("password bytes are hashed exactly (no truncation at NUL)")
    func passwordWithNul() throws {
        let pw: [UInt8] = [0x61, 0x00, 0x62]
        let sealed = try seal(secret, password: pw, ad: ad)
        #expect(try SecretBox.open(sealed, password: pw, associatedData: ad) == secret)
        #expect(throws: SecretBoxError.wrongPasswordOrCorrupt) {
            try SecretBox.open(sealed, password: [0x61], associatedData: ad)
        }
    }

    @Test("default argon2id limits")
    func defaults() throws {
        let sealed = try SecretBox.seal(secret, password: password, associatedData: ad)
        #expect(sealed.opsLimit == SecretBox.defaultOpsLimit)
        #expect(sealed.memLimit == SecretBox.defaultMemLimit)
        #expect(SecretBox.defaultOpsLimit == 2)
        #expect(SecretBox.defaultMemLimit == 64 << 20)
        #expect(try SecretBox.open(sealed, password: password, associatedData: ad) == secret)
    }
}

// MARK: - Parallel

@Suite("Parallel")
struct ParallelTests {
    @Test("200 signatures, every 7th corrupted: exactly those are false, in index order")
    func signatures() throws {
        var rng = SplitMix64(seed: 7)
        let keys = try (0..<5).map { _ in try #require(PrivateKey(seed: rng.bytes(32))) }
        let count = 200
        var messages: [[UInt8]] = []
        var signatures: [[UInt8]] = []
        var publicKeys: [Bytes32] = []
        for i in 0..<count {
            let key = keys[i % keys.count]
            let msg = rng.bytes(16 + i % 40) + [UInt8(truncatingIfNeeded: i)]
            var sig = key.sign(msg)
            if i % 7 == 0 { sig[i % 64] ^= 0x04 }
            messages.append(msg)
            signatures.append(sig)
            publicKeys.append(key.publicKey)
        }
        let ms = messages, ss = signatures, pks = publicKeys
        let results = Parallel.map(count: count) { i in
            Ed25519.verify(signature: ss[i], message: ms[i], publicKey: pks[i])
        }
        #expect(results.count == count)
        let bad = results.indices.filter { !results[$0] }
        #expect(bad == Array(stride(from: 0, to: count, by: 7)))
        for i in 0..<count {
            #expect(results[i] == (i % 7 != 0), "index \(i)")
        }
        // Same answer with one chunk per element and with a single chunk.
        let fine = Parallel.map(count: count, minimumPerChunk: 1) { i in
            Ed25519.verify(signature: ss[i], message: ms[i], publicKey: pks[i])
        }
        #expect(fine == results)
        let serial = Parallel.map(count: count, minimumPerChunk: 1000) { i in
            Ed25519.verify(signature: ss[i], message: ms[i], publicKey: pks[i])
        }
        #expect(serial == results)
    }

    @Test("results follow index order for many sizes", arguments: [0, 1, 2, 15, 16, 17, 31, 32, 33, 100, 1000, 4099])
    func indexOrder(_ count: Int) {
        let pattern: @Sendable (Int) -> Bool = { i in (i &* 2_654_435_761) % 5 < 2 }
        let expected = (0..<count).map(pattern)
        #expect(Parallel.map(count: count, pattern) == expected)
        #expect(Parallel.map(count: count, minimumPerChunk: 1, pattern) == expected)
    }

    @Test("every index is checked exactly once")
    func exactlyOnce() {
        let count = 5000
        let counter = Counter(count: count)
        let results = Parallel.map(count: count, minimumPerChunk: 1) { i in
            counter.hit(i)
            return true
        }
        #expect(results == [Bool](repeating: true, count: count))
        #expect(counter.snapshot() == [Int](repeating: 1, count: count))
    }

    @Test("core count is positive")
    func cores() {
        #expect(Parallel.coreCount >= 1)
    }
}

/// Thread-safe per-index hit counter for the exactly-once test.
private final class Counter: Sendable {
    private let hits: Mutex<[Int]>
    init(count: Int) { hits = Mutex([Int](repeating: 0, count: count)) }
    func hit(_ i: Int) { hits.withLock { $0[i] += 1 } }
    func snapshot() -> [Int] { hits.withLock { $0 } }
}
