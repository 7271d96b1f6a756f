/// The canonical binary encoding of transactions, version 1 (contracts-spec/transactions.md).
///
///     version u8 = 1
///     chain_id u8 length (1...32) + ASCII [a-z0-9._-]
///     sender 32 bytes (Ed25519 public key)
///     nonce u64 LE
///     kind u16 LE
///     payload (per kind)
///     signature 64 bytes
///
/// The encoding is canonical: every value has exactly one encoding, the decoder refuses unknown
/// versions and kinds, truncated or over-long fields, trailing bytes and anything over 4096 bytes.
public enum TxCodec {
    public static let version: UInt8 = 1
    public static let maxTransactionBytes = 4096
    public static let maxChainIdLength = 32
    /// Prepended to the body to form the signed message, so a transaction signature can never be
    /// replayed as any other kind of signed message (oracle report, block).
    public static let signDomain: [UInt8] = Array("SOLVENT_TX".utf8)

    public static func encodeBody(_ tx: Transaction) -> [UInt8] {
        var w = ByteWriter(capacity: 128)
        w.u8(version)
        w.shortString(tx.chainId)
        w.bytes32(tx.sender.key)
        w.u64(tx.nonce)
        w.u16(tx.action.kind.rawValue)
        switch tx.action {
        case let .send(to, asset, amount):
            w.bytes32(to.key)
            w.u32(asset)
            w.u128(amount)
        case let .deposit(vault, asset, amount), let .withdraw(vault, asset, amount):
            w.u32(vault)
            w.u32(asset)
            w.u128(amount)
        case let .oracleUpdate(market, reports):
            w.u32(market)
            w.u8(UInt8(reports.count))
            for r in reports { r.encode(into: &w) }
        case let .oracleAddSigner(signer), let .oracleRemoveSigner(signer):
            w.bytes32(signer)
        case let .oracleSetSettings(settings):
            settings.encode(into: &w)
        case let .vaultOpen(vault, mode):
            w.u32(vault)
            switch mode {
            case .cross:
                w.u8(0)
                w.u32(0)
            case .isolated(let market):
                w.u8(1)
                w.u32(market)
            case .portfolio:
                w.u8(2)
                w.u32(0)
            }
        case let .orderPlace(request):
            request.encode(into: &w)
        case let .orderCancel(id):
            w.u64(id)
        case let .orderCancelAll(vault, market):
            w.u32(vault)
            w.u32(market)
        case let .marketList(params), let .marketUpdate(params):
            w.u32(params.id)
            params.encode(into: &w)
        case let .marketSetOiCaps(market, lower, upper):
            w.u32(market)
            w.u128(lower)
            w.u128(upper)
        case let .assetSetHaircutRule(rule):
            w.u32(rule.asset)
            w.u32(rule.volMarket)
            w.u64(rule.windowMs)
            w.u32(rule.scalePpm)
            w.u32(rule.capPpm)
            w.u32(rule.ratePpmPerHour)
            w.u32(rule.stepPpm)
        case let .oracleSetSurface(base, points):
            w.u32(base)
            w.u8(UInt8(clamping: points.count))
            for p in points { w.u32(p) }
        case let .assetSetYield(asset, apr, writedown):
            w.u32(asset)
            w.u32(apr)
            w.u32(writedown)
        case let .marketSetDepthAddon(market, band, window, addon):
            w.u32(market)
            w.u32(band)
            w.u64(window)
            w.u32(addon)
        case let .liquidate(owner, vault, market, keeperVault):
            w.bytes32(owner.key)
            w.u32(vault)
            w.u32(market)
            w.u32(keeperVault)
        case let .liquidationSetConfig(settings):
            settings.encode(into: &w)
        case let .oracleOverride(market, price):
            w.u32(market)
            w.u64(price)
        case let .auctionStart(owner, vault, asset, keeperVault):
            w.bytes32(owner.key)
            w.u32(vault)
            w.u32(asset)
            w.u32(keeperVault)
        case let .auctionTake(owner, vault, asset, amount, maxPrice, takerVault):
            w.bytes32(owner.key)
            w.u32(vault)
            w.u32(asset)
            w.u128(amount)
            w.u64(maxPrice)
            w.u32(takerVault)
        case let .auctionRedo(owner, vault, asset):
            w.bytes32(owner.key)
            w.u32(vault)
            w.u32(asset)
        case let .auctionSetConfig(settings):
            settings.encode(into: &w)
        }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(ProtocolError) -> SignedTransaction {
        guard bytes.count <= maxTransactionBytes else {
            throw ProtocolError(.oversized, "transaction is \(bytes.count) bytes, the limit is \(maxTransactionBytes)")
        }
        var r = ByteReader(bytes)
        let v = try r.u8("version")
        guard v == version else {
            throw ProtocolError(.unknownVersion, "transaction version \(v) is not supported (this node reads version \(version))")
        }
        let chainId = try r.shortString("chain_id", maxLength: maxChainIdLength)
        try validateChainId(chainId)
        let sender = Address(try r.bytes32("sender"))
        let nonce = try r.u64("nonce")
        let kindNumber = try r.u16("kind")
        guard let kind = TxKind(rawValue: kindNumber) else {
            throw ProtocolError(.unknownKind, "transaction kind \(kindNumber) is not defined")
        }
        let action: TxAction
        switch kind {
        case .send:
            action = .send(to: Address(try r.bytes32("to")), asset: try r.u32("asset"), amount: try r.u128("amount"))
        case .deposit:
            action = .deposit(vault: try r.u32("vault"), asset: try r.u32("asset"), amount: try r.u128("amount"))
        case .withdraw:
            action = .withdraw(vault: try r.u32("vault"), asset: try r.u32("asset"), amount: try r.u128("amount"))
        case .oracleUpdate:
            let market = try r.u32("market")
            let count = Int(try r.u8("report count"))
            guard count <= OracleUpdate.maxReports else {
                throw ProtocolError(.fieldTooLong, "an update carries at most \(OracleUpdate.maxReports) reports, this one \(count)")
            }
            var reports = [OracleReport]()
            for _ in 0..<count { reports.append(try OracleReport.decode(from: &r)) }
            action = .oracleUpdate(market: market, reports: reports)
        case .oracleAddSigner:
            action = .oracleAddSigner(try r.bytes32("signer"))
        case .oracleRemoveSigner:
            action = .oracleRemoveSigner(try r.bytes32("signer"))
        case .oracleSetConfig:
            action = .oracleSetSettings(try OracleSettings.decode(from: &r))
        case .vaultOpen:
            let vault = try r.u32("vault")
            let mode = try r.u8("mode")
            let market = try r.u32("market")
            switch mode {
            case 0:
                guard market == 0 else { throw ProtocolError(.invalidField, "a cross vault names no market (0)") }
                action = .vaultOpen(vault: vault, mode: .cross)
            case 1: action = .vaultOpen(vault: vault, mode: .isolated(market: market))
            case 2:
                guard market == 0 else { throw ProtocolError(.invalidField, "a portfolio vault names no market (0)") }
                action = .vaultOpen(vault: vault, mode: .portfolio)
            default: throw ProtocolError(.invalidField, "vault mode must be 0 (cross), 1 (isolated) or 2 (portfolio)")
            }
        case .orderPlace:
            action = .orderPlace(try OrderRequest.decode(from: &r))
        case .orderCancel:
            action = .orderCancel(orderID: try r.u64("order id"))
        case .orderCancelAll:
            action = .orderCancelAll(vault: try r.u32("vault"), market: try r.u32("market"))
        case .marketList, .marketUpdate:
            let id = try r.u32("market id")
            let params = try PerpMarketParams.decode(id: id, from: &r)
            action = kind == .marketList ? .marketList(params) : .marketUpdate(params)
        case .marketSetOiCaps:
            action = .marketSetOiCaps(market: try r.u32("market"), lower: try r.u128("oi_lower_cap"), upper: try r.u128("oi_upper_cap"))
        case .assetSetHaircutRule:
            action = .assetSetHaircutRule(DynamicHaircuts.Settings(
                asset: try r.u32("asset"), volMarket: try r.u32("vol_market"), windowMs: try r.u64("window_ms"), scalePpm: try r.u32("scale_ppm"),
                capPpm: try r.u32("cap_ppm"), ratePpmPerHour: try r.u32("rate_ppm_per_hour"), stepPpm: try r.u32("step_ppm")))
        case .oracleSetSurface:
            let base = try r.u32("base")
            let count = try r.u8("point count")
            guard Int(count) <= VolSurfaces.maxPoints else { throw ProtocolError(.fieldTooLong, "a surface has at most 8 points, \(count) given") }
            var points = [UInt32]()
            for _ in 0..<count { points.append(try r.u32("point")) }
            action = .oracleSetSurface(base: base, points: points)
        case .assetSetYield:
            action = .assetSetYield(asset: try r.u32("asset"), aprPpm: try r.u32("apr_ppm"), writedownPpm: try r.u32("writedown_ppm"))
        case .marketSetDepthAddon:
            action = .marketSetDepthAddon(market: try r.u32("market"), bandPpm: try r.u32("band_ppm"), windowMs: try r.u64("window_ms"),
                                          addonPpm: try r.u32("addon_ppm"))
        case .liquidate:
            action = .liquidate(owner: Address(try r.bytes32("owner")), vault: try r.u32("vault"), market: try r.u32("market"),
                                keeperVault: try r.u32("keeper vault"))
        case .liquidationSetConfig:
            action = .liquidationSetConfig(try LiquidationSettings.decode(from: &r))
        case .oracleOverride:
            action = .oracleOverride(market: try r.u32("market"), price: try r.u64("price"))
        case .auctionStart:
            action = .auctionStart(owner: Address(try r.bytes32("owner")), vault: try r.u32("vault"), asset: try r.u32("asset"),
                                   keeperVault: try r.u32("keeper vault"))
        case .auctionTake:
            action = .auctionTake(owner: Address(try r.bytes32("owner")), vault: try r.u32("vault"), asset: try r.u32("asset"),
                                  amount: try r.u128("amount"), maxPrice: try r.u64("max price"), takerVault: try r.u32("taker vault"))
        case .auctionRedo:
            action = .auctionRedo(owner: Address(try r.bytes32("owner")), vault: try r.u32("vault"), asset: try r.u32("asset"))
        case .auctionSetConfig:
            action = .auctionSetConfig(try AuctionSettings.decode(from: &r))
        }
        let bodyLength = r.offset
        _ = try r.raw(64, "signature")
        try r.expectEnd()
        return SignedTransaction(transaction: Transaction(chainId: chainId, sender: sender, nonce: nonce, action: action),
                                 bytes: bytes, bodyLength: bodyLength)
    }

    /// Chain ids are 1 to 32 characters from [a-z0-9._-].
    public static func validateChainId(_ id: String) throws(ProtocolError) {
        guard !id.isEmpty, id.utf8.count <= maxChainIdLength else {
            throw ProtocolError(.fieldTooLong, "chain_id must be 1 to \(maxChainIdLength) characters")
        }
        for c in id.utf8 {
            let ok = (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
            guard ok else { throw ProtocolError(.invalidField, "chain_id '\(id)' may only hold a-z, 0-9, '.', '_' and '-'") }
        }
    }
}
