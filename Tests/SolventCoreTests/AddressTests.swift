import PropertyBased
import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

@Suite struct AddressTests {
    /// A valid bech32m string from BIP-350's test vectors: its data part is the 5-bit values
    /// 31, 30, ..., 0, which pack into 20 bytes.
    @Test func bip350Vector() throws {
        let values = (0..<32).map { UInt8(31 - $0) }
        var bits = 0, acc = 0
        var bytes = [UInt8]()
        for v in values {
            acc = acc << 5 | Int(v)
            bits += 5
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8((acc >> bits) & 0xff))
            }
        }
        let text = "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx"
        #expect(Bech32m.decode(text, expectedHRP: "abcdef") == bytes)
        #expect(Bech32m.encode(hrp: "abcdef", data: bytes) == text)
        // The same data under the bech32 (not m) checksum is refused.
        #expect(Bech32m.decode("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", expectedHRP: "abcdef") == nil)
    }

    @Test func devAddressMatchesPythonClient() {
        // contracts-spec/vectors/transactions.json, computed by the Python client from the spec.
        #expect(Address(DevnetKeys.account(0).publicKey).text == "sv1dnlqzmm05ntzu3wq9gkhg6uef27whe7r588t5eqfh3k0v83v6t7qfn3yz3")
    }

    @Test func roundTripAndHex() async {
        await propertyCheck(count: 200, input: Gen.uint8().array(of: 32)) { bytes in
            let address = Address(Bytes32(bytes)!)
            #expect(Address(text: address.text) == address)
            #expect(Address(text: Hex.encode(bytes)) == address)
            #expect(Address(text: address.text.uppercased()) == address)
        }
    }

    @Test func checksumCatchesEveryOneCharacterTypo() {
        let text = Address(DevnetKeys.account(3).publicKey).text
        let chars = Array(text)
        for i in 3..<chars.count {
            for replacement in "qpzry9x8gf2tvdw0s3jn54khce6mua7l" where replacement != chars[i] {
                var typo = chars
                typo[i] = replacement
                #expect(Address(text: String(typo)) == nil)
            }
        }
    }

    @Test func refusesOtherForms() {
        #expect(Address(text: "") == nil)
        #expect(Address(text: "cosmos1dnlqzmm05ntzu3wq9gkhg6uef27whe7r588t5eqfh3k0v83v6t7qfn3yz3") == nil)
        #expect(Address(text: "sv1Dnlqzmm05ntzu3wq9gkhg6uef27whe7r588t5eqfh3k0v83v6t7qfn3yz3") == nil)
        #expect(Address(text: String(repeating: "z", count: 64)) == nil)
    }
}
