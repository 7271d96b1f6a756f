import SolventCrypto

/// Well-known devnet keys, derived from a published seed phrase so that every devnet has the
/// same funded accounts (contracts-spec/genesis.md, "Devnet keys"). These keys are public:
/// anything they hold on any chain can be taken by anyone.
///
///     seed(label) = SHA-256(ASCII(phrase + "/" + label))
///     dev account i:  label = "dev/" + i      (i = 0, 1, 2, ...)
///     validator:      label = "validator"
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

    public static let devnetChainId = "solvent-devnet-1"
    public static let accountCount = 10

    /// The genesis `genesis/devnet.json` holds; a test keeps the file and this function equal, and
    /// `solventd genesis devnet` prints it.
    public static func devnetGenesis() -> Genesis {
        let accounts = (0..<accountCount).map { i in
            Genesis.GenesisAccount(
                name: "dev\(i)",
                address: Address(account(i).publicKey).text,
                wallet: [
                    .init(asset: "USDC", amount: "1000000"),
                    .init(asset: "BTC", amount: "10"),
                    .init(asset: "ETH", amount: "100"),
                ])
        }
        return Genesis(
            chainId: devnetChainId,
            genesisTimeMs: 1_767_225_600_000,  // 2026-01-01T00:00:00Z
            validator: validator().publicKey.hex,
            assets: [
                .init(id: 0, symbol: "USDC", decimals: 6),
                .init(id: 1, symbol: "BTC", decimals: 8),
                .init(id: 2, symbol: "ETH", decimals: 18),
            ],
            params: Params(),
            accounts: accounts,
            devnet: .init(seedPhrase: seedPhrase, warning: warning))
    }
}
