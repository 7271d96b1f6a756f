/// Checked arithmetic for every value a transaction, a price or a parameter can influence
/// (contracts-spec/limits.md). Swift traps on overflow, and a trap in the state machine halts the
/// chain; these return the result or refuse with `arithmetic_overflow`, which rolls the
/// transaction back like any other refusal.
///
/// Use them wherever an operand is not bounded by construction; the bounds in limits.md keep
/// ordinary values far from the edges, so a refusal here means a value past those bounds
/// reached a formula, never an ordinary trade.
extension FixedWidthInteger {
    /// self + other, or `arithmetic_overflow`.
    @inlinable
    public func adding(_ other: Self) throws(ProtocolError) -> Self {
        let (r, overflow) = addingReportingOverflow(other)
        if overflow { throw .overflow }
        return r
    }

    /// self − other, or `arithmetic_overflow` (for an unsigned type: when other > self).
    @inlinable
    public func subtracting(_ other: Self) throws(ProtocolError) -> Self {
        let (r, overflow) = subtractingReportingOverflow(other)
        if overflow { throw .overflow }
        return r
    }

    /// self × other, or `arithmetic_overflow`.
    @inlinable
    public func multiplied(by other: Self) throws(ProtocolError) -> Self {
        let (r, overflow) = multipliedReportingOverflow(by: other)
        if overflow { throw .overflow }
        return r
    }

    /// −self, or `arithmetic_overflow` (the most negative value has no negation).
    @inlinable
    public func negated() throws(ProtocolError) -> Self {
        try Self.zero.subtracting(self)
    }

    /// `value` converted to this type, or `arithmetic_overflow` when it does not fit.
    @inlinable
    public init<Other: BinaryInteger>(checked value: Other) throws(ProtocolError) {
        guard let v = Self(exactly: value) else { throw .overflow }
        self = v
    }
}

extension Sequence {
    /// The checked sum of `value` over the elements.
    @inlinable
    public func checkedSum<T: FixedWidthInteger>(_ value: (Element) throws(ProtocolError) -> T) throws(ProtocolError) -> T {
        var total = T.zero
        for e in self { total = try total.adding(try value(e)) }
        return total
    }
}

extension ProtocolError {
    /// The refusal of a computation whose result does not fit its type.
    public static var overflow: ProtocolError {
        ProtocolError(.arithmeticOverflow,
                      "a value computed from this transaction's amounts, sizes or prices is beyond what the protocol computes (contracts-spec/limits.md)")
    }
}
