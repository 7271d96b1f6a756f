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
            ("from", sender.text), ("to", recipient.text),
            ("asset", asset.symbol), ("amount", asset.format(amount)),
        ])]
    }

    /// `deposit`: sender's wallet into the sender's vault `number`, opening it when `number` is
    /// the next unused vault number.
    static func deposit(owner: Address, number: UInt32, assetID: AssetID, amount: UInt128,
                        state: StateOverlay) throws(ProtocolError) -> [Event] {
        let asset = try knownAsset(assetID, state)
        try checkAmount(amount, asset)
        var account = try existingAccount(owner, state)
        let id = VaultID(owner: owner, number: number)
        var events = [Event]()
        var vault: Vault
        if number < account.vaultCount {
            vault = state.vault(id) ?? Vault()
        } else if number == account.vaultCount {
            let limit = state.params().maxVaultsPerAccount
            guard number < limit else {
                throw ProtocolError(.vaultLimit, "an account may open at most \(limit) vaults (numbers 0 to \(limit - 1))")
            }
            vault = Vault()
            account.vaultCount += 1
            events.append(Event("vault_opened", [("owner", owner.text), ("vault", String(number)), ("mode", vault.mode.name)]))
        } else {
            throw ProtocolError(.vaultNumberGap,
                "vault \(number) cannot be opened: the next vault number for this account is \(account.vaultCount)")
        }
        try account.wallet.debit(asset, amount, what: "wallet of \(owner)")
        try vault.collateral.credit(asset, amount, what: "vault \(number)")
        state.putAccount(owner, account)
        state.putVault(id, vault)
        events.append(Event("deposit", [
            ("owner", owner.text), ("vault", String(number)),
            ("asset", asset.symbol), ("amount", asset.format(amount)),
        ]))
        return events
    }

    /// `withdraw`: the sender's vault `number` back to the sender's wallet. Later mechanisms add
    /// the margin check (a withdrawal may not leave the vault under its initial requirement).
    static func withdraw(owner: Address, number: UInt32, assetID: AssetID, amount: UInt128,
                         state: StateOverlay) throws(ProtocolError) -> [Event] {
        let asset = try knownAsset(assetID, state)
        try checkAmount(amount, asset)
        var account = try existingAccount(owner, state)
        let id = VaultID(owner: owner, number: number)
        guard number < account.vaultCount, var vault = state.vault(id) else {
            throw ProtocolError(.vaultNotFound, "account \(owner) has no vault \(number)")
        }
        try vault.collateral.debit(asset, amount, what: "vault \(number)")
        try account.wallet.credit(asset, amount, what: "wallet of \(owner)")
        state.putAccount(owner, account)
        state.putVault(id, vault)
        return [Event("withdraw", [
            ("owner", owner.text), ("vault", String(number)),
            ("asset", asset.symbol), ("amount", asset.format(amount)),
        ])]
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
