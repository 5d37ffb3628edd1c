import Foundation

/// Markdown as the model writes it, turned into Slack's mrkdwn: `&`, `<`, `>` escaped (so text
/// can never become a mention or a link Slack would expand), `**bold**` → `*bold*`,
/// `*italic*`/`_italic_` → `_italic_`, `~~strike~~` → `~strike~`, `[text](https://…)` →
/// `<https://…|text>`, `# Heading` → `*Heading*`; code spans and blocks are left as they are.
enum SlackMrkdwn {
    static func render(_ markdown: String) -> String {
        let parts = markdown.components(separatedBy: "```")
        return parts.enumerated().map { index, part in
            index % 2 == 1 ? escape(part) : renderProse(part)
        }.joined(separator: "```")
    }

    private static func renderProse(_ text: String) -> String {
        // Inline code spans stay literal (escaped only).
        let spans = text.components(separatedBy: "`")
        return spans.enumerated().map { index, span in
            index % 2 == 1 ? escape(span) : renderInline(escape(span))
        }.joined(separator: "`")
    }

    private static func renderInline(_ text: String) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(line)
            if let heading = line.firstMatch(of: /^#{1,6}\s+(.+)$/) { line = "*\(heading.1)*" }
            line = line.replacing(/\*\*(\S(?:.*?\S)?)\*\*/) { "\u{1}\($0.1)\u{1}" }
            line = line.replacing(/(^|[^\w*])\*(\S(?:[^*\n]*?\S)?)\*(?![\w*])/) { "\($0.1)_\($0.2)_" }
            line = line.replacing(/~~(\S(?:.*?\S)?)~~/) { "~\($0.1)~" }
            line = line.replacing(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/) { "<\($0.2)|\($0.1)>" }
            lines.append(line.replacingOccurrences(of: "\u{1}", with: "*"))
        }
        return lines.joined(separator: "\n")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
