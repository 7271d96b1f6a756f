import Testing
@testable import SolventCore

/// One civil-date conversion, two documented spellings (rpc.md "Conventions"; openapi.yaml `expiry`).
@Suite struct UTCTimeTests {
    @Test func rfc3339AlwaysCarriesMilliseconds() {
        #expect(UTCTime.rfc3339(1_767_225_642_250) == "2026-01-01T00:00:42.250Z")
        #expect(UTCTime.rfc3339(1_767_225_600_000) == "2026-01-01T00:00:00.000Z")
        #expect(UTCTime.rfc3339(0) == "1970-01-01T00:00:00.000Z")
    }

    @Test func formatDropsZeroMillisecondsAndParsesBack() throws {
        let expiry = try #require(UTCTime.parse("2027-03-26T08:00:00Z"))
        #expect(expiry == 1_806_048_000_000)
        #expect(UTCTime.format(expiry) == "2027-03-26T08:00:00Z")
        #expect(UTCTime.format(expiry + 5) == "2027-03-26T08:00:00.005Z")
        // A leap day and the last representable instant (contracts-spec/limits.md).
        #expect(UTCTime.rfc3339(try #require(UTCTime.parse("2028-02-29T23:59:59Z"))) == "2028-02-29T23:59:59.000Z")
        #expect(UTCTime.format(253_402_300_799_999) == "9999-12-31T23:59:59.999Z")
    }
}
