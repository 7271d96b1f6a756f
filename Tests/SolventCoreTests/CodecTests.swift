import PropertyBased
import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// The decoder refuses every malformed input with its own stable code (transactions.md, "Decoding").
@Suite struct CodecTests {
    let valid = Fixtures.tx(Fixtures.alice, nonce: 3, .send(to: Address(Fixtures.bob.publicKey), asset: 0, amount: 42))

    func code(_ bytes: [UInt8]) -> ProtocolError.Code? {
        do {
            _ = try TxCodec.decode(bytes)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func validDecodes() throws {
        let decoded = try TxCodec.decode(valid.bytes)
        #expect(decoded == valid)
    }

    @Test func unknownVersion() {
        var b = valid.bytes
        b[0] = 2
        #expect(code(b) == .unknownVersion)
        b[0] = 0
        #expect(code(b) == .unknownVersion)
    }

    @Test func trailingBytes() {
        #expect(code(valid.bytes + [0]) == .trailingBytes)
    }

    @Test func everyTruncationIsRefused() {
        for n in 0..<valid.bytes.count {
            #expect(code(Array(valid.bytes.prefix(n))) == .truncated, "prefix of \(n) bytes")
        }
    }

    @Test func oversized() {
        #expect(code(valid.bytes + [UInt8](repeating: 0, count: TxCodec.maxTransactionBytes)) == .oversized)
        #expect(code([UInt8](repeating: 1, count: TxCodec.maxTransactionBytes + 1)) == .oversized)
    }

    @Test func overlongChainId() {
        // A chain id length of 33 is over the 32-byte limit, refused before anything is read past it.
        var b: [UInt8] = [1, 33]
        b += [UInt8](repeating: UInt8(ascii: "a"), count: 33)
        b += [UInt8](repeating: 0, count: 200)
        #expect(code(b) == .fieldTooLong)
        var empty: [UInt8] = [1, 0]
        empty += [UInt8](repeating: 0, count: 200)
        #expect(code(empty) == .fieldTooLong)
    }

    @Test func chainIdCharacters() {
        var w = ByteWriter()
        w.u8(1)
        w.shortString("Solvent")
        w.raw([UInt8](repeating: 0, count: 200))
        #expect(code(w.bytes) == .invalidField)
    }

    @Test func unknownKind() {
        // The kind sits after version, chain id, sender and nonce.
        var b = valid.bytes
        let kindOffset = 1 + 1 + DevnetKeys.devnetChainId.utf8.count + 32 + 8
        b[kindOffset] = 99
        b[kindOffset + 1] = 0
        #expect(code(b) == .unknownKind)
    }

    /// A transaction action from one random 64-bit seed and a random amount.
    static func action(seed: UInt64, amount: UInt128) -> TxAction {
        let vault = UInt32(truncatingIfNeeded: seed >> 8)
        let asset = UInt32(truncatingIfNeeded: seed >> 40)
        switch seed % 3 {
        case 0:
            let key = (0..<32).map { UInt8(truncatingIfNeeded: seed &* UInt64($0 + 1) >> 13) }
            return .send(to: Address(Bytes32(key)!), asset: asset, amount: amount)
        case 1: return .deposit(vault: vault, asset: asset, amount: amount)
        default: return .withdraw(vault: vault, asset: asset, amount: amount)
        }
    }

    static let chains = ["a", "solvent-devnet-1", "x.y_z-9", String(repeating: "c", count: 32)]

    @Test func encodeDecodeRoundTrip() async {
        await propertyCheck(count: 200, input: Gen.uint64(), Gen.uint128(), Gen.uint64()) { seed, amount, nonce in
            let tx = Transaction(chainId: Self.chains[Int(seed % 4)], sender: Address(Fixtures.alice.publicKey), nonce: nonce,
                                 action: Self.action(seed: seed, amount: amount)).signed(with: Fixtures.alice)
            let decoded = try TxCodec.decode(tx.bytes)
            #expect(decoded.transaction == tx.transaction)
            #expect(decoded.hash == tx.hash)
            #expect(decoded.verifySignature())
        }
    }

    /// Hostile bytes never trap the decoder; whatever decodes re-encodes to the same bytes
    /// (the encoding is canonical).
    @Test func arbitraryBytesNeverTrap() async {
        await propertyCheck(count: 500, input: Gen.uint8().array(of: 0...300)) { bytes in
            if let tx = try? TxCodec.decode(bytes) {
                #expect(tx.transaction.body() + Array(tx.signature) == bytes)
            }
        }
    }

    /// Changing any single byte of a signed transaction makes it undecodable or unverifiable.
    @Test func everySingleByteChangeIsCaught() {
        for i in 0..<valid.bytes.count {
            var b = valid.bytes
            b[i] ^= 0x01
            if let tx = try? TxCodec.decode(b) {
                #expect(!tx.verifySignature(), "flipping byte \(i) still verifies")
            }
        }
    }
}
