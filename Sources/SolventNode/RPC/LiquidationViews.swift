import SolventCore

/// The liquidation parameters with amounts in USDC (liquidation.md, "Parameters").
struct LiquidationConfigView: Codable {
    let feePpm: UInt32
    let maxFee: String
    let keeperTip: String
    let keeperSharePpm: UInt32
    let maxBounty: String
    let bufferPpm: UInt32
    let maxPositionNotionalPerBlock: String
    let maxVaultNotionalPerBlock: String
    let backstopDiscountPpm: UInt32

    enum CodingKeys: String, CodingKey {
        case feePpm = "fee_ppm", maxFee = "max_fee", keeperTip = "keeper_tip", keeperSharePpm = "keeper_share_ppm"
        case maxBounty = "max_bounty", bufferPpm = "buffer_ppm"
        case maxPositionNotionalPerBlock = "max_position_notional_per_block"
        case maxVaultNotionalPerBlock = "max_vault_notional_per_block"
        case backstopDiscountPpm = "backstop_discount_ppm"
    }

    init(_ s: LiquidationSettings) {
        func usdc(_ v: UInt128) -> String { Amount.format(v, decimals: 6) }
        feePpm = s.feePpm
        maxFee = usdc(s.maxFee)
        keeperTip = usdc(s.keeperTip)
        keeperSharePpm = s.keeperSharePpm
        maxBounty = usdc(s.maxBounty)
        bufferPpm = s.bufferPpm
        maxPositionNotionalPerBlock = usdc(s.maxPositionNotionalPerBlock)
        maxVaultNotionalPerBlock = usdc(s.maxVaultNotionalPerBlock)
        backstopDiscountPpm = s.backstopDiscountPpm
    }
}
