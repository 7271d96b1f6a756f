import Foundation
import SolventCore
import SolventCrypto
import Testing

/// contracts-spec/vectors/oracle.json, produced by the Python client from oracle.md: report
/// messages, report encodings and the update transaction must match the node byte for byte,
/// and executing the update must give the spec's median.
@Suite struct OracleVectorTests {
    struct Vector: Decodable {
        struct Report: Decodable {
            let signerPrivateKey: String
            let signer: String
            let price: String
            let timestampMs: String
            let signedMessage: String
            let report: String
            enum CodingKeys: String, CodingKey {
                case signerPrivateKey = "signer_private_key", signer, price, timestampMs = "timestamp_ms", signedMessage = "signed_message", report
            }
        }
        let chainId: String
        let market: UInt32
        let reports: [Report]
        let median: String
        let relayerPrivateKey: String
        let updateUnsignedBody: String
        let updateSignature: String
        let updateSignedTransaction: String
        let updateHash: String
        enum CodingKeys: String, CodingKey {
            case chainId = "chain_id", market, reports, median, relayerPrivateKey = "relayer_private_key"
            case updateUnsignedBody = "update_unsigned_body", updateSignature = "update_signature"
            case updateSignedTransaction = "update_signed_transaction", updateHash = "update_hash"
        }
    }

    @Test func reportsAndUpdateMatchTheSpecExample() throws {
        let v = try JSONDecoder().decode(Vector.self, from: Spec.data("contracts-spec/vectors/oracle.json"))
        var reports = [OracleReport]()
        for r in v.reports {
            let seed = try #require(Hex.decode(r.signerPrivateKey))
            let key = try #require(PrivateKey(seed: seed))
            #expect(key.publicKey.hex == r.signer)
            let price = try #require(UInt64(r.price)), time = try #require(UInt64(r.timestampMs))
            #expect(Hex.encode(OracleReport.signBytes(chainId: v.chainId, market: v.market, price: price, timestampMs: time)) == r.signedMessage)
            let report = OracleReport.sign(chainId: v.chainId, market: v.market, price: price, timestampMs: time, key: key)
            #expect(report.verifySignature())
            reports.append(report)
        }
        let relayerSeed = try #require(Hex.decode(v.relayerPrivateKey))
        let relayer = try #require(PrivateKey(seed: relayerSeed))
        let tx = Transaction(chainId: v.chainId, sender: Address(relayer.publicKey), nonce: 0,
                             action: .oracleUpdate(market: v.market, reports: reports)).signed(with: relayer)
        #expect(Hex.encode(tx.body) == v.updateUnsignedBody)
        #expect(Hex.encode(tx.signature) == v.updateSignature)
        #expect(Hex.encode(tx.bytes) == v.updateSignedTransaction)
        #expect(tx.hash.hex == v.updateHash)
        // Each report's encoding inside the update is the spec's.
        let body = Hex.encode(tx.body)
        for r in v.reports { #expect(body.contains(r.report)) }

        // Executed half a second after the reports: the median of 60000.5, 60010 and 90000 is 60010.
        let state = try Fixtures.genesisState()
        let time = try #require(UInt64(v.reports[0].timestampMs)) + 500
        let result = state.commitBlock([try TxCodec.decode(try #require(Hex.decode(v.updateSignedTransaction)))], at: time)
        #expect(result.receipts[0].succeeded, "\(result.receipts[0].message)")
        #expect(state.oracleMarket(v.market)?.price == UInt64(v.median))
        #expect(v.median == "6001000000000")
    }
}
