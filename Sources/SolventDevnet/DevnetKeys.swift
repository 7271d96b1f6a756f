import SolventCore
import SolventCrypto

/// Well-known devnet keys, derived from a published seed phrase so that every devnet has the
/// same funded accounts (contracts-spec/genesis.md, "Devnet keys"). These keys are public:
/// anything they hold on any chain can be taken by anyone.
///
///     seed(label) = SHA-256(ASCII(phrase + "/" + label))
///     dev account i:   label = "dev/" + i          (i = 0, 1, 2, ...)
///     validator:       label = "validator"
///     admin:           label = "admin"
///     oracle signer j: label = "oracle/" + j       (j = 0 ... 4)
///     oracle relayer:  label = "oracle/relayer"    (the account the devnet feeder sends updates from)
public enum DevnetKeys {
    public static let seedPhrase = "solvent devnet insecure seed: these keys are public, never hold value with them"
    public static let warning =
        "WARNING: these dev keys are derived from a published seed and are PUBLIC. Anyone can spend what they hold. Use them on a local devnet only."

    public static func key(phrase: String = seedPhrase, label: String) -> PrivateKey {
        PrivateKey(seed: SHA256.hash(Array((phrase + "/" + label).utf8)).bytes)!
    }

    public static func account(_ index: Int, phrase: String = seedPhrase) -> PrivateKey {
        key(phrase: phrase, label: "dev/\(index)")
    }

    public static func validator(phrase: String = seedPhrase) -> PrivateKey {
        key(phrase: phrase, label: "validator")
    }

    public static func admin(phrase: String = seedPhrase) -> PrivateKey {
        key(phrase: phrase, label: "admin")
    }

    public static func oracleSigner(_ index: Int, phrase: String = seedPhrase) -> PrivateKey {
        key(phrase: phrase, label: "oracle/\(index)")
    }

    public static func oracleRelayer(phrase: String = seedPhrase) -> PrivateKey {
        key(phrase: phrase, label: "oracle/relayer")
    }

    public static let oracleSignerCount = 5

    public static let devnetChainId = "solvent-devnet-1"

    /// A devnet market: 0.02% maker, 0.05% taker, hourly funding sampled every minute, capped at
    /// 0.5% per hour, with a 10,000 USDC impact notional.
    static func perp(_ id: UInt32, _ symbol: String, oracle: String, tick: String, step: String, min: String,
                     tiers: [(String?, UInt32, UInt32)]) -> Genesis.PerpMarketSpec {
        Genesis.PerpMarketSpec(
            id: id, symbol: symbol, oracleMarket: oracle, tickSize: tick, stepSize: step, minOrderSize: min,
            makerFeePpm: 200, takerFeePpm: 500,
            marginTiers: tiers.map { .init(maxNotional: $0.0, initialPpm: $0.1, maintenancePpm: $0.2) },
            fundingIntervalMs: 3_600_000, fundingSampleIntervalMs: 60_000, fundingRateCapPpm: 5_000, impactNotional: "10000")
    }
    /// A devnet dated future: the perpetual's grid and tiers, no funding.
    static func future(_ id: UInt32, _ base: String, tick: String, step: String, min: String, tiers: [(String?, UInt32, UInt32)]) -> Genesis.PerpMarketSpec {
        var m = perp(id, "\(base)-\(devnetExpiryTag)", oracle: "\(base)-USD", tick: tick, step: step, min: min, tiers: tiers)
        m.fundingIntervalMs = nil
        m.fundingSampleIntervalMs = nil
        m.fundingRateCapPpm = nil
        m.kind = "future"
        m.expiry = devnetExpiry
        return m
    }

    /// A devnet option: premiums on a 1-dollar (BTC) or 10-cent (ETH) tick; a short option needs
    /// 15% of the underlying's notional less how far out of the money it is, at least 7.5%.
    static func option(_ id: UInt32, _ base: String, strike: String, call: Bool, tick: String, step: String, min: String) -> Genesis.PerpMarketSpec {
        var m = Genesis.PerpMarketSpec(
            id: id, symbol: "\(base)-\(devnetExpiryTag)-\(strike)-\(call ? "C" : "P")", oracleMarket: "\(base)-USD", tickSize: tick,
            stepSize: step, minOrderSize: min, makerFeePpm: 200, takerFeePpm: 500,
            marginTiers: [.init(maxNotional: nil, initialPpm: 150_000, maintenancePpm: 75_000)],
            fundingIntervalMs: nil, fundingSampleIntervalMs: nil, fundingRateCapPpm: nil, impactNotional: "1000")
        m.kind = "option"
        m.expiry = devnetExpiry
        m.strike = strike
        m.optionType = call ? "call" : "put"
        m.volatilityOracle = "\(base)-IV"
        return m
    }

    /// The devnet's dated markets all expire at the March 2027 quarterly expiry.
    public static let devnetExpiry = "2027-03-26T08:00:00Z"
    static let devnetExpiryTag = "26MAR27"

    /// Devnet portfolio margin: a ±15% scan in 5% steps, volatility ±25%, ±30% extremes at 35%,
    /// 1% contingencies, a 2% closeout contingency per position (60% of it, 1.2%, is above the
    /// liquidation fee plus the keeper's discount, 1%), maintenance 60% of initial, a 50% BTC/ETH
    /// spread credit.
    public static let devnetPortfolio = Genesis.PortfolioSpec(
        priceRangePpm: 150_000, priceSteps: 3, volMovePpm: 250_000, extremeMovePpm: 300_000, extremeCoverPpm: 350_000,
        shortOptionPpm: 10_000, hedgedDeltaPpm: 10_000, maintenancePpm: 600_000, closeoutPpm: 20_000,
        credits: [.init(first: "BTC-USD", second: "ETH-USD", creditPpm: 500_000)])

    public static let accountCount = 10

    /// Devnet liquidations: a 0.5% fee capped at 50,000 USDC; the keeper gets 1 USDC plus 20% of
    /// the fee, at most 5,000 USDC; positions close to 10% above maintenance, at most 2,000,000
    /// USDC of a position and 5,000,000 USDC of a vault per block; backstops at 0.5% off the oracle.
    public static let devnetLiquidation = Genesis.LiquidationSpec(
        feePpm: 5_000, maxFee: "50000", keeperTip: "1", keeperSharePpm: 200_000, maxBounty: "5000", bufferPpm: 100_000,
        maxPositionNotionalPerBlock: "2000000", maxVaultNotionalPerBlock: "5000000", backstopDiscountPpm: 5_000)

    /// The devnet's insurance fund starts with 100,000 USDC, created at genesis as part of the USDC
    /// supply (insurance-and-adl.md, "The fund"), so the first deficits are paid and a crash has to
    /// be large to reach auto-deleveraging.
    public static let devnetInsuranceFund = "100000"

    /// The genesis `genesis/devnet.json` holds; a test keeps the file and this function equal, and
    /// `solventd genesis devnet` prints it.
    public static func devnetGenesis() -> Genesis {
        var accounts = (0..<accountCount).map { i in
            Genesis.GenesisAccount(
                name: "dev\(i)",
                address: Address(account(i).publicKey).text,
                wallet: [
                    .init(asset: "USDC", amount: "1000000"),
                    .init(asset: "BTC", amount: "10"),
                    .init(asset: "ETH", amount: "100"),
                    .init(asset: "SUSDC", amount: "100000"),
                ])
        }
        // The admin and the feeder's relayer send transactions, so they need accounts.
        accounts.append(.init(name: "admin", address: Address(admin().publicKey).text, wallet: [.init(asset: "USDC", amount: "1000")]))
        accounts.append(.init(name: "oracle-relayer", address: Address(oracleRelayer().publicKey).text,
                              wallet: [.init(asset: "USDC", amount: "1000")]))
        return Genesis(
            chainId: devnetChainId,
            genesisTimeMs: 1_767_225_600_000,  // 2026-01-01T00:00:00Z
            validator: validator().publicKey.hex,
            admin: admin().publicKey.hex,
            assets: [
                .init(id: 0, symbol: "USDC", decimals: 6),
                .init(id: 1, symbol: "BTC", decimals: 8, collateralHaircutPpm: 100_000),
                .init(id: 2, symbol: "ETH", decimals: 18, collateralHaircutPpm: 150_000),
                // Savings USDC (yield-assets.md): shares whose rate grows 5% a year.
                .init(id: 3, symbol: "SUSDC", decimals: 6, collateralHaircutPpm: 20_000, yieldAprPpm: 50_000),
            ],
            params: .standard,
            accounts: accounts,
            oracle: .init(
                signers: (0..<oracleSignerCount).map { oracleSigner($0).publicKey.hex },
                settings: OracleSettings(quorum: 3, maxReportAgeMs: 30_000, maxFutureSkewMs: 5_000, minUpdateIntervalMs: 500,
                                         maxMovePpm: 100_000, staleAfterMs: 60_000),
                markets: [
                    .init(id: 1, symbol: "BTC-USD", asset: "BTC", initialPrice: "60000"),
                    .init(id: 2, symbol: "ETH-USD", asset: "ETH", initialPrice: "3000"),
                    .init(id: 3, symbol: "SOL-USD", asset: nil, initialPrice: "150"),
                    .init(id: 4, symbol: "BTC-IV", asset: nil, initialPrice: "0.6"),
                    .init(id: 5, symbol: "ETH-IV", asset: nil, initialPrice: "0.7"),
                    // BTC-IV's surface points (vol-surface.md): used once the admin sets the surface.
                    .init(id: 6, symbol: "BTC-IV-26MAR27", asset: nil, initialPrice: "0.6"),
                    .init(id: 7, symbol: "BTC-IV-25JUN27", asset: nil, initialPrice: "0.65"),
                ]),
            perps: .init(insuranceFeeSharePpm: 500_000, insuranceFund: devnetInsuranceFund, liquidation: devnetLiquidation, markets: [
                perp(1, "BTC-PERP", oracle: "BTC-USD", tick: "1", step: "0.0001", min: "0.001",
                     tiers: [("1000000", 50_000, 30_000), ("5000000", 100_000, 50_000), (nil, 200_000, 100_000)]),
                perp(2, "ETH-PERP", oracle: "ETH-USD", tick: "0.01", step: "0.001", min: "0.01",
                     tiers: [("500000", 50_000, 30_000), ("2500000", 100_000, 50_000), (nil, 200_000, 100_000)]),
                perp(3, "SOL-PERP", oracle: "SOL-USD", tick: "0.001", step: "0.1", min: "1",
                     tiers: [("250000", 100_000, 50_000), (nil, 200_000, 100_000)]),
                future(4, "BTC", tick: "1", step: "0.0001", min: "0.001",
                       tiers: [("1000000", 50_000, 30_000), ("5000000", 100_000, 50_000), (nil, 200_000, 100_000)]),
                future(5, "ETH", tick: "0.01", step: "0.001", min: "0.01",
                       tiers: [("500000", 50_000, 30_000), ("2500000", 100_000, 50_000), (nil, 200_000, 100_000)]),
                option(6, "BTC", strike: "60000", call: true, tick: "1", step: "0.0001", min: "0.001"),
                option(7, "BTC", strike: "60000", call: false, tick: "1", step: "0.0001", min: "0.001"),
                option(8, "BTC", strike: "70000", call: true, tick: "1", step: "0.0001", min: "0.001"),
                option(9, "BTC", strike: "50000", call: false, tick: "1", step: "0.0001", min: "0.001"),
                option(10, "ETH", strike: "3000", call: true, tick: "0.1", step: "0.001", min: "0.01"),
                option(11, "ETH", strike: "3000", call: false, tick: "0.1", step: "0.001", min: "0.01"),
            ]),
            devnet: .init(seedPhrase: seedPhrase, warning: warning), portfolio: devnetPortfolio)
    }
}
