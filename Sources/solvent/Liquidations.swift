import ArgumentParser
import Foundation
import Logging
import SolventClient
import SolventCore
import SolventCrypto

func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }

/// One line to standard output at once (unbuffered: a keeper's log is read while it runs).
func emit(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func shortAddress(_ a: String) -> String { a.count > 16 ? String(a.prefix(10)) + "…" + String(a.suffix(4)) : a }

extension Tx {
    struct Liquidate: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Liquidate a vault under maintenance in one market; the bounty goes to your vault.",
            discussion: """
                The protocol decides how much to close (liquidation.md, "Size"). Refused with \
                vault_not_liquidatable for a healthy vault and already_liquidated when someone liquidated \
                it in this market in this block. Your vault takes over what the book cannot absorb, so it \
                needs margin for that. Try it first with --simulate.
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var signing: Tx.SigningOptions
        @Argument(help: "The vault's owner (address or key name).") var owner: String
        @Argument(help: "The vault's number.") var vault: UInt32
        @Argument(help: "Market symbol or id, e.g. BTC-PERP.") var market: String
        @Option(name: .customLong("keeper-vault"), help: "Your vault that takes the bounty.") var keeperVault: UInt32 = 0

        func execute() async throws {
            let m = try await resolveMarket(market, global)
            let target = try resolveAddress(owner, global)
            try await signAndSend(.liquidate(owner: target, vault: vault, market: m.params.id, keeperVault: keeperVault), global, signing)
        }
    }
}

extension Query {
    struct LiquidatableQuery: ClientCommand {
        static let configuration = CommandConfiguration(
            commandName: "liquidatable",
            abstract: "Vaults under maintenance, largest shortfall first, with what liquidating them pays now.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "At most this many vaults.") var limit = 50
        @Option(help: "Only vaults with a position in this market.") var market: String?

        func execute() async throws {
            guard let r = global.forText(try await global.client.liquidatable(limit: limit, market: market)) else { return }
            print("\(r.count) liquidatable vault\(r.count == 1 ? "" : "s") at height \(r.height)")
            for v in r.vaults {
                print("\(v.owner)/\(v.vault)  equity \(v.equity)  maintenance \(v.maintenanceRequirement)  shortfall \(v.shortfall)  ratio \(v.marginRatio ?? "-")\(v.pricesFresh ? "" : "  (prices stale)")")
                for p in v.positions {
                    if let refusal = p.refusal {
                        print("  \(pad(p.market, 9)) \(pad(p.size, 12)) refused now: \(refusal.code): \(refusal.message)")
                        continue
                    }
                    print("  \(pad(p.market, 9)) \(pad(p.size, 12)) oracle \(p.oraclePrice)  liq \(p.liquidationPrice ?? "-")  close \(p.closeSize ?? "-") "
                        + "bankruptcy \(p.bankruptcyPrice ?? "-")  book/backstop/adl/socialized \(p.bookSize ?? "-")/\(p.backstopSize ?? "-")/\(p.adlSize ?? "-")/\(p.socializedSize ?? "-")  "
                        + "fee \(p.fee ?? "-")  bounty \(p.bounty ?? "-")")
                }
            }
        }
    }

    struct ShockQuery: ClientCommand {
        static let configuration = CommandConfiguration(
            commandName: "shock",
            abstract: "What a price move would do: liquidations, bounties, the insurance fund's draw, ADL.",
            discussion: "Moves are MARKET=MOVE with MOVE a fraction or a percentage, e.g. `solvent query shock BTC-PERP=-0.2 ETH-PERP=-15%`.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "MARKET=MOVE pairs.") var moves: [String]
        @Option(help: "Simulate this keeper vault (ADDRESS/VAULT) instead of one with unlimited margin.") var keeper: String?
        @Option(help: "List at most this many vaults and liquidations.") var limit = 20

        func execute() async throws {
            let pairs = try moves.map { text -> (market: String, move: String) in
                let parts = text.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { throw ClientError("invalid_argument", "'\(text)' is not MARKET=MOVE, e.g. BTC-PERP=-0.2") }
                return (String(parts[0]), String(parts[1]))
            }
            guard !pairs.isEmpty else { throw ClientError("invalid_argument", "name at least one MARKET=MOVE") }
            guard let r = global.forText(try await global.client.shock(pairs, keeper: keeper, limit: limit)) else { return }
            for m in r.moves { print("\(m.market) \(m.move): \(m.from) → \(m.to)") }
            print("liquidatable vaults  \(r.liquidatableCount) (of \(r.candidates) the index named)")
            print("liquidations         \(r.liquidationCount), closing \(r.closedNotional) USDC of notional")
            print("fees / bounties      \(r.totalFees) / \(r.totalBounties) USDC")
            print("insurance fund       \(r.insuranceFundBefore) → \(r.insuranceFundAfter) USDC (draws \(r.insuranceFundDraw), deficits paid \(r.deficitsPaid))")
            print("ADL                  \(r.adlVolume) USDC" + (r.adlSize.isEmpty ? "" : " (" + r.adlSize.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"))
            if r.socializedLosses != "0" { print("socialized losses    \(r.socializedLosses) USDC (shared by the other side's positions)") }
            print("still liquidatable   \(r.stillLiquidatable) after one round")
            for o in r.liquidations {
                print("  \(shortAddress(o.owner))/\(o.vault) \(pad(o.market, 9)) close \(pad(o.closedSize, 10)) at ≥ \(pad(o.bankruptcyPrice, 10)) fee \(o.fee) bounty \(o.bounty) deficit \(o.deficitPaid) adl \(o.adlSize)"
                    + (o.socializedSize == "0" ? "" : " socialized \(o.socializedSize) (loss \(o.socializedLoss))"))
            }
        }
    }

    struct InsuranceQuery: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "insurance", abstract: "The insurance fund: balance, totals and recent flows.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Recent entries to show.") var limit = 20

        func execute() async throws {
            guard let f = global.forText(try await global.client.insurance(limit: limit)) else { return }
            print("""
                balance               \(f.balance) USDC
                seeded                \(f.seeded)
                trading fees in       \(f.tradingFeesIn)
                liquidation fees in   \(f.liquidationFeesIn)
                deficits paid         \(f.deficitsPaid)
                deficits deleveraged  \(f.deficitsDeleveraged) (not paid: closed by ADL)
                """)
            for e in f.entries {
                print("  #\(e.sequence) block \(e.height) \(pad(e.flow, 16)) \(pad(e.amount, 14)) balance \(pad(e.balanceAfter, 14)) \(shortAddress(e.owner))/\(e.vault) \(e.market)")
            }
        }
    }

    struct ADLQuery: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "adl", abstract: "A market's ADL queues: who would be deleveraged first.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Market symbol or id.") var market: String
        @Option(help: "Positions per side.") var limit = 20

        func execute() async throws {
            guard let value = global.forText(try await global.client.adl(market, limit: limit)) else { return }
            for (name, side) in [("longs (deleveraged when a short goes bankrupt)", value.longs),
                                 ("shorts (deleveraged when a long goes bankrupt)", value.shorts)] {
                print(name)
                for s in side {
                    print("  rank \(s.rank)  score \(pad(s.scorePpm, 10)) \(shortAddress(s.owner))/\(s.vault)  size \(pad(s.size, 12)) pnl \(pad(s.unrealizedPnl, 12)) equity \(s.equity)\(s.inQueue ? "" : "  (not in the queue)")")
                }
            }
        }
    }

    struct SupplyQuery: ClientCommand {
        static let configuration = CommandConfiguration(
            commandName: "supply", abstract: "The conservation audit: every asset's holdings against its genesis supply.")
        @OptionGroup var global: GlobalOptions

        func execute() async throws {
            guard let s = global.forText(try await global.client.supply()) else { return }
            print("height \(s.height): \(s.holds ? "conservation holds" : "CONSERVATION VIOLATED")")
            var assets = TextTable(header: ["  asset", "genesis", "now", "wallets", "vaults", "pools", ""], rightAligned: [1, 2, 3, 4, 5])
            for a in s.assets {
                assets.add(["  " + a.asset, a.genesis, a.total, a.wallets, a.vaults, a.pools, a.conserved ? "ok" : "MISMATCH"])
            }
            print(assets.render())
            var markets = TextTable(header: ["  market", "longs", "shorts", "open interest", "funding covered", ""], rightAligned: [1, 2, 3])
            for m in s.markets {
                markets.add(["  " + m.market, m.longs, m.shorts, m.openInterest, String(m.fundingCovered), m.balanced ? "ok" : "MISMATCH"])
            }
            print(markets.render())
            print("  insurance fund \(s.insuranceFund) USDC, totals \(s.insuranceAccounted ? "account for it" : "DO NOT ACCOUNT FOR IT")")
            if !s.holds { throw ExitCode(1) }
        }
    }
}

struct KeeperCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keeper", abstract: "Run a keeper bot that liquidates vaults for bounties and works collateral auctions.", subcommands: [Run.self])

    struct Run: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Follow the chain and liquidate every liquidatable vault, logging each result and bounty.",
            discussion: """
                Follows the node's block stream (polling /v1/status when the stream is unavailable). After each \
                block it asks /v1/liquidatable and sends one liquidation per vault and market from --from, into \
                vault --vault; then it asks /v1/auctions, starts an auction for each candidate vault, restarts stale \
                ones and buys collateral priced at or under the oracle less --auction-discount-ppm, paying from --vault. \
                With --dry-run it only simulates them. Runs until interrupted or --blocks sweeps.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "Name of the keeper's key.") var from: String
        @Option(help: "The keeper's vault (bounties and backstop positions go there).") var vault: UInt32 = 0
        @Flag(name: .customLong("dry-run"), help: "Simulate liquidations instead of sending them.") var dryRun = false
        @Option(name: .customLong("poll-ms"), help: "Polling interval when the block stream is unavailable.") var pollMs = 500
        @Option(help: "Stop after this many block sweeps.") var blocks: Int?
        @Flag(name: .customLong("no-auctions"), help: "Only liquidate; leave collateral auctions alone.") var noAuctions = false
        @Option(name: .customLong("auction-discount-ppm"), help: "Buy auctioned collateral only this far (ppm) under the oracle price.")
        var auctionDiscountPpm: UInt32 = 0

        func execute() async throws {
            let keyring = try global.keyring(holding: from)
            let key = try keyring.privateKey(from) { try global.password() }
            var options = Keeper.Options()
            options.vault = vault
            options.dryRun = dryRun
            options.pollInterval = .milliseconds(max(50, pollMs))
            options.maxSweeps = blocks
            options.auctions = !noAuctions
            options.auctionDiscountPpm = auctionDiscountPpm
            var logger = Logger(label: "solvent.keeper")
            logger.logLevel = .warning
            let json = global.output == .json
            let keeper = Keeper(client: RPCClient(baseURL: global.nodeURL, timeoutSeconds: 30, retryConnecting: true), key: key,
                                options: options, logger: logger) { attempt in
                if json {
                    var line: [String: Any] = ["owner": attempt.owner, "vault": attempt.vault, "market": attempt.market]
                    switch attempt.result {
                    case let .liquidated(bounty, closed, _): line["result"] = "liquidated"; line["bounty"] = bounty; line["closed_size"] = closed
                    case let .auction(action, detail, _): line["result"] = "auction"; line["action"] = action; line["detail"] = detail
                    case let .simulated(bounty, closed): line["result"] = "simulated"; line["bounty"] = bounty; line["closed_size"] = closed
                    case let .lost(code, message): line["result"] = "lost"; line["code"] = code; line["message"] = message
                    case let .failed(code, message): line["result"] = "failed"; line["code"] = code; line["message"] = message
                    }
                    if let data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) {
                        FileHandle.standardOutput.write(data + Data("\n".utf8))
                    }
                } else {
                    emit(Keeper.describe(attempt))
                }
            }
            if !json { emit("keeper \(Address(key.publicKey).text) vault \(vault)\(dryRun ? " (dry run)" : "") following \(global.nodeURL)") }
            try await keeper.run()
            if !json { emit("stopped: \(keeper.liquidations) liquidations, \(Amount.format(keeper.earned, decimals: 6)) USDC in bounties") }
        }
    }
}
