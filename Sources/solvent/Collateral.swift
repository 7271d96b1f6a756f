import ArgumentParser
import SolventClient
import SolventCore
import SolventWire

extension Tx {
    struct AssetCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "asset", abstract: "Admin: collateral assets' haircut rules and yield assets' rates.",
            subcommands: [HaircutRule.self, Yield.self])

        struct Yield: ClientCommand {
            static let configuration = CommandConfiguration(
                abstract: "Set a yield asset's annual rate from now on, or write its exchange rate down (a de-peg; contracts-spec/yield-assets.md).",
                discussion: """
                    Examples: `solvent tx asset yield SUSDC --apr-ppm 40000 --from admin` (4% a year from this block);                     `solvent tx asset yield SUSDC --apr-ppm 50000 --writedown-ppm 300000 --from admin` (every share is worth 30% less).
                    """)
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @Argument(help: "The yield asset, e.g. SUSDC.") var asset: String
            @Option(help: "The annual rate from now on, ppm (at most 1000000).") var aprPpm: UInt32
            @Option(help: "Write the exchange rate down by this much, ppm (below 1000000).") var writedownPpm: UInt32 = 0

            func execute() async throws {
                let resolved = try await TransactionBuilder(client: global.client).asset(asset)
                try await signAndSend(.assetSetYield(asset: resolved.id, aprPpm: aprPpm, writedownPpm: writedownPpm), global, signing)
            }
        }

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
        if let y = a.yield { line += "   yield \(Self.percent(y.aprPpm)) a year, 1 share = \(y.rateNow) USDC (counts at \(y.priceNow))" }
        return line
    }

    static func percent(_ ppm: some BinaryInteger) -> String { Amount.format(UInt128(ppm), decimals: 4) + "%" }
}
