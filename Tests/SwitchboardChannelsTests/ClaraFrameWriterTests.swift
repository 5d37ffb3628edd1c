import Foundation
import SwitchboardProtocol
import Testing

@testable import SwitchboardChannels

/// Adapter frames written by hand parse to what JSONSerialization would have written.
struct ClaraFrameWriterTests {
    @Test("every value kind the adapter frames hold round-trips through a JSON parser")
    func roundTrip() throws {
        let optionalNone: String? = nil
        let fields: [String: Any] = [
            "chunk": "quote \" slash / \\ line\n tab\t ctl \u{01} é 🙂", "done": false, "step": 3, "big": Int64(1) << 40,
            "ratio": 0.25, "whole": 2.0, "files": [String](), "nested": ["id": "u1", "platform_id": "u1"], "list": [1, "two", true],
            "none": optionalNone as Any, "null": NSNull(),
        ]
        let written = ClaraFrameWriter.frame("response_chunk", fields)
        let parsed = try GatewayJSON.decoder.decode(JSONValue.self, from: Data(written))
        let expected: JSONValue = [
            "type": "response_chunk", "chunk": "quote \" slash / \\ line\n tab\t ctl \u{01} é 🙂", "done": false, "step": 3, "big": 1_099_511_627_776,
            "ratio": 0.25, "whole": 2, "files": [], "nested": ["id": "u1", "platform_id": "u1"], "list": [1, "two", true], "none": .null, "null": .null,
        ]
        #expect(parsed == expected)
        #expect(String(decoding: written, as: UTF8.self).hasPrefix(#"{"big":1099511627776,"chunk":"quote \" slash / \\ line\n tab\t ctl \u0001"#))
    }
}
