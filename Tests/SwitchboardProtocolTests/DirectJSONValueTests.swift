import Foundation
import SwitchboardProtocol
import Testing

/// Values built directly as `JSONValue` on hot paths must equal what encoding them makes.
struct DirectJSONValueTests {
    @Test(arguments: [
        ChatSend.Result(runId: "r-1", status: "in_flight"),
        ChatSend.Result(runId: "r-\"2\"", status: "error", summary: "aborted (stop) é"),
        ChatSend.Result(abortedRunIds: ["a", "b"]),
        ChatSend.Result(abortedRunIds: []),
    ])
    func chatSendResult(_ result: ChatSend.Result) throws {
        #expect(result.jsonValue == (try JSONValue(encoding: result)))
        #expect(try result.jsonValue.decode(ChatSend.Result.self) == result)
    }
}

/// ``JSONValue/jsonData`` (provider request bodies) against `JSONEncoder`.
struct JSONValueWritingTests {
    static let samples: [JSONValue] = [
        .null, true, false, 0, -42, .int(Int.max), 0.5, -1.25e-7, 3.0, 1e300,
        "", "plain", "quote \" backslash \\ slash / newline \n tab \t nul \u{0} bell \u{7} é 😀 \u{2028}",
        [], [1, "two", [3.5, .null]],
        [:], ["b": 1, "a": ["z": true, "y": [1, 2]], "A": "upper", "_": .null, "é": "accent", "10": 10, "9": 9],
        [
            "model": "m1", "stream": true, "temperature": 0.7, "max_tokens": 512,
            "messages": [["role": "system", "content": "You are…"], ["role": "user", "content": [["type": "text", "text": "hi\n"]]]],
        ],
    ]

    @Test(arguments: samples)
    func sameValueAndBytesAsTheEncoder(_ value: JSONValue) throws {
        let direct = value.jsonData
        let encoded = try GatewayJSON.encoder.encode(value)
        // JSON has one kind of number: 3.0 reads back as 3, from either writer.
        #expect(try GatewayJSON.decoder.decode(JSONValue.self, from: direct) == GatewayJSON.decoder.decode(JSONValue.self, from: encoded))
        #expect(direct == encoded, "direct \(String(decoding: direct, as: UTF8.self)) vs encoder \(String(decoding: encoded, as: UTF8.self))")
    }

    @Test func numbersThatAreNotFiniteBecomeNull() {
        #expect(JSONValue.double(.nan).jsonData == Data("null".utf8))
        #expect(JSONValue.array([.double(.infinity)]).jsonData == Data("[null]".utf8))
    }
}
