/// The SHA-256 fingerprint of a gateway's TLS certificate (its DER bytes), as a client pins
/// it with `--tls-fingerprint`. Spellings are compared after normalising: an optional
/// `sha256:` prefix, `:`/`-`/space separators and letter case do not matter, so the form
/// `openssl x509 -fingerprint -sha256` prints, OpenClaw's lower-case hex and ours all match.
public struct TLSFingerprint: Sendable, Hashable, CustomStringConvertible {
    /// 64 lower-case hex digits.
    public let hex: String

    /// Parses a fingerprint; nil when the text is not 32 bytes of hex.
    public init?(_ text: String) {
        var body = text.filter { $0 != "\r" && $0 != "\n" }.trimmingBlanks
        for prefix in ["sha256:", "sha-256:", "sha256="] where body.lowercased().hasPrefix(prefix) {
            body = body.dropFirst(prefix.count)
        }
        let digits = body.filter { $0 != ":" && $0 != "-" && $0 != " " }.lowercased()
        guard digits.count == 64, digits.allSatisfy({ $0.isHexDigit }) else { return nil }
        hex = digits
    }

    /// The fingerprint of a SHA-256 digest.
    public init(digest: some Sequence<UInt8>) {
        let table = Array("0123456789abcdef")
        var text = ""
        for byte in digest {
            text.append(table[Int(byte >> 4)])
            text.append(table[Int(byte & 0x0f)])
        }
        hex = text
    }

    /// `AB:CD:…`, the form certificate tools print.
    public var description: String {
        var pairs: [String] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            pairs.append(hex[index..<next].uppercased())
            index = next
        }
        return pairs.joined(separator: ":")
    }
}
