import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// ProcessProposal: what a replaying (or, later, a validating) node checks before executing a block.
@Suite struct ProposalTests {
    let validator = DevnetKeys.validator()
    let machine = StateMachine(chainId: DevnetKeys.devnetChainId)

    func block(height: UInt64 = 1, time: UInt64 = 2_000, previous: Bytes32 = .zero, txs: [SignedTransaction],
               signer: PrivateKey? = nil, chainId: String = DevnetKeys.devnetChainId) -> Block {
        let header = BlockHeader(chainId: chainId, height: height, timeMs: time, previousHash: previous, txCount: UInt32(txs.count),
                                 txRoot: MerkleRoot.of(txs.map(\.hash)), receiptsRoot: .zero, appHash: .zero,
                                 proposer: Address(validator.publicKey))
        return Block(header: header, signature: (signer ?? validator).sign(header.signBytes), transactions: txs.map(\.bytes))
    }

    func check(_ b: Block) -> StateMachine.ProposalError? {
        switch machine.processProposal(b, parentHash: .zero, parentHeight: 0, parentTimeMs: 1_000, validator: Address(validator.publicKey)) {
        case .success: return nil
        case .failure(let e): return e
        }
    }

    @Test func acceptsAWellFormedBlock() {
        #expect(check(block(txs: [Fixtures.tx(Fixtures.alice, nonce: 0, .send(to: Address(Fixtures.bob.publicKey), asset: 0, amount: 1))])) == nil)
    }

    @Test func refusesWhatDoesNotExtendTheParent() {
        #expect(check(block(height: 2, txs: [])) != nil)
        #expect(check(block(time: 1_000, txs: [])) != nil)
        #expect(check(block(previous: SHA256.hash([1]), txs: [])) != nil)
        #expect(check(block(txs: [], chainId: "other")) != nil)
        #expect(check(block(txs: [], signer: DevnetKeys.account(0))) != nil)
    }

    @Test func refusesTransactionsForAnotherChainOrBadlySigned() {
        let foreign = Fixtures.tx(Fixtures.alice, nonce: 0, .send(to: Address(Fixtures.bob.publicKey), asset: 0, amount: 1), chainId: "elsewhere")
        #expect(check(block(txs: [foreign])) == .transaction(index: 0, ProtocolError(.wrongChainId,
            "transaction is signed for chain 'elsewhere', this chain is 'solvent-devnet-1'")))
        var forged = Fixtures.tx(Fixtures.alice, nonce: 0, .send(to: Address(Fixtures.bob.publicKey), asset: 0, amount: 1)).bytes
        forged[forged.count - 1] ^= 1
        let decoded = try! TxCodec.decode(forged)
        guard case .transaction(index: 0, let e)? = check(block(txs: [decoded])) else {
            Issue.record("a forged signature was accepted")
            return
        }
        #expect(e.code == .badSignature)
    }
}
