import ArgumentParser
import Foundation
import SolventClient
import SolventCore
import SolventCrypto

/// `solvent tx auction start|take|redo|set-config` and `solvent query auctions`
/// (contracts-spec/collateral-auctions.md).
extension Tx {
    struct AuctionCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "auction", abstract: "Collateral auctions: start one, buy from one, restart a stale one.",
            subcommands: [Start.self, Take.self, Redo.self, SetConfig.self])

        struct Target: ParsableArguments {
            @Argument(help: "The auctioned vault's owner (address or key name).") var owner: String
            @Argument(help: "The vault's number.") var vault: UInt32
            @Argument(help: "The collateral asset, e.g. BTC.") var asset: String

            func resolve(_ global: GlobalOptions) async throws -> (Address, UInt32, TransactionBuilder.ResolvedAsset) {
                (try resolveAddress(owner, global), vault, try await TransactionBuilder(client: global.client).asset(asset))
            }
        }

        struct Start: ClientCommand {
            static let configuration = CommandConfiguration(
                abstract: "Start the auction of a vault's collateral; your vault is paid the incentive from the proceeds.",
                discussion: """
                    Allowed for a vault with no open position, a negative USDC quote and the asset, that was \
                    liquidated or whose equity at haircut values is below zero (auction_not_allowed otherwise). \
                    The whole balance of the asset is auctioned. `solvent query auctions` lists candidates.
                    """)
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @OptionGroup var target: Target
            @Option(name: .customLong("keeper-vault"), help: "Your vault that receives the incentive.") var keeperVault: UInt32 = 0

            func execute() async throws {
                let (owner, vault, asset) = try await target.resolve(global)
                try await signAndSend(.auctionStart(owner: owner, vault: vault, asset: asset.id, keeperVault: keeperVault), global, signing)
            }
        }

        struct Take: ClientCommand {
            static let configuration = CommandConfiguration(
                abstract: "Buy collateral from an auction at its current price, paying USDC from your vault.",
                discussion: "Refused with auction_price_above_max when the price is above --max-price; no more than the tab needs is sold.")
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @OptionGroup var target: Target
            @Argument(help: "How much of the asset to buy, in whole units, e.g. 0.5.") var amount: String
            @Option(name: .customLong("max-price"), help: "The most you pay per unit, in dollars.") var maxPrice: String
            @Option(name: .customLong("taker-vault"), help: "Your vault that pays and receives the collateral.") var takerVault: UInt32 = 0

            func execute() async throws {
                let (owner, vault, asset) = try await target.resolve(global)
                let quantums = try TransactionBuilder.quantums(amount, asset)
                guard let price = OraclePrice.parse(maxPrice), price > 0 else {
                    throw ClientError("invalid_price", "'\(maxPrice)' is not a positive price with at most 8 decimals")
                }
                try await signAndSend(.auctionTake(owner: owner, vault: vault, asset: asset.id, amount: quantums, maxPrice: price,
                                                   takerVault: takerVault), global, signing)
            }
        }

        struct Redo: ClientCommand {
            static let configuration = CommandConfiguration(abstract: "Restart a stale auction from a fresh starting price.")
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @OptionGroup var target: Target

            func execute() async throws {
                let (owner, vault, asset) = try await target.resolve(global)
                try await signAndSend(.auctionRedo(owner: owner, vault: vault, asset: asset.id), global, signing)
            }
        }

        struct SetConfig: ClientCommand {
            static let configuration = CommandConfiguration(
                commandName: "set-config", abstract: "Admin: change the auction parameters; unset flags keep their current values.")
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @Option(name: .customLong("buf-ppm")) var bufPpm: UInt32?
            @Option(name: .customLong("cut-ppm")) var cutPpm: UInt32?
            @Option(name: .customLong("step-seconds")) var stepSeconds: UInt32?
            @Option(name: .customLong("cusp-ppm")) var cuspPpm: UInt32?
            @Option(name: .customLong("tail-seconds")) var tailSeconds: UInt32?
            @Option(help: "USDC.") var tip: String?
            @Option(name: .customLong("chip-ppm")) var chipPpm: UInt32?
            @Option(name: .customLong("max-incentive"), help: "USDC.") var maxIncentive: String?

            func execute() async throws {
                let c = try await global.client.auctions(limit: 1).value.settings
                func usdc(_ t: String) throws -> UInt128 { try Amount.parse(t, decimals: 6) }
                let s = AuctionSettings(bufPpm: bufPpm ?? c.bufPpm, cutPpm: cutPpm ?? c.cutPpm, stepSeconds: stepSeconds ?? c.stepSeconds,
                                        cuspPpm: cuspPpm ?? c.cuspPpm, tailSeconds: tailSeconds ?? c.tailSeconds, tip: try usdc(tip ?? c.tip),
                                        chipPpm: chipPpm ?? c.chipPpm, maxIncentive: try usdc(maxIncentive ?? c.maxIncentive))
                try await signAndSend(.auctionSetConfig(s), global, signing)
            }
        }
    }
}

extension Query {
    struct AuctionsQuery: ClientCommand {
        static let configuration = CommandConfiguration(
            commandName: "auctions", abstract: "Running collateral auctions (price, lot, tab) and the vaults that may be auctioned now.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "At most this many auctions and candidates.") var limit = 50
        @Flag(help: "Also look through every vault for underwater ones never liquidated (slow on a large chain).") var all = false

        func execute() async throws {
            guard let r = global.forText(try await global.client.auctions(limit: limit, all: all)) else { return }
            print("\(r.count) running auction\(r.count == 1 ? "" : "s") at height \(r.height); prices as of \(r.priceTime)")
            var table = TextTable(header: ["  vault", "asset", "lot", "price", "oracle", "price/oracle", "tab", "age", ""],
                                  rightAligned: [2, 3, 4, 5, 6, 7])
            for a in r.auctions {
                let ratio = a.priceToOraclePpm.map { Amount.format(UInt128($0), decimals: 6) } ?? "-"
                table.add(["  \(shortAddress(a.owner))/\(a.vault)", a.asset, a.lot, a.price, a.oraclePrice ?? "-", ratio, a.tab,
                           "\(a.elapsedSeconds) s", a.stale ? "stale: redo" : ""])
            }
            if !r.auctions.isEmpty { print(table.render()) }
            print("\(r.candidates.count) vault\(r.candidates.count == 1 ? "" : "s") may be auctioned now")
            for c in r.candidates {
                print("  \(c.owner)/\(c.vault) \(c.amount) \(c.asset) against a debt of \(c.debt) USDC (\(c.reason))")
            }
        }
    }
}
