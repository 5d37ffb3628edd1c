@testable import SwitchboardAgent
import SwitchboardProtocol
import Testing

struct SSEParserTests {
    @Test func eventsSurviveAnyChunkingAndLineEnding() throws {
        let stream = "event: a\r\ndata: one\r\ndata: two\r\n\r\n: comment\n\ndata: {\"x\":1}\n\nevent: b\rdata:no-space\r\r"
        let bytes = Array(stream.utf8)
        for size in [1, 2, 3, 7, bytes.count] {
            var parser = SSEParser()
            var events: [SSEEvent] = []
            var index = 0
            while index < bytes.count {
                events += try parser.feed(bytes[index..<min(index + size, bytes.count)])
                index += size
            }
            #expect(events == [SSEEvent(event: "a", data: "one\ntwo"), SSEEvent(event: "message", data: "{\"x\":1}"), SSEEvent(event: "b", data: "no-space")])
        }
    }

    @Test func anUnterminatedEventIsDeliveredAtTheEndAndHugeLinesAreRefused() throws {
        var parser = SSEParser()
        #expect(try parser.feed(Array("data: tail".utf8)).isEmpty)
        #expect(parser.finish() == SSEEvent(event: "message", data: "tail"))
        var small = SSEParser(maxLineBytes: 16)
        #expect(throws: SSEParser.LineTooLong.self) { _ = try small.feed(Array("data: 0123456789abcdef".utf8)) }
    }
}

struct RetryPolicyTests {
    /// A chunk's data is trimmed of blanks only (JSON never starts or ends with anything else).
    @Test func chunkDataLosesOnlySurroundingBlanks() {
        func trim(_ text: String) -> Substring { text.trimmingBlanks }
        #expect(trim(" \t[DONE] \t") == "[DONE]")
        #expect(trim("{\"a\": \" é \"}") == "{\"a\": \" é \"}")
        #expect(trim("   ") == "" && trim("") == "")
        #expect(trim("\u{00A0}x") == "\u{00A0}x")
    }

    @Test func retryAfterAcceptsSecondsMillisecondsAndDates() {
        #expect(RetryPolicy.retryAfterMs(retryAfter: "2", retryAfterMsHeader: nil) == 2000)
        #expect(RetryPolicy.retryAfterMs(retryAfter: "2", retryAfterMsHeader: "150") == 150)
        #expect(RetryPolicy.retryAfterMs(retryAfter: "soon", retryAfterMsHeader: nil) == nil)
        let now = Date(timeIntervalSince1970: 1_000_000)
        #expect(RetryPolicy.retryAfterMs(retryAfter: "Mon, 12 Jan 1970 13:46:50 GMT", retryAfterMsHeader: nil, now: now) == 10_000)
        let policy = RetryPolicy(maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000)
        #expect(policy.delayMs(afterAttempt: 1, retryAfterMs: 700) == 700)
        #expect((50...100).contains(policy.delayMs(afterAttempt: 1, retryAfterMs: nil)))
        #expect((500...1000).contains(policy.delayMs(afterAttempt: 9, retryAfterMs: nil)))
    }
}

import Foundation
