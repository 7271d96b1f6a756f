import SolventCrypto

/// The admin's oracle controls (contracts-spec/oracle.md, "Administration"). Every change is an
/// event, and no change may leave the configuration invalid (for example fewer signers than the quorum).
enum OracleAdmin {
    static func addSigner(_ signer: Bytes32, by sender: Address, state: StateOverlay) throws(ProtocolError) -> [Event] {
        try AdminKey.require(sender, state, to: "add oracle signers")
        var config = try existingConfig(state)
        guard !config.isSigner(signer) else {
            throw ProtocolError(.oracleSignerExists, "\(signer.hex) is already an oracle signer")
        }
        guard config.signers.count < 64 else { throw ProtocolError(.invalidOracleConfig, "the oracle has the maximum of 64 signers") }
        config.add(signer)
        state.put(config)
        return [Event("oracle_signer_added", [("signer", .key(signer)), ("signers", .number(config.signers.count))])]
    }

    static func removeSigner(_ signer: Bytes32, by sender: Address, state: StateOverlay) throws(ProtocolError) -> [Event] {
        try AdminKey.require(sender, state, to: "remove oracle signers")
        var config = try existingConfig(state)
        guard config.isSigner(signer) else {
            throw ProtocolError(.oracleUnknownSigner, "\(signer.hex) is not an oracle signer")
        }
        config.remove(signer)
        try config.settings.validate(signerCount: config.signers.count)
        state.put(config)
        return [Event("oracle_signer_removed", [("signer", .key(signer)), ("signers", .number(config.signers.count))])]
    }

    static func setSettings(_ settings: OracleSettings, by sender: Address, state: StateOverlay) throws(ProtocolError) -> [Event] {
        try AdminKey.require(sender, state, to: "change the oracle's limits")
        var config = try existingConfig(state)
        try settings.validate(signerCount: config.signers.count)
        config.settings = settings
        state.put(config)
        return [Event("oracle_config_changed", LayoutEventFields.of(settings))]
    }

    /// `oracle_override` (devnet.md, "Oracle override"): on a devnet chain only, the admin sets a
    /// market's price directly, as a fresh, unclamped update at the block's time with no reports.
    /// The event says so (`source` = `devnet_override`), so nobody mistakes it for a signed price.
    static func override(market id: UInt32, price: UInt64, by sender: Address, context: BlockContext,
                         state: StateOverlay) throws(ProtocolError) -> [Event] {
        guard state.isDevnetChain else {
            throw ProtocolError(.devnetOnly, "oracle_override is only accepted on a devnet chain (a genesis with a devnet section)")
        }
        try AdminKey.require(sender, state, to: "override oracle prices")
        guard var market = state.oracleMarket(id) else { throw ProtocolError(.unknownOracleMarket, "oracle market \(id) does not exist") }
        guard price > 0, price <= Limits.maxPrice else {
            throw ProtocolError(.invalidField, "an oracle price must be greater than zero and at most \(OraclePrice.format(Limits.maxPrice)) (contracts-spec/limits.md)")
        }
        let previous = market.price
        market.price = price
        market.median = price
        market.updatedAtMs = context.timeMs
        market.clamped = false
        market.reports = []
        state.putOracleMarket(market)
        return [Event("oracle_price", [
            ("market", .text(market.symbol)), ("price", .price(price)), ("median", .price(price)),
            ("previous", previous > 0 ? .price(previous) : .absent), ("reports", .number(0)), ("status", "fresh"),
            ("source", "devnet_override"),
        ])]
    }

    private static func existingConfig(_ state: some StateReader) throws(ProtocolError) -> OracleConfig {
        guard let config = state.oracleConfig() else { throw ProtocolError(.unknownOracleMarket, "this chain has no oracle") }
        return config
    }
}
