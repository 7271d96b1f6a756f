import SolventCrypto

/// What a transaction asks the state machine to do. The wire kind numbers are in
/// contracts-spec/transactions.md and never change meaning.
public enum TxAction: Equatable, Sendable {
    /// Wallet to wallet.
    case send(to: Address, asset: AssetID, amount: UInt128)
    /// Wallet to vault `vault` of the sender, creating it when `vault` is the next unused number.
    case deposit(vault: UInt32, asset: AssetID, amount: UInt128)
    /// Vault to wallet.
    case withdraw(vault: UInt32, asset: AssetID, amount: UInt128)
    /// Signed price reports for one oracle market; anyone may relay them.
    case oracleUpdate(market: UInt32, reports: [OracleReport])
    /// Admin: whitelist an oracle signer.
    case oracleAddSigner(Bytes32)
    /// Admin: remove an oracle signer.
    case oracleRemoveSigner(Bytes32)
    /// Admin: change the oracle's quorum and limits.
    case oracleSetSettings(OracleSettings)
    /// Admin: sets, changes or (a `scalePpm` of 0) removes a collateral asset's haircut rule.
    case assetSetHaircutRule(DynamicHaircuts.Settings)
    /// Admin: the `BASE-IV-DDMMMYY` feeds that form a volatility feed's surface (none removes it).
    case oracleSetSurface(base: UInt32, points: [UInt32])
    /// Admin: checkpoints a yield asset's rate, writes it down by `writedownPpm` and sets its annual rate.
    case assetSetYield(asset: AssetID, aprPpm: UInt32, writedownPpm: UInt32)
    /// Opens the sender's next vault in the given mode (deposits open cross vaults by themselves).
    case vaultOpen(vault: UInt32, mode: VaultMode)
    /// Places an order on a perpetual market's book.
    case orderPlace(OrderRequest)
    /// Cancels one of the sender's resting orders.
    case orderCancel(orderID: UInt64)
    /// Cancels all the sender's resting orders of one vault in one market.
    case orderCancelAll(vault: UInt32, market: UInt32)
    /// Admin: lists a new perpetual market.
    case marketList(PerpMarketParams)
    /// Admin: changes a market's parameters (fees, tiers, funding, ticks, active).
    case marketUpdate(PerpMarketParams)
    /// Admin: sets a perpetual's or future's open-interest caps (0 and 0 remove them).
    case marketSetOiCaps(market: UInt32, lower: UInt128, upper: UInt128)
    /// Admin: sets a perpetual's or future's book-depth add-on (an `addonPpm` of 0 removes it).
    case marketSetDepthAddon(market: UInt32, bandPpm: UInt32, windowMs: UInt64, addonPpm: UInt32)
    /// Liquidates part of `owner`'s vault `vault` in `market`; the bounty (and any position taken
    /// over as the backstop) goes to the sender's vault `keeperVault`.
    case liquidate(owner: Address, vault: UInt32, market: UInt32, keeperVault: UInt32)
    /// Admin: changes the liquidation parameters.
    case liquidationSetConfig(LiquidationSettings)
    /// Devnet chains only, admin only: sets an oracle price directly (devnet.md, "Oracle override").
    case oracleOverride(market: UInt32, price: UInt64)
    /// Starts the auction of `owner`'s vault `vault`'s collateral `asset`; the starter's incentive
    /// goes to the sender's vault `keeperVault` (collateral-auctions.md).
    case auctionStart(owner: Address, vault: UInt32, asset: AssetID, keeperVault: UInt32)
    /// Buys up to `amount` of the auctioned collateral at the current price, if it is at most
    /// `maxPrice`, paying from and receiving into the sender's vault `takerVault`.
    case auctionTake(owner: Address, vault: UInt32, asset: AssetID, amount: UInt128, maxPrice: UInt64, takerVault: UInt32)
    /// Restarts a stale auction from a fresh starting price.
    case auctionRedo(owner: Address, vault: UInt32, asset: AssetID)
    /// Admin: changes the collateral auction parameters.
    case auctionSetConfig(AuctionSettings)

    public var kind: TxKind {
        switch self {
        case .send: return .send
        case .deposit: return .deposit
        case .withdraw: return .withdraw
        case .oracleUpdate: return .oracleUpdate
        case .oracleAddSigner: return .oracleAddSigner
        case .oracleRemoveSigner: return .oracleRemoveSigner
        case .oracleSetSettings: return .oracleSetConfig
        case .assetSetHaircutRule: return .assetSetHaircutRule
        case .oracleSetSurface: return .oracleSetSurface
        case .assetSetYield: return .assetSetYield
        case .vaultOpen: return .vaultOpen
        case .orderPlace: return .orderPlace
        case .orderCancel: return .orderCancel
        case .orderCancelAll: return .orderCancelAll
        case .marketList: return .marketList
        case .marketUpdate: return .marketUpdate
        case .marketSetOiCaps: return .marketSetOiCaps
        case .marketSetDepthAddon: return .marketSetDepthAddon
        case .liquidate: return .liquidate
        case .liquidationSetConfig: return .liquidationSetConfig
        case .oracleOverride: return .oracleOverride
        case .auctionStart: return .auctionStart
        case .auctionTake: return .auctionTake
        case .auctionRedo: return .auctionRedo
        case .auctionSetConfig: return .auctionSetConfig
        }
    }

    /// Whether executing it depends on the block's time or height as well as on state: such a
    /// transaction may do something different in its block than on admission to the mempool.
    public var dependsOnBlockContext: Bool {
        switch self {
        case .oracleUpdate, .orderPlace, .liquidate, .oracleOverride, .auctionStart, .auctionTake, .auctionRedo: return true
        default: return false
        }
    }
}

public enum TxKind: UInt16, Sendable, CaseIterable, SnakeCaseNamed {
    case send = 1
    case deposit = 2
    case withdraw = 3
    case oracleUpdate = 16
    case oracleAddSigner = 17
    case oracleRemoveSigner = 18
    case oracleSetConfig = 19
    case assetSetHaircutRule = 24
    case assetSetYield = 25
    case oracleSetSurface = 26
    case vaultOpen = 32
    case orderPlace = 33
    case orderCancel = 34
    case orderCancelAll = 35
    case marketList = 36
    case marketUpdate = 37
    case marketSetOiCaps = 38
    case marketSetDepthAddon = 39
    case liquidate = 48
    case liquidationSetConfig = 49
    case auctionStart = 56
    case auctionTake = 57
    case auctionRedo = 58
    case auctionSetConfig = 59
    case oracleOverride = 64

    public static let names = namesByRawValue()
}

/// An unsigned transaction.
public struct Transaction: Equatable, Sendable {
    public let chainId: String
    public let sender: Address
    public let nonce: UInt64
    public let action: TxAction

    public init(chainId: String, sender: Address, nonce: UInt64, action: TxAction) {
        self.chainId = chainId
        self.sender = sender
        self.nonce = nonce
        self.action = action
    }

    /// The encoded body (everything but the signature).
    public func body() -> [UInt8] { TxCodec.encodeBody(self) }

    /// The exact bytes an Ed25519 signature covers: the domain tag then the body.
    public func signBytes() -> [UInt8] { TxCodec.signDomain + body() }

    public func signed(with key: PrivateKey) -> SignedTransaction {
        let body = body()
        let signature = key.sign(TxCodec.signDomain + body)
        return SignedTransaction(transaction: self, bytes: body + signature, bodyLength: body.count)
    }
}

/// A transaction with its signature and exact wire bytes. Decoding does not check the signature:
/// that is `verifySignature()`, run in parallel by the mempool and by replay.
public struct SignedTransaction: Equatable, Sendable {
    public let transaction: Transaction
    /// The full wire encoding: body then the 64-byte signature.
    public let bytes: [UInt8]
    let bodyLength: Int
    /// SHA-256 of `bytes`.
    public let hash: Bytes32

    init(transaction: Transaction, bytes: [UInt8], bodyLength: Int) {
        self.transaction = transaction
        self.bytes = bytes
        self.bodyLength = bodyLength
        self.hash = SHA256.hash(bytes)
    }

    public var signature: ArraySlice<UInt8> { bytes[bodyLength...] }
    public var body: ArraySlice<UInt8> { bytes[..<bodyLength] }

    public func verifySignature() -> Bool {
        Ed25519.verify(signature: signature, message: ArraySlice(TxCodec.signDomain + body),
                       publicKey: transaction.sender.key)
    }
}

/// A transaction whose signatures have been checked: the sender's, and those of any oracle
/// reports it carries. Only `verify` creates one, so execution can rely on it without checking
/// again. These checks are pure, so they run in parallel across cores before execution.
public struct VerifiedTransaction: Sendable {
    public let signed: SignedTransaction

    public var transaction: Transaction { signed.transaction }
    public var hash: Bytes32 { signed.hash }

    private init(_ signed: SignedTransaction) { self.signed = signed }

    public static func verify(_ tx: SignedTransaction) -> Result<VerifiedTransaction, ProtocolError> {
        guard tx.verifySignature() else {
            return .failure(ProtocolError(.badSignature, "the signature does not verify for sender \(tx.transaction.sender)"))
        }
        if case let .oracleUpdate(market, reports) = tx.transaction.action,
           let error = OracleUpdate.verify(chainId: tx.transaction.chainId, market: market, reports: reports) {
            return .failure(error)
        }
        return .success(VerifiedTransaction(tx))
    }

    /// A transaction taken as verified without checking any signature: for the fuzzer, which
    /// drives execution with transactions no key signed. Never used by the node.
    @_spi(Fuzzing)
    public static func unverified(_ tx: SignedTransaction) -> VerifiedTransaction { VerifiedTransaction(tx) }

    /// Verifies many transactions across all cores, results in input order.
    public static func verifyAll(_ txs: [SignedTransaction]) -> [Result<VerifiedTransaction, ProtocolError>] {
        Parallel.map(count: txs.count) { verify(txs[$0]) }
    }
}
