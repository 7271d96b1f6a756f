/// Settings the admin replaces whole with one transaction (contracts-spec/transactions.md,
/// `liquidation_set_config` and `auction_set_config`): only the admin may, the new settings are
/// checked alone and against the rest of the state, then stored, and an event carries them field
/// by field as their layout names them.
protocol AdminSettings: SingletonRecord {
    /// What the refusal tells anyone but the admin they tried ("change the liquidation parameters").
    static var adminAction: String { get }
    /// The event a change emits.
    static var changedEvent: String { get }
    /// Refuses settings that are invalid, alone or with the state they would govern.
    func check(against state: StateOverlay) throws(ProtocolError)
}

enum SettingsAdmin {
    static func set<Settings: AdminSettings>(_ settings: Settings, by sender: Address, state: StateOverlay) throws(ProtocolError) -> [Event] {
        try AdminKey.require(sender, state, to: Settings.adminAction)
        try settings.check(against: state)
        state.put(settings)
        return [Event(Settings.changedEvent, LayoutEventFields.of(settings))]
    }
}
