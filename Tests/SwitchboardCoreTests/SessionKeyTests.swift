import Foundation
@testable import SwitchboardCore
import Testing

/// Session keys: the ASCII fast path must canonicalise exactly as the Unicode path does.
struct SessionKeyTests {
    /// The rules spelled out with Foundation and Unicode properties for every key.
    static func reference(_ key: String) -> String? {
        let trimmed = key.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= AgentIdentity.maxSessionKeyLength,
            !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return trimmed == "main" ? "agent:main:main" : trimmed
    }

    @Test(arguments: [
        "agent:main:work", "  agent:main:work\t", "main", " main ", "\tmain", "", "   ", "\t \t", "a\u{7}b", "a\u{7F}b", "a\nb", " x\u{1F}",
        "agent:ops:télé", "\u{3000}agent:main:x\u{3000}", "é", "x\u{85}y", "😀", String(repeating: "k", count: 512), String(repeating: "k", count: 513),
        " " + String(repeating: "k", count: 512) + " ",
    ])
    func canonicalFormMatchesTheUnicodeRules(_ key: String) {
        #expect((try? AgentIdentity.canonicalSessionKey(key)) == Self.reference(key), "\(key.debugDescription)")
    }
}
