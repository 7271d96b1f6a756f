/// A vault's position in one market (table `positions`, key = vault key ‖ market u32 big-endian);
/// its fields are generated from its layout (markets.md, "Position record").
extension Position: StoredRecord {
    static func key(_ vault: VaultID, _ market: UInt32) -> [UInt8] {
        BigEndianKey.build(40) { k in
            vault.appendKey(to: &k)
            BigEndianKey.append(market, to: &k)
        }
    }
}

extension StateReader {
    public func position(_ vault: VaultID, _ market: UInt32) -> Position? { storedPosition(vault, market) }
    public func positions(of vault: VaultID) -> [(market: UInt32, position: Position)] { storedPositions(of: vault) }

    /// Every vault that holds a position, in vault key order (one scan of the positions table).
    public func vaultsWithPositions() -> [VaultID] {
        var vaults = [VaultID]()
        var last: [UInt8] = []
        scan(.positions, prefix: [], from: nil) { key, _ in
            let vaultKey = Array(key.prefix(36))
            if vaultKey != last, let v = VaultID(key: vaultKey) { vaults.append(v) }
            last = vaultKey
            return true
        }
        return vaults
    }

    /// The stored records decoded, without any reader's cache.
    func storedPosition(_ vault: VaultID, _ market: UInt32) -> Position? {
        get(.positions, Position.key(vault, market)).map { decodeStored($0, "position \(vault) \(market)", Position.decode) }
    }

    func storedPositions(of vault: VaultID) -> [(market: UInt32, position: Position)] {
        entries(.positions, prefix: vault.key).map { e in
            (BigEndianKey.readU32(e.key, at: 36), decodeStored(e.value, "position of \(vault)", Position.decode))
        }
    }
}

/// Every position by market and side (table `market_positions`, key = market u32 big-endian ‖
/// side u8 (0 long, 1 short) ‖ vault key, empty value): how auto-deleveraging finds the other
/// side of a market without reading every vault.
public enum MarketPositions {
    static func key(_ market: UInt32, long: Bool, _ vault: VaultID) -> [UInt8] {
        BigEndianKey.build(41) { k in
            BigEndianKey.append(market, to: &k)
            k.append(long ? 0 : 1)
            vault.appendKey(to: &k)
        }
    }

    /// The vaults holding a long (or short) position in `market`, in vault key order.
    public static func vaults(market: UInt32, long: Bool, state: some StateReader) -> [VaultID] {
        state.entries(.marketPositions, prefix: BigEndianKey.u32(market) + [long ? 0 : 1]).map { VaultID.decodeKey($0.key, at: 5) }
    }
}

extension StateOverlay {
    /// Stores the position, or removes it when its size is zero (its realized figures are then in
    /// events), and keeps `market_positions` in step with the position's side.
    public func putPosition(_ vault: VaultID, _ market: UInt32, _ p: Position) {
        let kept = keptPositions(of: vault)
        let old = position(vault, market)?.size ?? 0
        if old.signum() != p.size.signum() {
            if old != 0 { delete(.marketPositions, MarketPositions.key(market, long: old > 0, vault)) }
            if p.size != 0 { put(.marketPositions, MarketPositions.key(market, long: p.size > 0, vault), []) }
        }
        // Only the vault's list of positions is kept decoded: replaced below, if kept.
        putTyped(.positions, Position.key(vault, market), p.size == 0 ? nil : p.encoded())
        // The vault's decoded positions with this one replaced, in market order.
        if var list = kept {
            list.removeAll { $0.market == market }
            if p.size != 0 { list.insert((market, p), at: list.firstIndex { $0.market > market } ?? list.count) }
            remember(list, of: vault)
        }
    }
}

/// The protocol's own balances (table `protocol`): the fee pool and the insurance fund, in USDC
/// quantums, and the next order id.
public enum ProtocolAccounts {
    static let feePoolKey: [UInt8] = Array("fee_pool".utf8)
    static let insuranceKey: [UInt8] = Array("insurance_fund".utf8)
    static let nextOrderKey: [UInt8] = Array("next_order_id".utf8)
    static let settingsKey: [UInt8] = Array("perp_settings".utf8)

    /// Records here are version u8 (1) then the value, little-endian; a missing (or malformed)
    /// one reads as `absent`.
    static func read<V: LayoutScalar>(_ state: some StateReader, _ key: [UInt8], absent: V) -> V {
        state.get(.protocolAccounts, key).flatMap { try? VersionedValue<V>.decode($0).value } ?? absent
    }

    static func write<V: LayoutScalar>(_ state: StateOverlay, _ key: [UInt8], _ v: V) {
        state.put(.protocolAccounts, key, VersionedValue(v).encoded())
    }
}

extension StateReader {
    public func feePool() -> UInt128 { ProtocolAccounts.read(self, ProtocolAccounts.feePoolKey, absent: 0) }
    public func insuranceFund() -> UInt128 { ProtocolAccounts.read(self, ProtocolAccounts.insuranceKey, absent: 0) }

    /// The share of every trading fee that goes to the insurance fund (ppm); the rest stays in the fee pool.
    public func insuranceFeeSharePpm() -> UInt32 { ProtocolAccounts.read(self, ProtocolAccounts.settingsKey, absent: 0) }

    public func nextOrderID() -> UInt64 { ProtocolAccounts.read(self, ProtocolAccounts.nextOrderKey, absent: 1) }
}

extension StateOverlay {
    public func setFeePool(_ v: UInt128) { ProtocolAccounts.write(self, ProtocolAccounts.feePoolKey, v) }
    public func setInsuranceFund(_ v: UInt128) { ProtocolAccounts.write(self, ProtocolAccounts.insuranceKey, v) }
    public func setNextOrderID(_ v: UInt64) { ProtocolAccounts.write(self, ProtocolAccounts.nextOrderKey, v) }
    public func setInsuranceFeeSharePpm(_ v: UInt32) { ProtocolAccounts.write(self, ProtocolAccounts.settingsKey, v) }
}
