import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// The record encodings of state.md, byte for byte, using its example.
@Suite struct StateRecordTests {
    @Test func devnetAccountAndVaultRecordsMatchTheSpecExample() throws {
        let state = try Fixtures.genesisState()
        let dev0 = Address(DevnetKeys.account(0).publicKey)
        #expect(dev0.key.hex == "6cfe016f6fa4d62e45c02a2d746b994abcebe7c3a1ceba6409bc6cf61e2cd2fc")
        let stored = try #require(state.get(.accounts, dev0.key.bytes))
        #expect(Hex.encode(stored) == "01" + "0000000000000000" + "00000000" + "0400"
            + "00000000" + "0010a5d4e80000000000000000000000"
            + "01000000" + "00ca9a3b000000000000000000000000"
            + "02000000" + "000010632d5ec76b0500000000000000"
            + "03000000" + "00e87648170000000000000000000000")

        state.commitBlock([Fixtures.tx(DevnetKeys.account(0), nonce: 0, .deposit(vault: 0, asset: 0, amount: 100_000_000))])
        let vaultKey = VaultID(owner: dev0, number: 0).key
        #expect(Hex.encode(vaultKey) == dev0.key.hex + "00000000")
        let vault = try #require(state.get(.vaults, vaultKey))
        // version, mode 0 (cross), quote i128 = 100 USDC, no other collateral.
        #expect(Hex.encode(vault) == "01" + "00" + "00e1f505000000000000000000000000" + "0000")
        let account = try #require(state.account(dev0))
        #expect(account.vaultCount == 1 && account.wallet[0] == 999_900_000_000)
    }

    @Test func balancesEncodeSortedWithoutZeros() throws {
        var b = Balances()
        b[7] = 5
        b[2] = 9
        b[4] = 0
        b[9] = 1
        b[9] = 0
        #expect(b.entries.map(\.asset) == [2, 7])
        let account = Account(nonce: 1, vaultCount: 2, wallet: b)
        #expect(try Account.decode(account.encoded()) == account)
    }
}
