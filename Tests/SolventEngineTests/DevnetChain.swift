import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventEngine
import SolventTestSupport
import Testing

/// A chain on the devnet genesis, driven block by block with each sender's nonces kept: the
/// chains the two-process tests build and then read back with `solventd`.
final class DevnetChain {
    let genesis = DevnetKeys.devnetGenesis()
    let engine: ChainEngine
    private(set) var time: UInt64
    private var nonces = [Bytes32: UInt64]()

    init(home: String) throws {
        engine = try ChainEngine.create(directory: home + "/data", genesis: genesis)
        time = genesis.genesisTimeMs
    }

    func tx(_ key: PrivateKey, _ action: TxAction) -> VerifiedTransaction {
        let n = nonces[key.publicKey, default: 0]
        nonces[key.publicKey] = n + 1
        let signed = Transaction(chainId: genesis.chainId, sender: Address(key.publicKey), nonce: n, action: action).signed(with: key)
        return try! VerifiedTransaction.verify(signed).get()
    }

    static func order(vault: UInt32 = 0, market: UInt32, _ side: Side, _ size: String, _ price: String, tif: TimeInForce) -> TxAction {
        .orderPlace(OrderRequest(vault: vault, market: market, side: side, kind: .limit, timeInForce: tif, reduceOnly: false,
                                 size: UInt64(try! Amount.parse(size, decimals: 8)), price: OraclePrice.parse(price)!))
    }

    /// One block `ms` after the previous; every transaction in it must succeed.
    func block(_ txs: [VerifiedTransaction], after ms: UInt64) throws {
        time += ms
        let committed = try engine.produceBlock(transactions: txs, timeMs: time, proposerKey: DevnetKeys.validator())
        for r in committed.receipts { #expect(r.succeeded, "\(r.message)") }
    }

    /// `solventd margin` of `vault` in two separate processes (each with its own hash seed): the
    /// JSON both printed, which must be the same bytes.
    static func marginInTwoProcesses(home: String, vault: String) throws -> [String: Any] {
        let solventd = try Binaries.path("solventd")
        var outputs = [String]()
        for run in 0..<2 {
            let r = try Binaries.run(solventd, ["margin", "--home", home, "--vault", vault])
            #expect(r.status == 0, "margin run \(run) failed: \(r.stderr)")
            outputs.append(r.stdout)
        }
        #expect(outputs[0] == outputs[1])
        return try #require(try JSONSerialization.jsonObject(with: Data(outputs[0].utf8)) as? [String: Any])
    }
}
