import SwitchboardProtocol
import Testing

/// The example strings of §2.6 are the test vectors.
struct DeviceAuthPayloadTests {
    @Test func v2MatchesTheDocumentedString() {
        let payload = DeviceAuthPayload.build(
            version: .v2, deviceId: "dev-1", clientId: "openclaw-macos", clientMode: "ui", role: "operator",
            scopes: ["operator.admin", "operator.read"], signedAtMs: 1_700_000_000_000, token: nil, nonce: "nonce-abc"
        )
        #expect(payload == "v2|dev-1|openclaw-macos|ui|operator|operator.admin,operator.read|1700000000000||nonce-abc")
    }

    @Test func v3MatchesTheDocumentedString() {
        let payload = DeviceAuthPayload.build(
            version: .v3, deviceId: "dev-1", clientId: "openclaw-macos", clientMode: "ui", role: "operator",
            scopes: ["operator.admin", "operator.read"], signedAtMs: 1_700_000_000_000, token: "tok-123", nonce: "nonce-abc",
            platform: "  iOS ", deviceFamily: "iPhone"
        )
        #expect(payload == "v3|dev-1|openclaw-macos|ui|operator|operator.admin,operator.read|1700000000000|tok-123|nonce-abc|ios|iphone")
    }

    @Test func v3WithoutMetadataEndsWithTwoEmptyFields() {
        let payload = DeviceAuthPayload.build(
            version: .v3, deviceId: "dev-1", clientId: "openclaw-macos", clientMode: "ui", role: "operator",
            scopes: ["operator.admin", "operator.read"], signedAtMs: 1_700_000_000_000, token: "tok-123", nonce: "nonce-def"
        )
        #expect(payload.hasSuffix("|nonce-def||"))
    }

    @Test func lowercasesOnlyASCIILetters() {
        let payload = DeviceAuthPayload.build(
            version: .v3, deviceId: "d", clientId: "c", clientMode: "m", role: "r", scopes: [], signedAtMs: 1, token: nil,
            nonce: "n", platform: "ÄPPLE", deviceFamily: "İPad"
        )
        #expect(payload.hasSuffix("|Äpple|İpad"))
    }
}

struct ProtocolVersionTests {
    @Test(arguments: [
        (3, 3, 3), (3, 4, 4), (4, 4, 4), (1, 9, 4), (2, 3, 3), (4, 5, 4),
    ])
    func negotiatesTheHighestCommonVersion(min: Int, max: Int, expected: Int) {
        #expect(ProtocolVersion.negotiate(min: min, max: max) == expected)
    }

    @Test(arguments: [(1, 2), (5, 6), (4, 3)])
    func refusesRangesWithoutACommonVersion(min: Int, max: Int) {
        #expect(ProtocolVersion.negotiate(min: min, max: max) == nil)
    }
}

struct Base64URLTests {
    @Test func roundTripsAndToleratesPlainBase64() throws {
        let bytes: [UInt8] = [0xFB, 0xFF, 0x00, 0x10, 0x3E]
        let encoded = Base64URL.encode(bytes)
        #expect(!encoded.contains("=") && !encoded.contains("+") && !encoded.contains("/"))
        #expect(Base64URL.decode(encoded).map(Array.init) == bytes)
        #expect(Base64URL.decode("+/8AED4=").map(Array.init) == bytes)
        #expect(Base64URL.decode("a") == nil)
    }
}
