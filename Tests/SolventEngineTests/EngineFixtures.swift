import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventStore
import SolventTestSupport

/// Temporary data directories and a seeded transaction workload for the engine tests.
enum EngineFixtures {
    static func temporaryDirectory() -> String { TemporaryDirectory.path("solvent-engine-tests") }

    static func remove(_ path: String) { TemporaryDirectory.remove(path) }

    /// A genesis with `count` funded accounts derived from the devnet seed.
    static func genesis(accounts count: Int) -> Genesis {
        var g = DevnetKeys.devnetGenesis()
        g.accounts = (0..<count).map { i in
            Genesis.GenesisAccount(name: "acct\(i)", address: Address(DevnetKeys.account(i).publicKey).text,
                                   wallet: [.init(asset: "USDC", amount: "1000"), .init(asset: "BTC", amount: "1")])
        }
        return g
    }

    /// A block's worth of random sends, deposits and withdrawals (some of which fail on purpose:
    /// withdrawals from vaults that do not exist, amounts over the balance).
    static func randomBlock(_ rng: inout SplitMix64, accounts: Int, size: Int, nonces: inout [UInt64],
                            chainId: String) -> [VerifiedTransaction] {
        (0..<size).map { _ in
            let a = rng.below(accounts)
            let key = DevnetKeys.account(a)
            let amount = UInt128(rng.below(2_000_000_000) + 1)
            let action: TxAction
            switch rng.below(4) {
            case 0, 1: action = .send(to: Address(DevnetKeys.account(rng.below(accounts)).publicKey), asset: 0, amount: amount)
            case 2: action = .deposit(vault: UInt32(rng.below(2)), asset: UInt32(rng.below(2)), amount: amount / 4)
            default: action = .withdraw(vault: UInt32(rng.below(2)), asset: 0, amount: amount / 8)
            }
            let tx = Transaction(chainId: chainId, sender: Address(key.publicKey), nonce: nonces[a], action: action).signed(with: key)
            nonces[a] += 1
            return try! VerifiedTransaction.verify(tx).get()
        }
    }
}
