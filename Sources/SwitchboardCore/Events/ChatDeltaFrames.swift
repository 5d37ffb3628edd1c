import NIOCore
import SwitchboardProtocol

/// The four payloads one streamed delta becomes — the `assistant` agent event, the v3 `chat`
/// delta (whole text so far), and the v4 `chat` deltas with the whole text (`replace`) or only
/// the new text — written by hand: the text so far is escaped once and spliced into three of
/// them, where the encoder would escape it three times per chunk (a quadratic share of a long
/// answer's cost). Byte for byte what ``GatewayJSON/encoder`` writes for the same payloads
/// (sorted keys), which `ChatDeltaFramesTests` checks.
struct ChatDeltaFrames {
    let assistant: EncodedEvent
    let v3: EncodedEvent
    let v4Full: EncodedEvent
    let v4Append: EncodedEvent

    init(runId: String, sessionKey: String, agentId: String, agentSeq: Int, chatSeq: Int, ts: Int, full: String, delta: String) {
        let runId = JSONStringWriter.literalBuffer(runId)
        let sessionKey = JSONStringWriter.literalBuffer(sessionKey)
        let agentId = JSONStringWriter.literalBuffer(agentId)
        let fullText = JSONStringWriter.literalBuffer(full)
        let deltaText = JSONStringWriter.literalBuffer(delta)
        let tsText = String(ts)

        var assistant = ByteBuffer()
        assistant.reserveCapacity(fullText.readableBytes + deltaText.readableBytes + 160)
        assistant.writeStaticString(#"{"data":{"delta":"#)
        assistant.writeImmutableBuffer(deltaText)
        assistant.writeStaticString(#","text":"#)
        assistant.writeImmutableBuffer(fullText)
        assistant.writeStaticString(#"},"runId":"#)
        assistant.writeImmutableBuffer(runId)
        assistant.writeStaticString(#","seq":"#)
        assistant.writeString(String(agentSeq))
        assistant.writeStaticString(#","sessionKey":"#)
        assistant.writeImmutableBuffer(sessionKey)
        assistant.writeStaticString(#","stream":"assistant","ts":"#)
        assistant.writeString(tsText)
        assistant.writeStaticString("}")
        self.assistant = EncodedEvent(AgentEvent.self, encodedPayload: assistant)

        // v3: {"message":{…},"runId":…,"seq":…,"sessionKey":…,"state":"delta"}
        func message(into buffer: inout ByteBuffer) {
            buffer.writeStaticString(#""message":{"content":[{"text":"#)
            buffer.writeImmutableBuffer(fullText)
            buffer.writeStaticString(#","type":"text"}],"role":"assistant","timestamp":"#)
            buffer.writeString(tsText)
            buffer.writeStaticString("}")
        }
        func tail(into buffer: inout ByteBuffer) {
            buffer.writeStaticString(#","runId":"#)
            buffer.writeImmutableBuffer(runId)
            buffer.writeStaticString(#","seq":"#)
            buffer.writeString(String(chatSeq))
            buffer.writeStaticString(#","sessionKey":"#)
            buffer.writeImmutableBuffer(sessionKey)
            buffer.writeStaticString(#","state":"delta"}"#)
        }
        var v3 = ByteBuffer()
        v3.reserveCapacity(fullText.readableBytes + 200)
        v3.writeStaticString("{")
        message(into: &v3)
        tail(into: &v3)
        self.v3 = EncodedEvent(ChatEvent.self, encodedPayload: v3, dropIfSlow: true)

        // v4 whole text: {"agentId":…,"deltaText":full,"message":{…},"replace":true,"runId":…,…}
        var v4Full = ByteBuffer()
        v4Full.reserveCapacity(2 * fullText.readableBytes + 240)
        v4Full.writeStaticString(#"{"agentId":"#)
        v4Full.writeImmutableBuffer(agentId)
        v4Full.writeStaticString(#","deltaText":"#)
        v4Full.writeImmutableBuffer(fullText)
        v4Full.writeStaticString(",")
        message(into: &v4Full)
        v4Full.writeStaticString(#","replace":true"#)
        tail(into: &v4Full)
        self.v4Full = EncodedEvent(ChatEvent.self, encodedPayload: v4Full, dropIfSlow: true)

        // v4 append: {"agentId":…,"deltaText":delta,"runId":…,…}
        var v4Append = ByteBuffer()
        v4Append.reserveCapacity(deltaText.readableBytes + 160)
        v4Append.writeStaticString(#"{"agentId":"#)
        v4Append.writeImmutableBuffer(agentId)
        v4Append.writeStaticString(#","deltaText":"#)
        v4Append.writeImmutableBuffer(deltaText)
        tail(into: &v4Append)
        self.v4Append = EncodedEvent(ChatEvent.self, encodedPayload: v4Append, dropIfSlow: true)
    }
}
