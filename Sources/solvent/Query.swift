import ArgumentParser
import Foundation
import Logging
import SolventClient
import SolventCore

struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read chain state and history.",
        subcommands: [Status.self, BlockCmd.self, TxCmd.self, AccountCmd.self, VaultCmd.self, Assets.self, OracleQuery.self,
                      MarketsQuery.self, MarketQuery.self, OrdersQuery.self, ProtocolQuery.self, LiquidatableQuery.self, ShockQuery.self,
                      InsuranceQuery.self, ADLQuery.self, SupplyQuery.self, AuctionsQuery.self, MarginQuery.self])

    struct Status: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Chain id, height, app hash and block time.")
        @OptionGroup var global: GlobalOptions

        func execute() async throws {
            guard let s = global.forText(try await global.client.status()) else { return }
            print("""
                chain     \(s.chainId)
                height    \(s.height)
                time      \(s.blockTime)
                app hash  \(s.appHash)
                block     \(s.blockHash)
                mode      \(s.blockMode)\(s.devnet ? " (devnet)" : "")
                mempool   \(s.mempoolSize)
                """)
        }
    }

    struct BlockCmd: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "block", abstract: "A block by height, or 'latest'.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Height or 'latest'.") var height: String

        func execute() async throws {
            guard let b = global.forText(try await global.client.block(height)) else { return }
            print("block \(b.height) \(b.hash)\n  time      \(b.time)\n  app hash  \(b.appHash)\n  previous  \(b.previousHash)\n  txs       \(b.txCount)")
            for t in b.transactions {
                print("  \(t.hash) \(t.action.summary) from \(t.sender): \(t.receipt?.code ?? "?")")
            }
        }
    }

    struct TxCmd: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "tx", abstract: "A committed transaction and its receipt.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Transaction hash (hex).") var hash: String

        func execute() async throws {
            guard let t = global.forText(try await global.client.transaction(hash)) else { return }
            print("tx \(t.hash)\n  block     \(t.height.map(String.init) ?? "-") (\(t.blockTime ?? "-"))\n  sender    \(t.sender) nonce \(t.nonce)")
            print("  action    \(t.action.summary)")
            if let r = t.receipt {
                print("  result    \(r.code)\(r.message.isEmpty ? "" : ": \(r.message)")")
                for e in r.events {
                    print("  event     " + e.summary)
                }
            }
        }
    }

    struct AccountCmd: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "account", abstract: "An account's nonce, wallet and vaults.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Address or key name.") var who: String

        func execute() async throws {
            let address = try resolveAddress(who, global)
            guard let a = global.forText(try await global.client.account(address.text)) else { return }
            print("account   \(a.address)\(a.exists ? "" : " (does not exist yet)")")
            print("nonce     \(a.nonce) (next \(a.nextNonce))")
            print("wallet    " + (a.wallet.isEmpty ? "empty" : a.wallet.map { "\($0.amount) \($0.asset)" }.joined(separator: "\n          ")))
            print("vaults    " + (a.vaults.isEmpty ? "none" : a.vaults.map(String.init).joined(separator: ", ")))
            print("height    \(a.height)")
        }
    }

    struct VaultCmd: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "vault", abstract: "One vault of an account (default vault 0).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Owner address or key name.") var who: String
        @Option(name: .long, help: "Vault number.") var vault: UInt32 = 0

        func execute() async throws {
            let address = try resolveAddress(who, global)
            guard let v = global.forText(try await global.client.vault(address.text, vault)) else { return }
            print("vault       \(v.owner)/\(v.vault) (\(v.mode)\(v.market.map { " " + $0 } ?? ""))")
            // The quote is the vault's signed USDC balance (margin.md): negative once a buy is paid on margin.
            print("quote       \(v.quote) USDC (the vault's USDC balance\(v.quote.hasPrefix("-") ? ", negative: owed for positions bought on margin" : ""))")
            let others = v.collateral.filter { $0.asset != "USDC" }
            if !others.isEmpty {
                print("collateral  " + others.map { "\($0.amount) \($0.asset)" }.joined(separator: "\n            "))
            }
            if let m = v.margin {
                print("equity      \(m.equity) USDC\(m.pricesFresh ? "" : " (some prices are stale)")")
                print("initial     \(m.initialRequirement) USDC    maintenance \(m.maintenanceRequirement) USDC")
                print("free        \(m.freeCollateral) USDC    margin ratio \(m.marginRatio ?? "-")\(m.liquidatable ? "  LIQUIDATABLE" : "")")
            }
            for p in v.positions {
                print("position    \(p.market) \(p.size) (\(p.side)) entry \(p.entryPrice), oracle \(p.oraclePrice), unrealized \(p.unrealizedPnl), liquidation \(p.liquidationPrice ?? "none")")
            }
            if v.openOrders > 0 { print("orders      \(v.openOrders) resting") }
            print("height      \(v.height)")
        }
    }

    struct Assets: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "The chain's assets, and the collateral assets' haircuts.")
        @OptionGroup var global: GlobalOptions

        func execute() async throws {
            guard let value = global.forText(try await global.client.assets()) else { return }
            for a in value { print(Self.describe(a)) }
        }
    }
}

struct DevnetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devnet", abstract: "Devnet controls (refused by a node not in devnet mode).",
        subcommands: [Mine.self, Advance.self, Time.self, Mode.self, Oracle.self, Snapshot.self, Revert.self, Dump.self])

    struct Mine: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Produce N blocks now (any block mode).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Number of blocks.") var blocks: Int = 1

        func execute() async throws {
            guard let value = global.forText(try await global.client.mine(blocks: blocks)) else { return }
            print("mined \(value.mined) block(s); height \(value.height), app hash \(value.appHash)")
        }
    }
}

struct Watch: ClientCommand {
    static let configuration = CommandConfiguration(abstract: "Follow committed blocks and their events over the node's WebSocket.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("from-height"), help: "First replay stored blocks from this height.") var fromHeight: UInt64?
    @Option(name: .long, help: "Stop after this many blocks.") var count: Int?

    func execute() async throws {
        let seen = Counter()
        let limit = count
        let json = global.output == .json
        var logger = Logger(label: "solvent.watch")
        logger.logLevel = .warning
        try await BlockWatcher.follow(nodeURL: global.nodeURL, fromHeight: fromHeight, logger: logger) { text in
            guard let data = text.data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let type = object["type"] as? String else { return true }
            if json {
                print(text)
            } else if type == "block", let block = object["block"] as? [String: Any] {
                let txs = block["transactions"] as? [[String: Any]] ?? []
                print("block \(block["height"] ?? "?") \(block["time"] ?? "") txs \(txs.count) app hash \(block["app_hash"] ?? "")")
                for t in txs {
                    let receipt = t["receipt"] as? [String: Any]
                    for e in receipt?["events"] as? [[String: Any]] ?? [] {
                        let attrs = (e["attributes"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                        print("  \(e["type"] ?? "") \(attrs.joined(separator: " "))")
                    }
                }
            } else {
                print("\(type): \(object["message"] ?? object["height"] ?? "")")
            }
            fflush(nil)
            guard type == "block" else { return true }
            return seen.increment() < (limit ?? Int.max)
        }
    }
}

/// A counter shared with the watcher's callback.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.withLock { value += 1; return value } }
}
