import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

@Suite struct TransferTests {
    let alice = Address(Fixtures.alice.publicKey)
    let bob = Address(Fixtures.bob.publicKey)

    @Test func depositMovesWalletIntoNewVault() throws {
        let state = try Fixtures.genesisState()
        let result = state.commitBlock([Fixtures.tx(Fixtures.alice, nonce: 0, .deposit(vault: 0, asset: Fixtures.usdc, amount: 100_000_000))])
        #expect(result.receipts[0].succeeded)
        #expect(state.account(alice)?.wallet[Fixtures.usdc] == 999_900_000_000)
        #expect(state.account(alice)?.vaultCount == 1)
        #expect(state.account(alice)?.nonce == 1)
        #expect(state.vault(VaultID(owner: alice, number: 0))?.quote == 100_000_000)
        #expect(result.receipts[0].events.map(\.type) == ["vault_opened", "deposit"])
        #expect(result.receipts[0].events[1]["amount"] == "100")
    }

    @Test func failedActionUsesNonceAndChangesNothingElse() throws {
        let state = try Fixtures.genesisState()
        let before = state.account(alice)!
        let result = state.commitBlock([Fixtures.tx(Fixtures.alice, nonce: 0, .withdraw(vault: 0, asset: Fixtures.usdc, amount: 1))])
        #expect(result.receipts[0].code == .vaultNotFound)
        let after = state.account(alice)!
        #expect(after.nonce == 1)
        #expect(after.wallet == before.wallet)
        #expect(after.vaultCount == 0)
    }

    @Test func sendCreatesRecipientAndOverflowIsRefused() throws {
        var genesis = Fixtures.genesis
        // Carol starts with the maximum amount: any credit to her overflows.
        genesis.accounts.append(.init(name: "carol", address: Address(Fixtures.carol.publicKey).text,
                                      wallet: [.init(asset: "USDC", amount: Amount.format(Amount.max, decimals: 6))]))
        let state = try Fixtures.genesisState(genesis)
        let carol = Address(Fixtures.carol.publicKey)
        let machine = StateMachine(chainId: genesis.chainId)
        let check = StateOverlay(base: state)
        let overflow = machine.checkTx(Fixtures.verified(Fixtures.tx(Fixtures.alice, nonce: 0, .send(to: carol, asset: Fixtures.usdc, amount: 1))), state: check, context: Fixtures.context)
        #expect(overflow?.code == .balanceOverflow)
        #expect(check.changes().isEmpty)

        let stranger = Address(PrivateKey(seed: [UInt8](repeating: 7, count: 32))!.publicKey)
        let ok = machine.checkTx(Fixtures.verified(Fixtures.tx(Fixtures.alice, nonce: 0, .send(to: stranger, asset: Fixtures.btc, amount: 5))), state: check, context: Fixtures.context)
        #expect(ok == nil)
        #expect(check.account(stranger)?.wallet[Fixtures.btc] == 5)
    }

    @Test func nonceRules() throws {
        let state = try Fixtures.genesisState()
        let machine = StateMachine(chainId: DevnetKeys.devnetChainId)
        let check = StateOverlay(base: state)
        let t0 = Fixtures.verified(Fixtures.tx(Fixtures.alice, nonce: 0, .send(to: bob, asset: 0, amount: 1)))
        #expect(machine.checkTx(t0, state: check, context: Fixtures.context) == nil)
        #expect(machine.checkTx(t0, state: check, context: Fixtures.context)?.code == .nonceTooLow)
        let t5 = Fixtures.verified(Fixtures.tx(Fixtures.alice, nonce: 5, .send(to: bob, asset: 0, amount: 1)))
        #expect(machine.checkTx(t5, state: check, context: Fixtures.context)?.code == .nonceTooHigh)
        let wrongChain = Fixtures.verified(Fixtures.tx(Fixtures.alice, nonce: 1, .send(to: bob, asset: 0, amount: 1), chainId: "other-chain"))
        #expect(machine.checkTx(wrongChain, state: check, context: Fixtures.context)?.code == .wrongChainId)
    }

    /// The worked example of contracts-spec/transfers.md, step by step.
    @Test func workedExampleFromTransfersSpec() throws {
        let state = try Fixtures.genesisState()
        let machine = StateMachine(chainId: DevnetKeys.devnetChainId)
        let dev0 = Fixtures.alice
        // 1. deposit 100 USDC into vault 0.
        let r1 = state.commitBlock([Fixtures.tx(dev0, nonce: 0, .deposit(vault: 0, asset: Fixtures.usdc, amount: 100_000_000))])
        #expect(r1.receipts[0].events == [
            Event("vault_opened", [("owner", .address(alice)), ("vault", .integer(0)), ("mode", "cross")]),
            Event("deposit", [("owner", .address(alice)), ("vault", .integer(0)), ("asset", "USDC"), ("amount", .amount(100_000_000, scale: 6))]),
        ])
        #expect(r1.receipts[0].events[1]["amount"] == "100" && r1.receipts[0].events[1]["owner"] == alice.text)
        #expect(state.account(alice)?.wallet[Fixtures.usdc] == 999_900_000_000)
        // 2. withdraw 150 USDC: refused at admission, nothing changes.
        let check = StateOverlay(base: state)
        let refusal = machine.checkTx(Fixtures.verified(Fixtures.tx(dev0, nonce: 1, .withdraw(vault: 0, asset: Fixtures.usdc, amount: 150_000_000))), state: check, context: Fixtures.context)
        #expect(refusal == ProtocolError(.insufficientBalance, "vault 0 holds 100 USDC, 150 needed"))
        #expect(check.changes().isEmpty)
        // 3. deposit into vault 2: a gap.
        #expect(machine.checkTx(Fixtures.verified(Fixtures.tx(dev0, nonce: 1, .deposit(vault: 2, asset: Fixtures.usdc, amount: 1))), state: check, context: Fixtures.context)?.code == .vaultNumberGap)
        // 4. send 2.5 BTC to dev1.
        let r4 = state.commitBlock([Fixtures.tx(dev0, nonce: 1, .send(to: bob, asset: Fixtures.btc, amount: 250_000_000))])
        #expect(r4.receipts[0].events == [Event("transfer", [("from", .address(alice)), ("to", .address(bob)), ("asset", "BTC"),
                                                             ("amount", .amount(250_000_000, scale: 8))])])
        #expect(r4.receipts[0].events[0]["amount"] == "2.5")
        #expect(state.account(alice)?.wallet[Fixtures.btc] == 750_000_000)
        #expect(state.account(bob)?.wallet[Fixtures.btc] == 1_250_000_000)
        #expect(state.account(alice)?.nonce == 2)
    }
}
