import Foundation
import SolventCore
import SolventCrypto
import SolventStore

/// Temporary data directories and a seeded transaction workload for the store tests.
enum StoreFixtures {
    static func temporaryDirectory(_ name: String = #function) -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("solvent-store-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        return dir.path
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// A genesis with `count` funded accounts derived from the devnet seed.
    static func genesis(accounts count: Int) -> Genesis {
        var g = DevnetKeys.devnetGenesis()
        g.accounts = (0..<count).map { i in
            Genesis.GenesisAccount(name: "acct\(i)", address: Address(DevnetKeys.account(i).publicKey).text,
                                   wallet: [.init(asset: "USDC", amount: "1000"), .init(asset: "BTC", amount: "1")])
        }
        return g
    }

    /// SplitMix64: a tiny seeded generator, so the workload is the same in every run and process.
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
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
            return VerifiedTransaction.verify(tx)!
        }
    }

    /// The solventd binary built beside the test bundle (`swift build --build-tests` builds it).
    static func solventd() throws -> String {
        if let path = ProcessInfo.processInfo.environment["SOLVENTD_BIN"] { return path }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("solventd").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        throw StoreError("solventd is not built next to the tests; run `swift build --build-tests` (or set SOLVENTD_BIN)")
    }

    static func run(_ binary: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}
