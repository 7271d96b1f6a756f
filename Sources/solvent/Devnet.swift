import ArgumentParser
import Foundation
import SolventClient
import SolventCore
import SolventWire

/// `solvent devnet ...`: the devnet controls (contracts-spec/devnet.md). A node not in devnet
/// mode refuses each with `devnet_only`.
extension DevnetCommand {
    static func show<T>(_ reply: RPCClient.Reply<T>, _ global: GlobalOptions, _ summary: (T) -> String) {
        if let value = global.forText(reply) { print(summary(value)) }
    }

    struct Advance: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move the chain clock forward and mine up to it (funding accrues, expiries settle).",
            discussion: "DURATION is like 8h, 90m, 30s, 1500ms or 2d. Prices are refreshed at their current values every hour on the way (an oracle_override block one second before each hour), so funding is paid for each hour crossed; --no-refresh-prices jumps and lets them go stale.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "How far, e.g. 8h.") var duration: String
        @Flag(name: .customLong("no-refresh-prices"), help: "Jump without refreshing prices.") var noRefresh = false

        func execute() async throws {
            let r = try await global.client.devnet("advance", AdvanceRequest(duration: duration, refreshPrices: !noRefresh), as: ClockReply.self)
            show(r, global) { c in
                "advanced to \(c.blockTime) (height \(c.height), \(c.mined ?? 0) blocks mined); "
                    + "funding applied \(c.fundingEvents ?? 0) times; settled: \(c.settledMarkets.flatMap { $0.isEmpty ? nil : $0.joined(separator: ",") } ?? "none")"
            }
        }
    }

    struct Time: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "set-time", abstract: "Set the next block's time (a UTC time like 2027-03-26T08:00:00Z, or milliseconds).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The next block's time.") var time: String

        func execute() async throws {
            let r = try await global.client.devnet("time", NextBlockTimeRequest(nextBlockTime: time), as: NextBlockTimeReply.self)
            show(r, global) { "the next block will be at \($0.nextBlockTime)" }
        }
    }

    struct Mode: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "block-mode", abstract: "Switch block production: interval [--interval-ms N], automine or manual.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "interval, automine or manual.") var mode: String
        @Option(name: .customLong("interval-ms"), help: "Block interval for interval mode.") var intervalMs: Int?

        func execute() async throws {
            let r = try await global.client.devnet("block-mode", BlockModeRequest(mode: mode, intervalMs: intervalMs), as: BlockModeReply.self)
            show(r, global) { "block mode: \($0.description)" }
        }
    }

    struct Oracle: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set an oracle price directly (an oracle_override by the devnet admin; its event says source=devnet_override).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Oracle market, e.g. BTC-USD or BTC-IV.") var market: String
        @Argument(help: "The price.") var price: String
        @Flag(name: .customLong("no-mine"), help: "Only submit it; do not mine a block.") var noMine = false

        func execute() async throws {
            let r = try await global.client.devnet("oracle", OracleOverrideRequest(market: market, price: price, mine: !noMine),
                                                   as: OracleOverrideReply.self)
            show(r, global) { "\($0.market) set to \($0.price) (tx \($0.txHash.prefix(16)), height \($0.height.map(String.init) ?? "pending"))" }
        }
    }

    struct Snapshot: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Remember the chain as it is now; `devnet revert ID` comes back to it.")
        @OptionGroup var global: GlobalOptions

        func execute() async throws {
            let r = try await global.client.devnet("snapshot", [String: String](), as: SnapshotReply.self)
            show(r, global) { "snapshot \($0.id) at height \($0.height), app hash \($0.appHash)" }
        }
    }

    struct Revert: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Take the chain back to a snapshot (state, history and head); it and later snapshots are used up.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Snapshot id.") var id: String

        func execute() async throws {
            let r = try await global.client.devnet("revert", RevertRequest(id: id), as: ClockReply.self)
            show(r, global) { "reverted to height \($0.height) (\($0.blockTime)), app hash \($0.appHash)" }
        }
    }

    struct Dump: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save the whole chain (genesis and every block) to a file; `solventd load --home DIR FILE` rebuilds it.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Output file.") var file: String

        func execute() async throws {
            let bytes = try await global.client.devnetDump()
            guard FileManager.default.createFile(atPath: file, contents: Data(bytes)) else {
                throw ClientError("write_failed", "cannot write \(file)")
            }
            struct Written: Encodable { let file: String, bytes: Int }
            global.show(Written(file: file, bytes: bytes.count), text: "wrote \(bytes.count) bytes to \(file)")
        }
    }
}
