import Foundation
import SwitchboardProtocol
import Testing

/// The one-pass frame reader: it must find the same fields a full decode would, and accept
/// exactly the texts Foundation's `JSONDecoder` accepts, since it now stands in front of it.
struct FrameEnvelopeTests {
    func read(_ text: String) -> Result<FrameEnvelope, FrameEnvelope.Failure> {
        Array(text.utf8).withUnsafeBytes(FrameEnvelope.read)
    }

    func envelope(_ text: String) throws -> FrameEnvelope {
        try read(text).get()
    }

    /// Whether the reader's verdict matches a full decode's. Foundation also takes a trailing
    /// comma (`[1,]`), which RFC 8259 and OpenClaw's `JSON.parse` refuse; the reader follows
    /// them, so refusing such a text is agreement.
    func agreesWithFoundation(_ bytes: [UInt8], ours: Bool) -> Bool {
        let foundation = (try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(bytes))) != nil
        if ours == foundation { return true }
        return !ours && String(decoding: bytes, as: UTF8.self).range(of: #",\s*[}\]]"#, options: .regularExpression) != nil
    }

    @Test func readsAddressingFieldsAndWhereParamsLie() throws {
        let text = #" { "type" : "req", "id":"a\"b\u00e9\ud83d\ude00", "extra":[1,{"x":null}], "method":"chat.send", "params": {"text":"hi"} } "#
        let frame = try envelope(text)
        #expect(frame.type == "req" && frame.method == "chat.send")
        #expect(frame.id == "a\"bé😀")
        let bytes = Array(text.utf8)
        let params = try #require(frame.params)
        #expect(String(decoding: bytes[params], as: UTF8.self) == #"{"text":"hi"}"#)
    }

    @Test func absentNullAndNonStringFieldsReadAsAbsent() throws {
        #expect(try envelope(#"{"type":"req","id":7,"method":["x"],"params":null}"#) == FrameEnvelope(type: "req"))
        #expect(try envelope("{}") == FrameEnvelope())
    }

    @Test func aRepeatedNameCountsItsLastValue() throws {
        #expect(try envelope(#"{"method":"a","method":"b"}"#).method == "b")
    }

    @Test func emptyObjectsAreRecognisedGiveOrTakeWhitespace() {
        for text in ["{}", " { \n} ", "{\t}"] {
            #expect(Array(text.utf8).withUnsafeBytes(FrameEnvelope.isEmptyObject), "\(text)")
        }
        for text in [#"{"a":1}"#, "[]", "{} {}"] {
            #expect(!Array(text.utf8).withUnsafeBytes(FrameEnvelope.isEmptyObject), "\(text)")
        }
    }

    @Test func failuresSayWhatAndWhere() {
        #expect(read("[1,2]") == .failure(.notObject))
        #expect(read(#""text""#) == .failure(.notObject))
        guard case .failure(.notJSON(let trailing)) = read(#"{"a":1} x"#) else { Issue.record("expected notJSON"); return }
        #expect(trailing.description == "unexpected text after the JSON value at byte 8")
        guard case .failure(.notJSON(let member)) = read(#"{"a" 1}"#) else { Issue.record("expected notJSON"); return }
        #expect(member.description == "unexpected '1', expected ':' at byte 5")
    }

    @Test func invalidUTF8AndControlCharactersInStringsAreRejected() {
        let invalid: [[UInt8]] = [
            Array(#"{"a":""#.utf8) + [0xFF] + Array(#""}"#.utf8),
            Array(#"{"a":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8),  // overlong
            Array(#"{"a":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8),  // surrogate
            Array(#"{"a":""#.utf8) + [0x0A] + Array(#""}"#.utf8),
        ]
        for bytes in invalid {
            guard case .failure(.notJSON) = bytes.withUnsafeBytes(FrameEnvelope.read) else {
                Issue.record("accepted \(bytes)")
                continue
            }
        }
    }

    @Test func trailingCommasAreRefusedAsJSONParseDoes() {
        for text in [#"{"a":[1,]}"#, #"{"a":1,}"#] {
            guard case .failure(.notJSON) = read(text) else { Issue.record("accepted \(text)"); continue }
        }
    }

    @Test func nestingIsBoundedWithoutRecursion() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        guard case .failure(.notJSON(let error)) = read(#"{"params":"# + deep + "}") else { Issue.record("expected notJSON"); return }
        #expect(error.reason == "nesting deeper than 512 levels")
        let allowed = String(repeating: "[", count: 511) + String(repeating: "]", count: 511)
        #expect((try? envelope(#"{"params":"# + allowed + "}")) != nil)
    }

    /// The reader and `JSONDecoder` agree on which texts are JSON, over hand-picked edge cases
    /// and seeded random mutations of real frames.
    @Test func acceptsExactlyWhatFoundationAccepts() {
        let cases = [
            #"{"a":1}"#, #"{"a":-0}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":1e5}"#, #"{"a":1E+5}"#, #"{"a":1e}"#, #"{"a":-}"#,
            #"{"a":tru}"#, #"{"a":true}"#, #"{"a":nul}"#, #"{,}"#, #"{"a":[,1]}"#, #"{"a":"\x"}"#,
            #"{"a":"\u12"}"#, #"{"a":"\u00e9"}"#, #"{"a":"\/"}"#, #"{"a":{"b":{"c":[[],{}]}}}"#, #"{"a":1}}"#, #"{"a":1"#, "{", "",
            "   ", #"{"a":1} "#, #"{'a':1}"#, #"{a:1}"#, #"{"a":NaN}"#, #"{"a":Infinity}"#, #"{"a":"\ud83d\ude00"}"#,
        ]
        for text in cases {
            let bytes = Array(text.utf8)
            let ours = bytes.withUnsafeBytes(FrameEnvelope.read)
            let accepted: Bool
            switch ours {
            case .success, .failure(.notObject): accepted = true
            case .failure(.notJSON): accepted = false
            }
            #expect(agreesWithFoundation(bytes, ours: accepted), "\(text): ours \(ours)")
        }
        var generator = SplitMix64(seed: 0x5EED)
        let seeds = [
            #"{"type":"req","id":"1","method":"chat.send","params":{"sessionKey":"main","text":"héllo \"x\"","n":[1,2.5,-3e2,true,null]}}"#,
            #"{"type":"req","id":"abc","method":"health","params":{}}"#,
        ]
        let alphabet = Array(#"{}[]",:\"0123456789-+.eEtrufalsn u\ "#.utf8)
        var disagreements: [String] = []
        for round in 0..<4000 {
            var bytes = Array(seeds[round % seeds.count].utf8)
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: position)
                }
                if bytes.isEmpty { bytes = [UInt8(ascii: "x")] }
            }
            let ours: Bool
            switch bytes.withUnsafeBytes(FrameEnvelope.read) {
            case .success, .failure(.notObject): ours = true
            case .failure(.notJSON): ours = false
            }
            if !agreesWithFoundation(bytes, ours: ours) { disagreements.append(String(decoding: bytes, as: UTF8.self)) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }
}

/// A small seeded generator, so the random cases are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
