import ArgumentParser
import Foundation
import SolventClient
import SolventCore
import SolventCrypto
import SolventWire

/// `solvent oracle feed`: run oracle signer keys against a node.
struct OracleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oracle", abstract: "Oracle tools: run a price feeder.",
        subcommands: [Feed.self])

    struct Feed: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign and relay price updates every interval from several oracle keys.",
            discussion: """
                Keys come from --devnet-config (the file `solventd devnet --config-out` writes: the devnet's \
                signer and relayer keys) or from --signers FILE (one private key in hex per line, or JSON \
                {"signers": [...], "relayer": "..."}) with the relaying account given by --from NAME or in the file.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("devnet-config"), help: "Devnet config JSON with the oracle signer and relayer keys.")
        var devnetConfig: String?
        @Option(name: .long, help: "File with oracle signer private keys.") var signers: String?
        @Option(name: .long, help: "Key name of the account that relays the updates (pays the nonce).") var from: String?

        @Option(name: .long, help: "Market to feed (repeatable; default: all).") var market: [String] = []
        @Option(name: .customLong("interval-ms"), help: "Milliseconds between updates.") var intervalMs = 1000
        @Option(name: .long, help: "Price path: constant, gbm or csv.") var path = "gbm"
        @Option(name: .long, help: "CSV of timestamp,price for --path csv (one row per update).") var csv: String?
        @Option(name: .long, help: "GBM annualised volatility (0.8 = 80%).") var volatility = 0.8
        @Option(name: .long, help: "GBM annualised drift.") var drift = 0.0
        @Option(name: .customLong("jumps-per-day"), help: "GBM expected jumps per day.") var jumpsPerDay = 2.0
        @Option(name: .customLong("jump-size"), help: "GBM jump size, the log-return standard deviation.") var jumpSize = 0.05
        @Option(name: .long, help: "Random seed for the GBM path.") var seed: UInt64 = 1
        @Option(name: .customLong("start-price"), help: "SYMBOL=PRICE starting price (repeatable; default: the on-chain price).")
        var startPrice: [String] = []
        @Option(name: .long, help: "This many signers report a manipulated price.") var liars = 0
        @Option(name: .customLong("lie-factor"), help: "Lying signers report price × this.") var lieFactor = 1.5
        @Option(name: .long, help: "This many signers never report.") var silent = 0
        @Option(name: .customLong("silent-after"), help: "Every signer goes silent after this many seconds.") var silentAfter: Double?
        @Option(name: .long, help: "Stop after this many updates per market.") var ticks: Int?

        func execute() async throws {
            let (keys, relayer) = try loadKeys()
            var options = OracleFeeder.Options()
            options.markets = market
            options.intervalMs = intervalMs
            options.liars = liars
            options.lieFactor = lieFactor
            options.silent = silent
            options.silentAfterSeconds = silentAfter
            options.ticks = ticks
            switch path {
            case "constant": options.path = .constant
            case "gbm": options.path = .gbm(GBMParameters(drift: drift, volatility: volatility, jumpsPerDay: jumpsPerDay, jumpSize: jumpSize, seed: seed))
            case "csv":
                guard let csv else { throw ClientError("invalid_argument", "--path csv needs --csv FILE") }
                options.path = try PricePathSpec.csv(contentsOf: csv)
            default: throw ClientError("invalid_argument", "--path must be constant, gbm or csv")
            }
            for item in startPrice {
                let parts = item.split(separator: "=")
                guard parts.count == 2, let p = Double(parts[1]), p > 0 else {
                    throw ClientError("invalid_argument", "--start-price takes SYMBOL=PRICE, e.g. BTC-USD=60000")
                }
                options.startPrices[parts[0].uppercased()] = p
            }
            let json = global.output == .json
            let feeder = OracleFeeder(client: global.client, signers: keys, relayer: relayer, options: options) { line in
                if !json { print(line) }
                fflush(nil)
            }
            let ticks = try await feeder.run()
            if json {
                global.printJSON(ticks.map { ["market": $0.market, "true_price": String($0.truePrice), "reporting": String($0.reporting), "outcome": $0.outcome] })
            }
        }

        func loadKeys() throws -> ([PrivateKey], PrivateKey) {
            if let devnetConfig {
                let config = try DevnetConfig.read(from: devnetConfig)
                let keys = try config.oracle.signers.map { try $0.key() }
                if let from { return (keys, try relayerKey(from)) }
                guard let relayer = try config.oracle.relayer?.key() else {
                    throw ClientError("no_relayer", "\(devnetConfig) names no oracle relayer; pass --from NAME")
                }
                return (keys, relayer)
            }
            guard let signers else {
                throw ClientError("invalid_argument", "give --devnet-config FILE or --signers FILE")
            }
            guard let text = try? String(contentsOfFile: signers, encoding: .utf8) else {
                throw ClientError("invalid_argument", "cannot read \(signers)")
            }
            var hexes: [String]
            var relayerHex: String?
            if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
                hexes = object["signers"] as? [String] ?? []
                relayerHex = object["relayer"] as? String
            } else {
                hexes = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
            }
            let keys = try hexes.map { hex -> PrivateKey in
                guard let seed = Hex.decode(hex), let key = PrivateKey(seed: seed) else {
                    throw ClientError("invalid_private_key", "\(signers): '\(hex.prefix(8))...' is not a private key")
                }
                return key
            }
            guard !keys.isEmpty else { throw ClientError("invalid_argument", "\(signers) holds no signer keys") }
            if let from { return (keys, try relayerKey(from)) }
            guard let relayerHex, let seed = Hex.decode(relayerHex), let relayer = PrivateKey(seed: seed) else {
                throw ClientError("no_relayer", "name the relaying account with --from NAME (or \"relayer\" in \(signers))")
            }
            return (keys, relayer)
        }

        func relayerKey(_ name: String) throws -> PrivateKey {
            try global.keyring(holding: name).privateKey(name) { try global.password() }
        }
    }
}

extension Query {
    struct OracleQuery: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "oracle", abstract: "Oracle prices: price, age, status and the reports used.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Market symbol (e.g. BTC-USD) or id; all markets when omitted.") var market: String?

        func execute() async throws {
            if let market {
                guard let value = global.forText(try await global.client.oracleMarket(market)) else { return }
                Self.printMarket(value)
            } else {
                guard let value = global.forText(try await global.client.oracle()) else { return }
                let c = value.config
                print("oracle at height \(value.height): \(value.signers.count) signers, quorum \(c.quorum), stale after \(c.staleAfterMs) ms, max move \(Double(c.maxMovePpm) / 10_000)% per update")
                for m in value.markets { Self.printMarket(m) }
            }
        }

        static func printMarket(_ m: OracleMarketReply) {
            let age = m.ageMs.map { String(format: "%.1f s old", Double($0) / 1000) } ?? "never priced"
            // Wide enough for a dated volatility feed (BTC-IV-26MAR27); a longer symbol is never cut.
            print("\(m.symbol.padding(toLength: max(14, m.symbol.count), withPad: " ", startingAt: 0)) \((m.price ?? "-").padding(toLength: 18, withPad: " ", startingAt: 0)) \(m.status.padding(toLength: 8, withPad: " ", startingAt: 0)) \(age), \(m.reports.count) reports"
                + (m.median != nil && m.median != m.price ? " (median \(m.median!))" : ""))
        }
    }
}

extension Tx {
    /// Admin-only oracle controls.
    struct OracleAdminCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "oracle", abstract: "Admin: change the oracle's signers and limits, and the volatility surfaces.",
            subcommands: [AddSigner.self, RemoveSigner.self, SetConfig.self, Surface.self])

        struct Surface: ClientCommand {
            static let configuration = CommandConfiguration(
                abstract: "Give a volatility feed a surface: options marked with it take their volatility at their own expiry (contracts-spec/vol-surface.md).",
                discussion: """
                    Example: `solvent tx oracle surface BTC-IV BTC-IV-26MAR27 BTC-IV-25JUN27 --from admin`. \
                    With no points the surface is removed and the options go back to the feed itself.
                    """)
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @Argument(help: "The volatility feed options name, e.g. BTC-IV.") var feed: String
            @Argument(help: "Its dated feeds, e.g. BTC-IV-26MAR27 (at most 8).") var points: [String] = []

            func execute() async throws {
                let markets = try await global.client.oracle().value.markets
                func id(_ symbol: String) throws -> UInt32 {
                    guard let m = markets.first(where: { $0.symbol == symbol.uppercased() }) else {
                        throw ClientError("unknown_oracle_market", "oracle market \(symbol) does not exist (known: \(markets.map(\.symbol).joined(separator: ", ")))")
                    }
                    return m.id
                }
                try await signAndSend(.oracleSetSurface(base: try id(feed), points: try points.map(id)), global, signing)
            }
        }

        /// What adding and removing a signer both take: the admin's signing options and the
        /// signer (public key hex or sv1 address); only the action differs.
        struct SignerArguments: ParsableArguments {
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @Argument var signer: String

            func send(_ action: (_ signer: Bytes32) -> TxAction) async throws {
                try await global.run { try await signAndSend(action(try resolveAddress(signer, global).key), global, signing) }
            }
        }

        struct AddSigner: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add-signer", abstract: "Whitelist an oracle signer (public key hex or sv1 address).")
            @OptionGroup var change: SignerArguments
            func run() async throws { try await change.send(TxAction.oracleAddSigner) }
        }

        struct RemoveSigner: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "remove-signer", abstract: "Remove an oracle signer.")
            @OptionGroup var change: SignerArguments
            func run() async throws { try await change.send(TxAction.oracleRemoveSigner) }
        }

        struct SetConfig: ClientCommand {
            static let configuration = CommandConfiguration(commandName: "set-config", abstract: "Change the quorum and limits; unset flags keep their current values.")
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @Option var quorum: UInt8?
            @Option(name: .customLong("max-report-age-ms")) var maxReportAgeMs: UInt64?
            @Option(name: .customLong("max-future-skew-ms")) var maxFutureSkewMs: UInt64?
            @Option(name: .customLong("min-update-interval-ms")) var minUpdateIntervalMs: UInt64?
            @Option(name: .customLong("max-move-ppm")) var maxMovePpm: UInt32?
            @Option(name: .customLong("stale-after-ms")) var staleAfterMs: UInt64?

            func execute() async throws {
                let c = try await global.client.oracle().value.config
                let settings = OracleSettings(
                    quorum: quorum ?? UInt8(c.quorum), maxReportAgeMs: maxReportAgeMs ?? c.maxReportAgeMs,
                    maxFutureSkewMs: maxFutureSkewMs ?? c.maxFutureSkewMs, minUpdateIntervalMs: minUpdateIntervalMs ?? c.minUpdateIntervalMs,
                    maxMovePpm: maxMovePpm ?? c.maxMovePpm, staleAfterMs: staleAfterMs ?? c.staleAfterMs)
                try await signAndSend(.oracleSetSettings(settings), global, signing)
            }
        }
    }
}
