/// Moving collateral between wallets and vaults (contracts-spec/transfers.md). Each function
/// checks everything first and writes only when every check passed; the caller runs it in a
/// transaction-scoped overlay, so a refusal changes nothing.
enum Transfers {
    /// `send`: sender's wallet to another account's wallet; creates the recipient's account.
    static func send(from sender: Address, to recipient: Address, assetID: AssetID, amount: UInt128,
                     state: StateOverlay) throws(ProtocolError) -> [Event] {
        let asset = try knownAsset(assetID, state)
        try checkAmount(amount, asset)
        guard recipient != sender else {
            throw ProtocolError(.selfTransfer, "sender and recipient are the same account")
        }
        var from = try existingAccount(sender, state)
        var to = state.account(recipient) ?? Account()
        try from.wallet.debit(asset, amount, what: "wallet of \(sender)")
        try to.wallet.credit(asset, amount, what: "wallet of \(recipient)")
        state.putAccount(sender, from)
        state.putAccount(recipient, to)
        return [Event("transfer", [
            ("from", .address(sender)), ("to", .address(recipient)),
            ("asset", .text(asset.symbol)), ("amount", .amount(amount, of: asset)),
        ])]
    }

    /// `deposit`: sender's wallet into the sender's vault `number`, opening it (cross) when
    /// `number` is the next unused vault number. USDC goes to the vault's quote balance; other
    /// assets are collateral and must have a haircut and an oracle market.
    static func deposit(owner: Address, number: UInt32, assetID: AssetID, amount: UInt128,
                        state: StateOverlay) throws(ProtocolError) -> [Event] {
        let asset = try knownAsset(assetID, state)
        try checkAmount(amount, asset)
        guard asset.isQuote || state.isCollateral(asset) else {
            throw ProtocolError(.assetNotCollateral, "\(asset.symbol) is not accepted as vault collateral")
        }
        var account = try existingAccount(owner, state)
        let id = VaultID(owner: owner, number: number)
        var events = [Event]()
        var vault: Vault
        if number < account.vaultCount {
            vault = state.vault(id) ?? Vault()
        } else if number == account.vaultCount {
            try checkVaultLimit(number, state)
            vault = Vault()
            account.vaultCount += 1
            events.append(Event("vault_opened", [("owner", .address(owner)), ("vault", .number(number)), ("mode", .text(vault.mode.name))]))
        } else {
            throw ProtocolError(.vaultNumberGap,
                "vault \(number) cannot be opened: the next vault number for this account is \(account.vaultCount)")
        }
        try account.wallet.debit(asset, amount, what: "wallet of \(owner)")
        if asset.isQuote {
            let (sum, overflow) = vault.quote.addingReportingOverflow(Int128(amount))
            guard !overflow, sum <= Int128(Amount.max) else {
                throw ProtocolError(.balanceOverflow, "vault \(number)'s USDC would exceed the maximum amount")
            }
            vault.quote = sum
        } else {
            try vault.collateral.credit(asset, amount, what: "vault \(number)")
        }
        state.putAccount(owner, account)
        state.putVault(id, vault)
        events.append(Event("deposit", [
            ("owner", .address(owner)), ("vault", .number(number)),
            ("asset", .text(asset.symbol)), ("amount", .amount(amount, of: asset)),
        ]))
        return events
    }

    /// `withdraw`: the sender's vault `number` back to the sender's wallet. A vault with positions
    /// may take its quote below zero (its positions back it) but must meet its initial margin
    /// afterwards, at fresh prices (margin.md); a vault without positions lends nothing: its USDC
    /// must cover the amount, and with a negative quote no collateral may leave without the check.
    static func withdraw(owner: Address, number: UInt32, assetID: AssetID, amount: UInt128,
                         context: BlockContext, state: StateOverlay) throws(ProtocolError) -> [Event] {
        let asset = try knownAsset(assetID, state)
        try checkAmount(amount, asset)
        var account = try existingAccount(owner, state)
        let id = VaultID(owner: owner, number: number)
        guard number < account.vaultCount, var vault = state.vault(id) else {
            throw ProtocolError(.vaultNotFound, "account \(owner) has no vault \(number)")
        }
        let hasPositions = !state.positions(of: id).isEmpty
        let exposed = vault.quote < 0 || hasPositions
        if asset.isQuote {
            guard hasPositions || vault.quote >= Int128(amount) else {
                throw ProtocolError(.insufficientBalance,
                    "vault \(number) holds \(PerpUnits.formatQuote(vault.quote)) USDC, \(asset.format(amount)) needed")
            }
            guard let quote = try? vault.quote.subtracting(Int128(checked: amount)) else {
                throw ProtocolError(.arithmeticOverflow,
                    "vault \(number) holds \(PerpUnits.formatQuote(vault.quote)) USDC; withdrawing \(asset.format(amount)) would take it below the smallest balance, -2^127 quantums (contracts-spec/limits.md)")
            }
            vault.quote = quote
        } else {
            try vault.collateral.debit(asset, amount, what: "vault \(number)")
        }
        try account.wallet.credit(asset, amount, what: "wallet of \(owner)")
        state.putAccount(owner, account)
        state.putVault(id, vault)
        if exposed {
            // Always adds risk: the vault must end at or above its initial requirement.
            let after = try Margin.risk(of: id, state: state, at: context.timeMs, prices: .freshOnly)
            guard after.equity >= Int128(after.initial) else {
                throw ProtocolError(.insufficientMargin,
                    "the withdrawal would leave equity \(PerpUnits.formatQuote(after.equity)) USDC under the initial requirement of \(PerpUnits.formatQuote(Int128(after.initial))) USDC")
            }
        }
        return [Event("withdraw", [
            ("owner", .address(owner)), ("vault", .number(number)),
            ("asset", .text(asset.symbol)), ("amount", .amount(amount, of: asset)),
        ])]
    }

    /// `vault_open`: the sender's next vault, in the given mode, with nothing in it.
    static func openVault(owner: Address, number: UInt32, mode: VaultMode, state: StateOverlay) throws(ProtocolError) -> [Event] {
        var account = try existingAccount(owner, state)
        guard number >= account.vaultCount else {
            throw ProtocolError(.vaultExists, "vault \(number) is already open")
        }
        guard number == account.vaultCount else {
            throw ProtocolError(.vaultNumberGap, "the next vault number for this account is \(account.vaultCount)")
        }
        try checkVaultLimit(number, state)
        var attributes: [(String, EventValue)] = [("owner", .address(owner)), ("vault", .number(number)), ("mode", .text(mode.name))]
        if case .isolated(let market) = mode {
            guard let m = state.perpMarket(market) else { throw ProtocolError(.unknownMarket, "market \(market) does not exist") }
            attributes.append(("market", .text(m.params.symbol)))
        }
        account.vaultCount += 1
        state.putAccount(owner, account)
        state.putVault(VaultID(owner: owner, number: number), Vault(mode: mode))
        return [Event("vault_opened", attributes)]
    }

    static func checkVaultLimit(_ number: UInt32, _ state: some StateReader) throws(ProtocolError) {
        let limit = state.params().maxVaultsPerAccount
        guard number < limit else {
            throw ProtocolError(.vaultLimit, "an account may open at most \(limit) vaults (numbers 0 to \(limit - 1))")
        }
    }

    static func knownAsset(_ id: AssetID, _ state: some StateReader) throws(ProtocolError) -> Asset {
        guard let asset = state.asset(id) else {
            throw ProtocolError(.unknownAsset, "asset \(id) is not defined on this chain")
        }
        return asset
    }

    static func checkAmount(_ amount: UInt128, _ asset: Asset) throws(ProtocolError) {
        guard amount > 0 else { throw ProtocolError(.amountZero, "amount must be greater than zero") }
        guard amount <= Amount.max else {
            throw ProtocolError(.amountTooLarge, "amount \(amount) quantums of \(asset.symbol) is over the protocol maximum of 2^127-1")
        }
    }

    static func existingAccount(_ address: Address, _ state: some StateReader) throws(ProtocolError) -> Account {
        guard let account = state.account(address) else {
            throw ProtocolError(.accountNotFound, "account \(address) does not exist (it has never received funds)")
        }
        return account
    }
}
