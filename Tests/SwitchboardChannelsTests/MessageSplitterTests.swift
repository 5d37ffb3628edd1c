import Foundation
import Testing

@testable import SwitchboardChannels

@Suite("Message splitter")
struct MessageSplitterTests {
    @Test("short text stays whole")
    func short() {
        #expect(MessageSplitter.split("hello", limit: 4096) == ["hello"])
    }

    @Test("words are never cut, parts fit, and nothing is lost")
    func words() {
        let words = (0..<2000).map { "word\($0)" }
        let parts = MessageSplitter.split(words.joined(separator: " "), limit: 4096)
        // 17 890 characters: five parts of at most 4096.
        #expect(parts.count == 5)
        #expect(parts.allSatisfy { $0.utf16.count <= 4096 })
        let rejoined = parts.joined(separator: " ").split(separator: " ").map(String.init)
        #expect(rejoined.count == words.count)
        #expect(rejoined.first == "word0" && rejoined.last == "word1999")
        #expect(rejoined == words)
    }

    @Test("paragraph breaks are preferred over line and word breaks")
    func paragraphs() {
        let paragraph = String(repeating: "a ", count: 40) + "end."
        let text = [paragraph, paragraph, paragraph].joined(separator: "\n\n")
        let parts = MessageSplitter.split(text, limit: 200)
        #expect(parts.allSatisfy { $0.hasSuffix("end.") || $0.hasSuffix("end.\n\n") })
    }

    @Test("a code fence cut in two is closed and reopened")
    func fences() {
        let code = (0..<200).map { "let x\($0) = \($0)" }.joined(separator: "\n")
        let parts = MessageSplitter.split("Here:\n```swift\n" + code + "\n```\nDone.", limit: 1000)
        #expect(parts.count > 1)
        for part in parts {
            #expect(part.components(separatedBy: "```").count % 2 == 1, "unbalanced fence in a part")
            #expect(part.utf16.count <= 1000)
        }
    }

    @Test("text without spaces is cut hard, and emoji are never split")
    func hardCut() {
        let text = String(repeating: "😀", count: 3000)
        let parts = MessageSplitter.split(text, limit: 4096)
        #expect(parts.allSatisfy { $0.utf16.count <= 4096 })
        #expect(parts.joined() == text)
    }
}
