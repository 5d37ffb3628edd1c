import Foundation

/// What a heartbeat's answer means (OpenClaw's contract): empty, an acknowledgement
/// (`HEARTBEAT_OK` at its start or end with at most `ackMaxChars` other characters), or an
/// alert to deliver. A token in the middle of a text is not special.
public enum HeartbeatReply: Sendable, Hashable {
    case empty
    case acknowledged
    case alert(String)

    /// The status the `heartbeat` event reports for a suppressed answer.
    public static func classify(_ text: String, ackMaxChars: Int) -> HeartbeatReply {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .empty }
        guard trimmed.contains(HeartbeatSettings.okToken) else { return .alert(trimmed) }
        let (rest, stripped) = strip(trimmed)
        guard stripped else { return .alert(trimmed) }
        if rest.count <= max(0, ackMaxChars) { return .acknowledged }
        return .alert(rest)
    }

    /// Removes the token (and light markup around it: `**`, backticks, `<b>`) from both ends,
    /// repeatedly; up to four punctuation marks after a final token go with it.
    static func strip(_ text: String) -> (String, Bool) {
        let token = HeartbeatSettings.okToken
        var rest = unwrapMarkup(text)
        var stripped = false
        while true {
            rest = rest.trimmingCharacters(in: .whitespacesAndNewlines)
            if rest.hasPrefix(token) {
                rest = String(rest.dropFirst(token.count))
                stripped = true
                continue
            }
            if let range = rest.range(of: token, options: .backwards) {
                let tail = rest[range.upperBound...]
                if tail.count <= 4, tail.allSatisfy({ !$0.isLetter && !$0.isNumber && $0 != "_" }) {
                    rest = String(rest[..<range.lowerBound])
                    stripped = true
                    continue
                }
            }
            break
        }
        let collapsed = rest.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return (collapsed, stripped)
    }

    /// `**HEARTBEAT_OK**`, `` `HEARTBEAT_OK` ``, `<b>HEARTBEAT_OK</b>` → the bare token.
    static func unwrapMarkup(_ text: String) -> String {
        var result = text.replacingOccurrences(of: "&nbsp;", with: " ", options: .caseInsensitive)
        while let open = result.range(of: "<"), let close = result.range(of: ">", range: open.upperBound..<result.endIndex),
            result.distance(from: open.lowerBound, to: close.upperBound) <= 40
        {
            result.replaceSubrange(open.lowerBound..<close.upperBound, with: " ")
        }
        let markup: Set<Character> = ["*", "`", "~", "_"]
        var trimmed = Substring(result.trimmingCharacters(in: .whitespacesAndNewlines))
        while let first = trimmed.first, markup.contains(first) { trimmed = trimmed.dropFirst() }
        while let last = trimmed.last, markup.contains(last) { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }
}

/// `HEARTBEAT.md` in the agent's workspace: the checklist the default prompt points at.
public enum HeartbeatFile {
    public static let fileName = "HEARTBEAT.md"

    /// True when the file has nothing to act on: only blank lines, headings without text,
    /// HTML comments or empty list items. A periodic heartbeat then skips the model call.
    public static func isEffectivelyEmpty(_ content: String) -> Bool {
        var inComment = false
        for rawLine in content.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if inComment {
                guard let end = line.range(of: "-->") else { continue }
                line = String(line[end.upperBound...]).trimmingCharacters(in: .whitespaces)
                inComment = false
            }
            while let start = line.range(of: "<!--") {
                if let end = line.range(of: "-->", range: start.upperBound..<line.endIndex) {
                    line.removeSubrange(start.lowerBound..<end.upperBound)
                } else {
                    line = String(line[..<start.lowerBound])
                    inComment = true
                }
            }
            line = line.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.allSatisfy({ $0 == "#" }) || (line.hasPrefix("#") && line.drop(while: { $0 == "#" }).first == " ") { continue }
            if ["-", "*", "+", "- [ ]", "* [ ]", "- [x]"].contains(line) { continue }
            return false
        }
        return true
    }
}
