import Foundation
import SolventCore
import SolventCrypto
import Testing

/// contracts-spec/vectors/transactions.json holds the worked examples of transactions.md; they
/// were produced by contracts-spec/examples/solvent_client.py, an encoder written from the spec in
/// Python. The node's encoder must produce the same bytes, signature and hash, byte for byte.
@Suite struct TransactionVectorTests {
    struct Vector: Decodable {
        struct Action: Decodable {
            let type: String
            let to: String?
            let vault: UInt32?
            let asset: UInt32
            let amountQuantums: String
            enum CodingKeys: String, CodingKey { case type, to, vault, asset, amountQuantums = "amount_quantums" }
        }
        let title: String
        let privateKey: String
        let publicKey: String
        let address: String
        let chainId: String
        let nonce: String
        let kind: UInt16
        let action: Action
        let unsignedBody: String
        let signedMessage: String
        let signature: String
        let signedTransaction: String
        let hash: String

        enum CodingKeys: String, CodingKey {
            case title, privateKey = "private_key", publicKey = "public_key", address, chainId = "chain_id", nonce, kind, action
            case unsignedBody = "unsigned_body", signedMessage = "signed_message", signature, signedTransaction = "signed_transaction", hash
        }
    }

    static func vectors() throws -> [Vector] {
        try JSONDecoder().decode([Vector].self, from: Spec.data("contracts-spec/vectors/transactions.json"))
    }

    @Test func atLeastThreeWorkedExamples() throws {
        #expect(try Self.vectors().count >= 3)
    }

    @Test(arguments: try vectors())
    func encoderMatchesSpecExample(_ v: Vector) throws {
        let seed = try #require(Hex.decode(v.privateKey))
        let key = try #require(PrivateKey(seed: seed))
        #expect(key.publicKey.hex == v.publicKey)
        #expect(Address(key.publicKey).text == v.address)
        let amount = try #require(UInt128(v.action.amountQuantums))
        let action: TxAction
        switch v.action.type {
        case "send":
            let to = try #require(v.action.to)
            action = .send(to: try #require(Address(text: to)), asset: v.action.asset, amount: amount)
        case "deposit": action = .deposit(vault: try #require(v.action.vault), asset: v.action.asset, amount: amount)
        case "withdraw": action = .withdraw(vault: try #require(v.action.vault), asset: v.action.asset, amount: amount)
        default: Issue.record("unknown action \(v.action.type)"); return
        }
        #expect(action.kind.rawValue == v.kind)
        let tx = Transaction(chainId: v.chainId, sender: Address(key.publicKey), nonce: try #require(UInt64(v.nonce)), action: action)
        #expect(Hex.encode(tx.body()) == v.unsignedBody)
        #expect(Hex.encode(tx.signBytes()) == v.signedMessage)
        let signed = tx.signed(with: key)
        #expect(Hex.encode(signed.signature) == v.signature)
        #expect(Hex.encode(signed.bytes) == v.signedTransaction)
        #expect(signed.hash.hex == v.hash)
        #expect(signed.verifySignature())
    }

    @Test(arguments: try vectors())
    func decoderReadsSpecExample(_ v: Vector) throws {
        let bytes = try #require(Hex.decode(v.signedTransaction))
        let decoded = try TxCodec.decode(bytes)
        #expect(decoded.transaction.chainId == v.chainId)
        #expect(decoded.transaction.nonce == UInt64(v.nonce))
        #expect(decoded.transaction.sender.text == v.address)
        #expect(decoded.hash.hex == v.hash)
        #expect(decoded.verifySignature())
    }
}

extension TransactionVectorTests.Vector: CustomTestStringConvertible {
    var testDescription: String { title }
}
