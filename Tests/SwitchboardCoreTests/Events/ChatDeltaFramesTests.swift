import Foundation
import NIOCore
import SwitchboardProtocol
import Testing

@testable import SwitchboardCore

/// The hand-written delta frames must be exactly what the encoder writes for the same payloads.
struct ChatDeltaFramesTests {
    static let texts = [
        "", "plain", "quote \" backslash \\ slash / done", "lines\nand\r\ttabs\u{08}\u{0C}", "controls \u{00}\u{01}\u{1F}\u{7F}",
        "unicode é 漢字 🙂 \u{2028}\u{2029}", String(repeating: "long ", count: 2000),
    ]

    @Test("JSON strings are escaped exactly as the encoder escapes them", arguments: texts)
    func escaping(text: String) throws {
        let expected = try GatewayJSON.encoder.encode(text)
        #expect(Array(JSONStringWriter.literalBuffer(text).readableBytesView) == Array(expected))
        #expect(JSONStringWriter.literal(text) == Array(expected))
    }

    @Test("the four delta frames equal the encoder's", arguments: texts)
    func frames(text: String) throws {
        let delta = String(text.suffix(7))
        let frames = ChatDeltaFrames(runId: "r\"1", sessionKey: "agent:main:ü", agentId: "main", agentSeq: 3, chatSeq: 4, ts: 1_700_000_000_123, full: text, delta: delta)

        let assistant = AgentEvent.Payload(
            runId: "r\"1", seq: 3, stream: "assistant", ts: 1_700_000_000_123, data: ["text": .string(text), "delta": .string(delta)], sessionKey: "agent:main:ü"
        )
        var v3 = ChatEvent.Payload(runId: "r\"1", sessionKey: "agent:main:ü", seq: 4, state: "delta")
        v3.message = .text(text, role: "assistant", timestamp: 1_700_000_000_123)
        var v4Full = v3
        v4Full.deltaText = text
        v4Full.replace = true
        v4Full.agentId = "main"
        var v4Append = ChatEvent.Payload(runId: "r\"1", sessionKey: "agent:main:ü", seq: 4, state: "delta")
        v4Append.deltaText = delta
        v4Append.agentId = "main"

        #expect(String(buffer: frames.assistant.frame(seq: nil)) == String(buffer: try EncodedEvent(AgentEvent.self, payload: assistant).frame(seq: nil)))
        #expect(String(buffer: frames.v3.frame(seq: nil)) == String(buffer: try EncodedEvent(ChatEvent.self, payload: v3).frame(seq: nil)))
        #expect(String(buffer: frames.v4Full.frame(seq: nil)) == String(buffer: try EncodedEvent(ChatEvent.self, payload: v4Full).frame(seq: nil)))
        #expect(String(buffer: frames.v4Append.frame(seq: nil)) == String(buffer: try EncodedEvent(ChatEvent.self, payload: v4Append).frame(seq: nil)))
        #expect(frames.v3.dropIfSlow && frames.v4Full.dropIfSlow && frames.v4Append.dropIfSlow)
    }
}
