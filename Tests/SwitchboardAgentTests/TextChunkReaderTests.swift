import Foundation
@testable import SwitchboardAgent
import SwitchboardProtocol
import Testing

/// The one-pass reader of streamed chunks must read every chunk it accepts exactly as
/// `JSONDecoder` does, and leave everything else to the decoder.
struct TextChunkReaderTests {
    static let accepted: [String] = [
        #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"quote \" slash \/ nl \n uni \u00e9 pair \ud83d\ude00 é"},"logprobs":null}]}"#,
        #"{"choices":[{"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":-3,"total_tokens":9,"details":{"x":[1,2.5,{"y":null}]}}}"#,
        #" { "choices" : [ ] , "usage" : null } "#,
        #"{"choices":null}"#,
        #"{}"#,
        #"{"choices":[{"delta":null,"finish_reason":"length"},{"delta":{"content":null}}]}"#,
        #"{"choices":[{"delta":{"content":""}}],"usage":{"prompt_tokens":null}}"#,
    ]

    static let leftToTheDecoder: [String] = [
        #"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"t","function":{"name":"f","arguments":"{}"}}]}}]}"#,
        #"{"error":{"message":"overloaded"}}"#,
        #"{"choices":[{"delta":{"content":5}}]}"#,
        #"{"choices":[{"finish_reason":1}]}"#,
        #"{"choices":{}}"#,
        #"{"usage":{"prompt_tokens":1.0}}"#,
        #"{"usage":{"prompt_tokens":1e2}}"#,
        #"{"usage":[]}"#,
        #"{"choices":[{"delta":{"content":"x"}}]} trailing"#,
        #"{"choices":[{"delta":{"content":"bad \x"}}]}"#,
        #"[1,2]"#,
        #"{"choices":[{"delta":{"content":"a"}}],"choices":[{"delta":{"content":"b"}}]}"#,
        #"{"choices":[{"delta":{"content":"a","content":"b"}}]}"#,
        #"{"choices":[{"delta":{"content":"unterminated}}]}"#,
    ]

    @Test(arguments: accepted)
    func readsAsTheDecoderDoes(_ text: String) throws {
        let fast = try #require(TextChunkReader.read(Substring(text)), "the reader should take \(text)")
        let decoded = try GatewayJSON.decoder.decode(OpenAICompatibleProvider.Chunk.self, from: Data(text.utf8))
        #expect(fast == decoded)
    }

    @Test(arguments: leftToTheDecoder)
    func leavesTheRestToTheDecoder(_ text: String) {
        #expect(TextChunkReader.read(Substring(text)) == nil)
    }
}
