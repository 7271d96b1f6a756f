import ArgumentParser
import Foundation
import SolventClient
import SolventCore
import SolventCrypto
import SolventWire

struct Tx: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign and send transactions.",
        subcommands: [Send.self, Deposit.self, Withdraw.self, OrderCommand.self, VaultCommand.self, MarketCommand.self, AssetCommand.self, Liquidate.self, AuctionCommand.self, Broadcast.self,
                      OracleAdminCommand.self])

    struct SigningOptions: ParsableArguments {
        @Option(name: .long, help: "Name of the key that signs (see `solvent keys list`).")
        var from: String

        @Flag(name: .long, help: "Wait until the transaction is in a committed block and print its receipt.")
        var wait = false

        @Option(name: .long, help: "Use this nonce instead of the account's next one.")
        var nonce: UInt64?

        @Flag(name: .customLong("generate-only"), help: "Print the signed transaction (hex and hash) without sending it.")
        var generateOnly = false

        @Flag(name: .long, help: "Dry run: print the receipt the transaction would get now (POST /v1/simulate); nothing is sent.")
        var simulate = false
    }

    /// AMOUNT ASSET as typed, turned into quantums of the chain's asset.
    struct AmountArguments: ParsableArguments {
        @Argument(help: "Amount in whole units, e.g. 100 or 0.5.") var amount: String
        @Argument(help: "Asset symbol, e.g. USDC.") var asset: String

        func resolve(_ client: RPCClient) async throws -> (AssetID, UInt128) {
            let a = try await TransactionBuilder(client: client).asset(asset)
            return (a.id, try TransactionBuilder.quantums(amount, a))
        }
    }

    struct Send: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Send from your wallet to another account's wallet.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var signing: SigningOptions
        @Argument(help: "Recipient address (sv1...) or key name.") var to: String
        @OptionGroup var value: AmountArguments

        func execute() async throws {
            let recipient = try resolveAddress(to, global)
            let (asset, quantums) = try await value.resolve(global.client)
            try await signAndSend(.send(to: recipient, asset: asset, amount: quantums), global, signing)
        }
    }

    /// What a deposit and a withdrawal both take: the signer, AMOUNT ASSET and the vault whose
    /// collateral moves; only the direction (the action) differs.
    struct VaultCollateralArguments: ParsableArguments {
        @OptionGroup var global: GlobalOptions
        @OptionGroup var signing: SigningOptions
        @OptionGroup var value: AmountArguments
        @Option(name: .long, help: "Vault number.") var vault: UInt32 = 0

        func send(_ action: (_ vault: UInt32, _ asset: AssetID, _ amount: UInt128) -> TxAction) async throws {
            try await global.run {
                let (asset, quantums) = try await value.resolve(global.client)
                try await signAndSend(action(vault, asset, quantums), global, signing)
            }
        }
    }

    struct Deposit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move collateral from your wallet into one of your vaults (opening it if it is the next number).")
        @OptionGroup var collateral: VaultCollateralArguments

        func run() async throws { try await collateral.send(TxAction.deposit) }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move collateral from one of your vaults back to your wallet.")
        @OptionGroup var collateral: VaultCollateralArguments

        func run() async throws { try await collateral.send(TxAction.withdraw) }
    }

    struct Broadcast: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Send an already signed transaction (hex), e.g. one built by another client.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Signed transaction bytes as hex.") var hex: String
        @Flag(name: .long, help: "Wait for the commit and print the receipt.") var wait = false

        func execute() async throws {
            try await submit(hex: hex, wait: wait, global)
        }
    }
}

/// An address, or the address of a key in the keyring.
func resolveAddress(_ text: String, _ global: GlobalOptions) throws -> Address {
    if let address = Address(text: text) { return address }
    let info = try global.keyring(holding: text).info(text)
    guard let address = Address(text: info.address) else { throw ClientError("keyring_corrupt", "key \(text) has no valid address") }
    return address
}

func signAndSend(_ action: TxAction, _ global: GlobalOptions, _ signing: Tx.SigningOptions) async throws {
    let keyring = try global.keyring(holding: signing.from)
    let key = try keyring.privateKey(signing.from) { try global.password() }
    let tx = try await TransactionBuilder(client: global.client).sign(action, key: key, nonce: signing.nonce)
    if signing.generateOnly {
        if global.output == .json {
            struct Generated: Encodable { let tx: String, hash: String, nonce: UInt64 }   // nonces are JSON integers, as in the RPC
            global.printJSON(Generated(tx: Hex.encode(tx.bytes), hash: tx.hash.hex, nonce: tx.transaction.nonce))
        } else {
            print(Hex.encode(tx.bytes))
            FileHandle.standardError.write(Data("hash \(tx.hash.hex), nonce \(tx.transaction.nonce)\n".utf8))
        }
        return
    }
    if signing.simulate {
        // A refused simulation exits 1 in both output modes, as a refused transaction does.
        let reply = try await global.client.simulate(hex: Hex.encode(tx.bytes))
        let r = reply.value
        if global.output == .json {
            global.printJSON(reply.json)
        } else {
            printReceipt(r.receipt, after: "simulated on block \(r.height) as block \(r.simulatedHeight)", then: "; nothing was sent")
        }
        try refuseUnlessSucceeded(r.receipt, global)
        return
    }
    try await submit(hex: Hex.encode(tx.bytes), wait: signing.wait, global)
}

func submit(hex: String, wait: Bool, _ global: GlobalOptions) async throws {
    let reply = try await global.client.submit(hex: hex, waitForCommit: wait)
    let r = reply.value
    if global.output == .json {
        global.printJSON(reply.json)
    } else if let receipt = r.receipt, let height = r.height {
        printReceipt(receipt, after: "tx \(r.hash) committed in block \(height)")
    } else {
        print("tx \(r.hash) \(r.status)\(wait ? " (not committed within the wait; check `solvent query tx \(r.hash)`)" : "")")
    }
    if let receipt = r.receipt { try refuseUnlessSucceeded(receipt, global) }
}

/// A receipt in text mode: the headline with the result code (and message), then one line per event.
func printReceipt(_ receipt: ReceiptReply, after headline: String, then tail: String = "") {
    print("\(headline): \(receipt.code)\(receipt.message.isEmpty ? "" : " (\(receipt.message))")\(tail)")
    for e in receipt.events { print("  " + e.summary) }
}

/// A failed receipt (committed or simulated): the error line on standard error in text mode (in
/// JSON mode the printed reply already holds the receipt) and exit status 1.
func refuseUnlessSucceeded(_ receipt: ReceiptReply, _ global: GlobalOptions) throws {
    guard !receipt.succeeded else { return }
    if global.output == .text {
        FileHandle.standardError.write(Data((CommandLineFailure.line(ClientError(receipt.code, receipt.message)) + "\n").utf8))
    }
    throw ExitCode(CommandLineFailure.failureStatus)
}
