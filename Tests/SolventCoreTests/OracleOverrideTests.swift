import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// `oracle_override` (devnet.md, "Oracle override"): the admin of a devnet chain sets a price
/// directly; anyone else, or any chain whose genesis has no devnet section, is refused.
@Suite struct OracleOverrideTests {
    func override(_ key: PrivateKey, _ price: String, genesis: Genesis = DevnetKeys.devnetGenesis()) throws -> (Receipt, MemoryState) {
        let state = try Fixtures.genesisState(genesis)
        let tx = Transaction(chainId: genesis.chainId, sender: Address(key.publicKey), nonce: 0,
                             action: .oracleOverride(market: 1, price: OraclePrice.parse(price)!)).signed(with: key)
        return (state.commitBlock([tx]).receipts[0], state)
    }

    @Test func theDevnetAdminSetsAFreshPriceMarkedAsAnOverride() throws {
        let (receipt, state) = try override(DevnetKeys.admin(), "42000")
        #expect(receipt.succeeded)
        #expect(receipt.events.first?["source"] == "devnet_override")
        // Typed as a signed update's: no reports is the integer 0, not the text "0".
        #expect(receipt.events.first?.value("reports") == .integer(0) && receipt.events.first?.value("price") == .price(4_200_000_000_000))
        let m = try #require(state.oracleMarket(1))
        #expect(m.price == OraclePrice.parse("42000")! && m.updatedAtMs == state.timeMs && m.reports.isEmpty)
        #expect(try OracleGuard.priceForRiskIncrease(market: 1, state: state, at: state.timeMs) == m.price)
    }

    @Test func anyoneElseOrAnotherChainIsRefused() throws {
        #expect(try override(DevnetKeys.account(0), "42000").0.code == .unauthorized)
        var production = DevnetKeys.devnetGenesis()
        production.devnet = nil
        let (receipt, state) = try override(DevnetKeys.admin(), "42000", genesis: production)
        #expect(receipt.code == .devnetOnly)
        #expect(state.oracleMarket(1)!.price == OraclePrice.parse("60000")!)
    }
}
