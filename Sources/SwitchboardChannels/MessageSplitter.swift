import Foundation

/// Cuts a long reply into parts a platform accepts, preferring paragraph, then line, then
/// word boundaries, and keeping code fences balanced in every part.
public enum MessageSplitter {
    /// - Parameters:
    ///   - limit: the largest part, in UTF-16 code units (how Telegram counts).
    public static func split(_ text: String, limit: Int) -> [String] {
        precondition(limit >= 64, "limit too small to split sensibly")
        // Room for closing and reopening a code fence across a cut.
        let budget = limit - 8
        var parts: [String] = []
        var rest = Substring(text)
        var reopenFence = false
        while !rest.isEmpty {
            var part = reopenFence ? "```\n" : ""
            let room = budget - part.utf16.count
            if rest.utf16.count <= room {
                part += rest
                rest = ""
            } else {
                let cut = cutIndex(in: rest, room: room)
                part += rest[..<cut]
                rest = rest[cut...].drop { $0 == "\n" || $0 == " " }
            }
            reopenFence = part.components(separatedBy: "```").count.isMultiple(of: 2)
            if reopenFence && !rest.isEmpty { part += "\n```" }
            if !part.trimmingWhitespace.isEmpty { parts.append(part) }
        }
        return parts.isEmpty ? [""] : parts
    }

    /// The best place to cut `text` so the head fits in `room` UTF-16 units.
    private static func cutIndex(in text: Substring, room: Int) -> Substring.Index {
        var units = 0
        var hardLimit = text.startIndex
        for index in text.indices {
            units += text[index].utf16.count
            if units > room { break }
            hardLimit = text.index(after: index)
        }
        let head = text[..<hardLimit]
        // Do not cut so early that parts become tiny.
        let minimum = head.utf16.count / 2
        for separator in ["\n\n", "\n", " "] {
            if let range = head.range(of: separator, options: .backwards), head[..<range.lowerBound].utf16.count >= minimum {
                return range.upperBound
            }
        }
        return hardLimit > text.startIndex ? hardLimit : text.index(after: text.startIndex)
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
