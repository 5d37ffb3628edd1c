import Foundation

/// Renders the basic Markdown models write into Telegram's HTML parse mode.
///
/// Everything that is not recognised markup is escaped, so model output can never inject
/// tags; links are kept only for http, https, mailto and tg schemes.
public enum TelegramHTML {
    public static func render(_ markdown: String) -> String {
        var output = ""
        var text: [String] = []
        var code: [String]?
        var language = ""
        for line in markdown.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                if let lines = code {
                    output += block(lines, language: language)
                    code = nil
                } else {
                    output += inline(text.joined(separator: "\n"))
                    text.removeAll()
                    code = []
                    language = String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                }
                continue
            }
            if code != nil {
                code?.append(line)
            } else {
                text.append(line)
            }
        }
        // An unterminated fence still shows as code.
        if let lines = code { output += block(lines, language: language) }
        return output + inline(text.joined(separator: "\n"))
    }

    private static func block(_ lines: [String], language: String) -> String {
        let cls = language.isEmpty ? "" : " class=\"language-\(escape(language))\""
        return "<pre><code\(cls)>\(escape(lines.joined(separator: "\n")))</code></pre>"
    }

    /// Escapes the three characters Telegram's HTML mode requires (and quotes, for attributes).
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Inline markup: code spans first (their content is literal), then emphasis and links.
    static func inline(_ text: String) -> String {
        var result = ""
        let pieces = text.components(separatedBy: "`")
        for (index, piece) in pieces.enumerated() {
            let isCode = index % 2 == 1 && index < pieces.count - 1
            if isCode {
                result += "<code>\(escape(piece))</code>"
            } else {
                let literal = index % 2 == 1 ? "`" + piece : piece
                result += emphasis(escape(literal))
            }
        }
        return result
    }

    private static func emphasis(_ escaped: String) -> String {
        var text = escaped
        text = text.replacing(/\[([^\]\n]+)\]\(([^)\s]+)\)/) { match in
            let label = String(match.1)
            let url = String(match.2)
            let lower = url.lowercased()
            guard ["http://", "https://", "mailto:", "tg://"].contains(where: { lower.hasPrefix($0) }) else { return "\(label) (\(url))" }
            return "<a href=\"\(url)\">\(label)</a>"
        }
        for (pattern, template) in rules {
            text = pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
        }
        return text
    }

    /// Emphasis rules (ICU patterns: Swift's Regex has no lookbehind).
    private static let rules: [(NSRegularExpression, String)] = [
        (#"\*\*(?=\S)(.+?)(?<=\S)\*\*"#, "<b>$1</b>"),
        (#"__(?=\S)(.+?)(?<=\S)__"#, "<b>$1</b>"),
        (#"~~(?=\S)(.+?)(?<=\S)~~"#, "<s>$1</s>"),
        (#"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])"#, "<i>$1</i>"),
        (#"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])"#, "<i>$1</i>"),
    ].map { pattern, template in
        // swiftlint:disable:next force_try
        (try! NSRegularExpression(pattern: pattern), template)
    }
}
