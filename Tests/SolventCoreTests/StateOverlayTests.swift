import SolventCore
import Testing

@Suite struct StateOverlayTests {
    final class Base: StateReader {
        var data: [StateKey: [UInt8]] = [StateKey(.accounts, [1]): [10], StateKey(.accounts, [2]): [20]]
        func get(_ table: StateTable, _ key: [UInt8]) -> [UInt8]? { data[StateKey(table, key)] }
    }

    @Test func rollbackUndoesOnlyTheOpenTransaction() {
        let o = StateOverlay(base: Base())
        o.begin()
        o.put(.accounts, [1], [11])
        o.commit()
        o.begin()
        o.put(.accounts, [1], [12])
        o.put(.accounts, [3], [30])
        o.delete(.accounts, [2])
        #expect(o.get(.accounts, [1]) == [12])
        #expect(o.get(.accounts, [2]) == nil)
        o.rollback()
        #expect(o.get(.accounts, [1]) == [11])
        #expect(o.get(.accounts, [2]) == [20])
        #expect(o.get(.accounts, [3]) == nil)
        #expect(o.changes() == [StateChange(key: StateKey(.accounts, [1]), old: [10], new: [11])])
    }

    @Test func changesAreSortedAndSkipUnchangedValues() {
        let o = StateOverlay(base: Base())
        o.put(.vaults, [0], [1])
        o.put(.accounts, [2], [20])     // same as base: not a change
        o.put(.accounts, [1, 0], [5])
        o.put(.params, [9], [9])
        o.delete(.accounts, [1])
        let keys = o.changes().map(\.key)
        #expect(keys == [StateKey(.params, [9]), StateKey(.accounts, [1]), StateKey(.accounts, [1, 0]), StateKey(.vaults, [0])])
        #expect(o.changes()[1].new == nil && o.changes()[1].old == [10])
    }

    @Test func readsAreCachedFromTheBase() {
        let base = Base()
        let o = StateOverlay(base: base)
        #expect(o.get(.accounts, [1]) == [10])
        base.data[StateKey(.accounts, [1])] = [99]
        #expect(o.get(.accounts, [1]) == [10])
        // Rebasing keeps writes and drops cached reads.
        o.put(.accounts, [2], [21])
        o.rebase(onto: base)
        #expect(o.get(.accounts, [1]) == [99])
        #expect(o.get(.accounts, [2]) == [21])
    }
}
