import ArgumentParser
import SolventClient
import SolventCore
import SolventWire

extension Tx {
    struct AssetCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "asset", abstract: "Admin: collateral assets' haircut rules.", subcommands: [HaircutRule.self])

        struct HaircutRule: ClientCommand {
            static let configuration = CommandConfiguration(
                commandName: "haircut-rule",
                abstract: "Make a collateral asset's haircut follow its volatility, at a bounded rate (contracts-spec/haircuts.md).",
                discussion: """
                    Examples: `solvent tx asset haircut-rule BTC --vol BTC-IV --scale-ppm 200000 --cap-ppm 500000 \
                    --rate-ppm-per-hour 360000 --step-ppm 5000 --from admin` (the haircut heads for 20% of BTC-IV, \
                    floored at the genesis haircut, capped at 50%, moving at most 0.1 point a second and 0.5 point a block); \
                    `--vol realized --window-ms 86400000` uses the volatility of the asset's own price over a day instead. \
                    `--scale-ppm 0` removes the rule (the haircut returns to its genesis value at once).
                    """)
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @Argument(help: "The collateral asset, e.g. BTC.") var asset: String
            @Option(help: "An implied-volatility feed (e.g. BTC-IV), or `realized`.") var vol: String = "realized"
            @Option(help: "Realized only: the averaging window, ms of block time (1000 to 2592000000).") var windowMs: UInt64 = 0
            @Option(help: "Target haircut per unit of volatility, ppm (1 to 10000000; 0 removes the rule).") var scalePpm: UInt32
            @Option(help: "The largest haircut, ppm (the genesis haircut to 950000).") var capPpm: UInt32 = 0
            @Option(help: "The fastest the haircut moves, ppm per hour of block time (1 to 1000000).") var ratePpmPerHour: UInt32 = 0
            @Option(help: "The most it moves in one block, and the initial haircut's lead, ppm (1 to 100000).") var stepPpm: UInt32 = 0

            func execute() async throws {
                let resolved = try await TransactionBuilder(client: global.client).asset(asset)
                var volMarket: UInt32 = 0
                if vol.lowercased() != "realized" {
                    let markets = try await global.client.oracle().value.markets
                    guard let feed = markets.first(where: { $0.symbol.uppercased() == vol.uppercased() }) else {
                        throw ClientError("unknown_oracle_market", "oracle market \(vol) does not exist (known: \(markets.map(\.symbol).joined(separator: ", ")))")
                    }
                    volMarket = feed.id
                }
                try await signAndSend(.assetSetHaircutRule(DynamicHaircuts.Settings(
                    asset: resolved.id, volMarket: volMarket, windowMs: windowMs, scalePpm: scalePpm, capPpm: capPpm,
                    ratePpmPerHour: ratePpmPerHour, stepPpm: stepPpm)), global, signing)
            }
        }
    }
}

extension Query.Assets {
    /// One line per asset; a collateral asset's haircut, and where a dynamic one stands.
    static func describe(_ a: AssetReply) -> String {
        var line = "\(a.id)  \(a.symbol.padding(toLength: 6, withPad: " ", startingAt: 0)) \(a.decimals) decimals"
        if let floor = a.haircutPpm { line += "   haircut \(Self.percent(floor))" }
        if let r = a.haircutRule {
            line += " (floor) -> now \(Self.percent(r.haircutPpm)), initial \(Self.percent(r.initialHaircutPpm)), target \(Self.percent(r.targetPpm))"
            line += ", volatility \(Self.percent(r.volatilityPpm)) from \(r.source)"
        }
        return line
    }

    static func percent(_ ppm: some BinaryInteger) -> String { Amount.format(UInt128(ppm), decimals: 4) + "%" }
}
