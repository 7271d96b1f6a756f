import ArgumentParser
import Foundation
import SolventClient
import SolventCore
import SolventDevnet

/// `solvent scenario backtest POPULATION`: the fund-sufficiency backtest (contracts-spec/devnet.md,
/// "Backtests"). The population file is a scenario (accounts, positions, keepers); each path
/// replaces its prices with a seeded jump-diffusion of a regime drawn from the seed, runs on a
/// fresh devnet, and is measured from the chain at its end: what the insurance fund paid, whether
/// auto-deleveraging ran, the losses socialized. The distributions are printed and plotted.
extension ScenarioCommand {
    struct Backtest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run many seeded crash paths over a population of vaults, each on a fresh devnet; print and plot the insurance fund's draws, the probability of ADL and the bad debt.",
            discussion: """
                Example: `solvent scenario backtest tools/backtests/population.json --paths 20 --seed 1`. Each path draws a \
                regime (calm, volatile or crash: contracts-spec/devnet.md, "Backtests") and a jump-diffusion price path from \
                its seed; the same seed gives the same paths. Writes REPORT/backtest.md, fund-draws.svg and bad-debt.svg.
                """)
        @Argument(help: "The population: a scenario file whose `prices` name the oracle markets to move and their start.") var file: String
        @Option(help: "How many paths.") var paths = 20
        @Option(help: "The first path's seed; path i uses seed + i.") var seed: UInt64 = 1
        @Option(help: "Price steps per path (default: the population's `steps`).") var steps: Int?
        @Option(help: "The insurance fund's starting balance in USDC (default: the devnet genesis's 100000).") var insuranceFund: String?
        @Option(name: .customLong("haircut"), help: "A collateral asset's genesis haircut, ASSET=PPM (repeatable), e.g. BTC=150000.")
        var haircuts: [String] = []
        @Option(help: "Scale every perpetual's, future's and option's tier rates by this many ppm (1000000 = as is; 1500000 = 1.5x).")
        var tierScalePpm: UInt32?
        @Option(help: "Report folder (default: scenario-reports/backtest-NAME).") var report: String?
        @Option(help: "The solventd binary (default: the one next to this solvent, else the first on PATH).") var solventd: String?

        /// A regime's jump-diffusion (devnet.md, "Backtests"): annual volatility, jumps a day and
        /// the jumps' size (the standard deviation of their log-return).
        struct Regime {
            let name: String
            let volatility: Double, jumpsPerDay: Double, jumpSize: Double
            /// Its chance, out of 100.
            let weight: UInt64
        }

        static let regimes = [
            Regime(name: "calm", volatility: 0.6, jumpsPerDay: 2, jumpSize: 0.03, weight: 50),
            Regime(name: "volatile", volatility: 1.2, jumpsPerDay: 6, jumpSize: 0.06, weight: 35),
            Regime(name: "crash", volatility: 1.5, jumpsPerDay: 24, jumpSize: 0.12, weight: 15),
        ]

        /// The path's regime: SplitMix64 of its seed, modulo 100, against the cumulative weights.
        static func regime(seed: UInt64) -> Regime {
            var z = seed &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            var draw = (z ^ (z >> 31)) % 100
            for r in regimes {
                if draw < r.weight { return r }
                draw -= r.weight
            }
            return regimes[regimes.count - 1]
        }

        struct PathResult {
            let seed: UInt64
            let regime: String
            let liquidations: Int
            let fundDraw: Decimal
            let adl: Bool
            let badDebt: Decimal
            let conserved: Bool
        }

        func run() async throws {
            guard paths >= 1, paths <= 1_000 else { throw ValidationError("--paths is from 1 to 1000") }
            guard let data = FileManager.default.contents(atPath: file),
                  let base = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let prices = base["prices"] as? [String: [String: Any]], !prices.isEmpty else {
                throw ClientError("invalid_scenario", "\(file): a population is a scenario file whose `prices` name at least one oracle market")
            }
            let name = base["name"] as? String ?? "population"
            let binary = try SiblingExecutable.locate("solventd", explicit: solventd)
            let scratch = NSTemporaryDirectory() + "solvent-backtest-\(ProcessInfo.processInfo.processIdentifier)"
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            var genesisFile: String?
            if insuranceFund != nil || !haircuts.isEmpty || tierScalePpm != nil {
                var genesis = DevnetKeys.devnetGenesis()
                if let insuranceFund {
                    guard (try? Amount.parse(insuranceFund, decimals: 6)) != nil else {
                        throw ValidationError("--insurance-fund is a USDC amount, like 20000")
                    }
                    genesis.perps.insuranceFund = insuranceFund
                }
                try Self.tune(&genesis, haircuts: haircuts, tierScalePpm: tierScalePpm)
                do {
                    _ = try genesis.initialState()
                } catch {
                    throw ValidationError("these settings make no valid genesis: \(error.message)")
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                genesisFile = scratch + "/genesis.json"
                try encoder.encode(genesis).write(to: URL(fileURLWithPath: genesisFile!))
            }
            let settings = "insurance fund \(insuranceFund ?? "100000") USDC" + haircuts.map { ", haircut \($0)" }.joined()
                + (tierScalePpm.map { ", tier rates × \(Amount.format(UInt128($0), decimals: 6))" } ?? "")
            let started = Date()
            let log: @Sendable (String) -> Void = { line in print(String(format: "[%6.1fs] ", Date().timeIntervalSince(started)) + line) }
            var results = [PathResult]()
            for i in 0..<paths {
                let pathSeed = seed &+ UInt64(i)
                let regime = Self.regime(seed: pathSeed)
                var scenario = base
                scenario["name"] = "\(name)-path-\(i)"
                scenario["prices"] = prices.mapValues { p -> [String: Any] in
                    ["kind": "gbm", "start": p["start"] ?? "0", "volatility": regime.volatility, "jumps_per_day": regime.jumpsPerDay,
                     "jump_size": regime.jumpSize, "seed": pathSeed]
                }
                if let steps { scenario["steps"] = steps }
                scenario["checks"] = [["kind": "conservation"]]
                scenario["replay"] = false
                let pathFile = scratch + "/path-\(i).json"
                try JSONSerialization.data(withJSONObject: scenario).write(to: URL(fileURLWithPath: pathFile))
                let loaded = try ScenarioFile.load(pathFile)
                let devnet = try await ScenarioDevnet.start(binary, port: nil, genesis: genesisFile)
                let runner = ScenarioRunner(scenario: loaded, scenarioDirectory: URL(fileURLWithPath: file).deletingLastPathComponent().path,
                                            client: devnet.client, log: { _ in })
                let outcome: (records: [ScenarioRunner.StepRecord], checks: [ScenarioRunner.CheckResult])
                do {
                    outcome = try await runner.run()
                } catch {
                    devnet.stop()
                    throw ClientError("backtest_setup_failed",
                                      "path \(i): the population could not be set up or played under these settings (\(settings)): \(error)")
                }
                let result = try await Self.measure(devnet.client, seed: pathSeed, regime: regime.name, records: outcome.records,
                                                    conserved: outcome.checks.allSatisfy(\.passed))
                devnet.stop()
                results.append(result)
                log("path \(i) (seed \(pathSeed), \(regime.name)): \(result.liquidations) liquidations, fund paid \(result.fundDraw) USDC, "
                    + "ADL \(result.adl ? "yes" : "no"), bad debt \(result.badDebt) USDC\(result.conserved ? "" : ", CONSERVATION FAILED")")
            }
            let directory = report ?? "scenario-reports/backtest-\(name)"
            try Self.write(results, population: name, settings: settings, to: directory)
            for line in Self.summary(results) { log(line) }
            log("report: \(directory)/ (backtest.md, fund-draws.svg, bad-debt.svg)")
            guard results.allSatisfy(\.conserved) else { throw ExitCode(1) }
        }

        /// The risk team's settings (devnet.md, "Backtests"): genesis haircuts per asset, and every
        /// market's tier rates scaled (rounded up, at most 100%).
        static func tune(_ genesis: inout Genesis, haircuts: [String], tierScalePpm: UInt32?) throws {
            for h in haircuts {
                let parts = h.split(separator: "=").map(String.init)
                guard parts.count == 2, let ppm = UInt32(parts[1]),
                      let i = genesis.assets.firstIndex(where: { $0.symbol == parts[0].uppercased() }) else {
                    throw ValidationError("--haircut is ASSET=PPM with a genesis asset, like BTC=150000 ('\(h)')")
                }
                genesis.assets[i].collateralHaircutPpm = ppm
            }
            guard let scale = tierScalePpm else { return }
            guard scale > 0 else { throw ValidationError("--tier-scale-ppm is above 0") }
            func scaled(_ rate: UInt32) -> UInt32 { UInt32(min(1_000_000, (UInt64(rate) * UInt64(scale) + 999_999) / 1_000_000)) }
            for m in genesis.perps.markets.indices {
                for t in genesis.perps.markets[m].marginTiers.indices {
                    genesis.perps.markets[m].marginTiers[t].initialPpm = scaled(genesis.perps.markets[m].marginTiers[t].initialPpm)
                    genesis.perps.markets[m].marginTiers[t].maintenancePpm = scaled(genesis.perps.markets[m].marginTiers[t].maintenancePpm)
                }
            }
        }

        /// The chain's own figures at the end of a path: the fund's payouts (deficits and bounty
        /// top-ups), whether ADL spared it anything, and the socialized losses in its log.
        static func measure(_ client: RPCClient, seed: UInt64, regime: String, records: [ScenarioRunner.StepRecord],
                            conserved: Bool) async throws -> PathResult {
            func dec(_ s: String) -> Decimal { Decimal(string: s, locale: Locale(identifier: "en_US_POSIX")) ?? 0 }
            var page = try await client.insurance(limit: 200).value
            let draw = dec(page.deficitsPaid) + dec(page.bountyTopUps)
            let deleveraged = dec(page.deficitsDeleveraged) > 0
            var socialized: Decimal = 0
            while true {
                for e in page.entries where e.flow == "socialized" { socialized += dec(e.amount) }
                guard let next = page.nextBefore else { break }
                page = try await client.insurance(limit: 200, before: next).value
            }
            let adl = deleveraged || records.contains { $0.adlEvents > 0 }
            return PathResult(seed: seed, regime: regime, liquidations: records.reduce(0) { $0 + $1.liquidations }, fundDraw: draw, adl: adl,
                              badDebt: socialized, conserved: conserved)
        }

        static func quantile(_ sorted: [Decimal], _ q: Double) -> Decimal {
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded(.up)))]
        }

        static func summary(_ r: [PathResult]) -> [String] {
            let draws = r.map(\.fundDraw).sorted(), debts = r.map(\.badDebt).sorted()
            let mean = draws.reduce(0, +) / Decimal(r.count)
            let adl = r.filter(\.adl).count, debtPaths = r.filter { $0.badDebt > 0 }.count
            return [
                "\(r.count) paths: insurance fund paid mean \(Self.round(mean)), p50 \(quantile(draws, 0.5)), p95 \(quantile(draws, 0.95)), max \(draws.last ?? 0) USDC",
                "ADL in \(adl) of \(r.count) paths (\(Self.round(Decimal(adl) * 100 / Decimal(r.count)))%); bad debt (socialized) in \(debtPaths) "
                    + "(\(Self.round(Decimal(debtPaths) * 100 / Decimal(r.count)))%), max \(debts.last ?? 0) USDC",
                "regimes: " + regimes.map { g in "\(g.name) \(r.filter { $0.regime == g.name }.count)" }.joined(separator: ", "),
            ]
        }

        static func round(_ d: Decimal) -> Decimal {
            var v = d, out = Decimal()
            NSDecimalRound(&out, &v, 2, .plain)
            return out
        }

        static func write(_ r: [PathResult], population: String, settings: String, to directory: String) throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var md = "# Backtest of \(population), \(settings)\n\n" + summary(r).map { "- \($0)\n" }.joined()
            md += "\n| path seed | regime | liquidations | fund paid (USDC) | ADL | bad debt (USDC) | conserved |\n|---|---|---|---|---|---|---|\n"
            for p in r {
                md += "| \(p.seed) | \(p.regime) | \(p.liquidations) | \(p.fundDraw) | \(p.adl ? "yes" : "no") | \(p.badDebt) | \(p.conserved ? "yes" : "NO") |\n"
            }
            try md.write(toFile: directory + "/backtest.md", atomically: true, encoding: .utf8)
            // Each distribution as its sorted values: the empirical quantile function.
            func sorted(_ values: [Decimal]) -> [Double] { values.sorted().map { NSDecimalNumber(decimal: $0).doubleValue } }
            try SVGChart.render(title: "Insurance fund paid per path, sorted (the distribution's quantiles)", xLabel: "path (sorted)",
                                yLabel: "USDC", series: [.init("fund paid", sorted(r.map(\.fundDraw)))], bars: true, zeroBased: true)
                .write(toFile: directory + "/fund-draws.svg", atomically: true, encoding: .utf8)
            try SVGChart.render(title: "Bad debt (socialized losses) per path, sorted", xLabel: "path (sorted)", yLabel: "USDC",
                                series: [.init("bad debt", sorted(r.map(\.badDebt)))], bars: true, zeroBased: true)
                .write(toFile: directory + "/bad-debt.svg", atomically: true, encoding: .utf8)
        }
    }
}
