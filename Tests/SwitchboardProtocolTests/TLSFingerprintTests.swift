import SwitchboardProtocol
import Testing

@Suite struct TLSFingerprintTests {
    static let hex = "e7fe4bdf0be97eb784eb99a62e89ea89b9b7da504f989144d3a8a8936144" + "46ac"

    @Test("the spellings people paste are the same fingerprint: openssl's colon form, lower-case hex, a sha256: prefix, spaces around")
    func spellings() throws {
        let plain = try #require(TLSFingerprint(Self.hex))
        let colons = "E7:FE:4B:DF:0B:E9:7E:B7:84:EB:99:A6:2E:89:EA:89:B9:B7:DA:50:4F:98:91:44:D3:A8:A8:93:61:44:46:AC"
        #expect(TLSFingerprint(colons) == plain)
        #expect(TLSFingerprint("sha256:" + Self.hex) == plain)
        #expect(TLSFingerprint("SHA256:" + colons) == plain)
        #expect(TLSFingerprint("  \(Self.hex)\n") == plain)
        #expect(plain.description == colons, "shown as certificate tools print it")
        #expect(plain.hex == Self.hex)
    }

    @Test("anything that is not 32 bytes of hex is refused")
    func refused() {
        #expect(TLSFingerprint("") == nil)
        #expect(TLSFingerprint(String(Self.hex.dropLast())) == nil)
        #expect(TLSFingerprint(Self.hex + "00") == nil)
        #expect(TLSFingerprint(String(Self.hex.dropLast()) + "g") == nil)
        #expect(TLSFingerprint("sha1:" + Self.hex) == nil)
    }

    @Test("a digest's bytes give its hex")
    func digest() {
        #expect(TLSFingerprint(digest: [0x00, 0x0f, 0xa0, 0xff] + [UInt8](repeating: 1, count: 28)).hex.hasPrefix("000fa0ff0101"))
    }
}
