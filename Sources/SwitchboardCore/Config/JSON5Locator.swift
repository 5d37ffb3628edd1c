/// Finds where a JSON5 text goes wrong, for the error a user sees (Foundation's decoder says
/// only "not valid JSON"): a small recursive-descent pass over JSON5's grammar that stops at
/// the first unexpected character and tells its line, column and what was expected there.
/// Used only after the real parser failed, so it never decides what is valid.
struct JSON5Locator {
    struct Problem: Error, Equatable {
        var line: Int
        var column: Int
        var message: String
        var description: String { "line \(line), column \(column): \(message)" }
    }

    private let bytes: [UInt8]
    private var index = 0
    private static let maxDepth = 512

    private init(_ text: String) { bytes = Array(text.utf8) }

    static func locate(_ text: String) -> Problem? {
        var locator = JSON5Locator(text)
        do throws(Problem) {
            try locator.skipSpace()
            try locator.value(depth: 0)
            try locator.skipSpace()
            if locator.index < locator.bytes.count { throw locator.problem("unexpected text after the end of the document") }
            return nil
        } catch {
            return error
        }
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func problem(_ message: String) -> Problem {
        var line = 1
        var column = 1
        for byte in bytes[..<min(index, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        let found =
            current.map { byte in
                byte == 0x0A ? "a line break" : byte < 0x20 ? "a control character" : byte < 0x80 ? "\"\(Character(UnicodeScalar(byte)))\"" : "a non-ASCII character"
            } ?? "the end of the file"
        return Problem(line: line, column: column, message: "\(message), found \(found)")
    }

    private mutating func skipSpace() throws(Problem) {
        while let byte = current {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0xA0 {
                index += 1
            } else if byte == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") {
                while let next = current, next != 0x0A { index += 1 }
            } else if byte == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                let start = index
                index += 2
                while index + 1 < bytes.count, !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) { index += 1 }
                guard index + 1 < bytes.count else {
                    index = start
                    throw Problem(line: problem("").line, column: problem("").column, message: "unterminated /* comment")
                }
                index += 2
            } else {
                return
            }
        }
    }

    private mutating func value(depth: Int) throws(Problem) {
        guard depth < Self.maxDepth else { throw problem("nested too deeply") }
        switch current {
        case UInt8(ascii: "{"): try object(depth: depth)
        case UInt8(ascii: "["): try array(depth: depth)
        case UInt8(ascii: "\""), UInt8(ascii: "'"): try string()
        case let byte? where byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || (0x30...0x39).contains(byte): try number()
        case let byte? where Self.isIdentifierStart(byte):
            let word = identifier()
            guard ["true", "false", "null", "Infinity", "NaN"].contains(word) else {
                index -= word.utf8.count
                throw problem("expected a value (a string needs quotes)")
            }
        default: throw problem("expected a value")
        }
    }

    private mutating func object(depth: Int) throws(Problem) {
        index += 1
        try skipSpace()
        while current != UInt8(ascii: "}") {
            if current == UInt8(ascii: "\"") || current == UInt8(ascii: "'") {
                try string()
            } else if let byte = current, Self.isIdentifierStart(byte) {
                _ = identifier()
            } else {
                throw problem("expected a key or \"}\"")
            }
            try skipSpace()
            guard current == UInt8(ascii: ":") else { throw problem("expected \":\" after the key") }
            index += 1
            try skipSpace()
            try value(depth: depth + 1)
            try skipSpace()
            if current == UInt8(ascii: ",") {
                index += 1
                try skipSpace()
            } else if current != UInt8(ascii: "}") {
                throw problem("expected \",\" or \"}\"")
            }
        }
        index += 1
    }

    private mutating func array(depth: Int) throws(Problem) {
        index += 1
        try skipSpace()
        while current != UInt8(ascii: "]") {
            try value(depth: depth + 1)
            try skipSpace()
            if current == UInt8(ascii: ",") {
                index += 1
                try skipSpace()
            } else if current != UInt8(ascii: "]") {
                throw problem("expected \",\" or \"]\"")
            }
        }
        index += 1
    }

    private mutating func string() throws(Problem) {
        let quote = bytes[index]
        index += 1
        while let byte = current, byte != quote {
            if byte == 0x0A { throw problem("unterminated string (a line break inside quotes needs \\)") }
            index += byte == UInt8(ascii: "\\") ? 2 : 1
        }
        guard current == quote else { throw problem("unterminated string") }
        index += 1
    }

    private mutating func number() throws(Problem) {
        let start = index
        if current == UInt8(ascii: "-") || current == UInt8(ascii: "+") { index += 1 }
        if let byte = current, Self.isIdentifierStart(byte) {
            let word = identifier()
            guard word == "Infinity" || word == "NaN" else { throw problem("expected a number") }
            return
        }
        while let byte = current, Self.isNumberByte(byte) { index += 1 }
        guard index > start + (bytes[start] == UInt8(ascii: "-") || bytes[start] == UInt8(ascii: "+") ? 1 : 0) else { throw problem("expected a number") }
    }

    private mutating func identifier() -> String {
        let start = index
        while let byte = current, Self.isIdentifierStart(byte) || (0x30...0x39).contains(byte) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$") || byte >= 0x80
    }

    static func isNumberByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
            || [UInt8(ascii: "."), UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "+"), UInt8(ascii: "-")].contains(byte)
    }
}
