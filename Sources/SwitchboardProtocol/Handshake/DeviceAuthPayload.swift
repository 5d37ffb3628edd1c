/// The exact strings a device signs (§2.6). Shared by server (verify) and client (sign) so
/// both sides build them byte for byte the same.
public enum DeviceAuthPayload {
    public enum Version: String, Sendable, CaseIterable {
        case v2, v3
    }

    /// `v2|deviceId|clientId|clientMode|role|scopes|signedAtMs|token|nonce`, or v3 with
    /// `|platform|deviceFamily` appended (trimmed, ASCII-lowercased).
    public static func build(
        version: Version,
        deviceId: String,
        clientId: String,
        clientMode: String,
        role: String,
        scopes: [String],
        signedAtMs: Int,
        token: String?,
        nonce: String,
        platform: String? = nil,
        deviceFamily: String? = nil
    ) -> String {
        var fields = [
            version.rawValue, deviceId, clientId, clientMode, role, scopes.joined(separator: ","),
            String(signedAtMs), token ?? "", nonce,
        ]
        if version == .v3 {
            fields.append(normalizeMetadata(platform))
            fields.append(normalizeMetadata(deviceFamily))
        }
        return fields.joined(separator: "|")
    }

    /// Trims and lowercases A–Z only, so non-ASCII letters sign identically on every platform.
    static func normalizeMetadata(_ value: String?) -> String {
        guard let value else { return "" }
        let trimmed = value.trimmingASCIIWhitespace()
        return String(String.UnicodeScalarView(trimmed.unicodeScalars.map { scalar in
            (scalar.value >= 65 && scalar.value <= 90) ? Unicode.Scalar(scalar.value + 32)! : scalar
        }))
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
