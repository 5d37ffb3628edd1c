import Foundation
import SwitchboardProtocol
import SwitchboardTesting
import Testing

@testable import SwitchboardCore

/// Client strings that are stored or echoed have limits, and the error names field and limit.
@Suite("Input bounds", .timeLimit(.minutes(2)))
struct InputBoundsTests {
    @Test("a 2 MiB idempotencyKey is refused with its limit; nothing is stored")
    func longIdempotencyKeys() async throws {
        try await TestGateway.with { gateway in
            let huge = String(repeating: "k", count: 2 * 1024 * 1024)
            let answers = ResponseBox()
            let atLimit = ResponseBox()
            _ = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.handshake(.test())
                var last: JSONValue?
                for method in ["chat.send", "agent", "send"] {
                    var params: JSONValue = ["sessionKey": "main", "message": "hi", "idempotencyKey": .string(huge)]
                    if method == "send" { params = ["to": "x", "message": "hi", "idempotencyKey": .string(huge)] }
                    last = try await socket.call(method, params: params)
                    #expect(last?["ok"] == false, "\(method)")
                    #expect(last?["error"]?["message"]?.stringValue?.contains("idempotencyKey must be at most 256 characters") == true, "\(method)")
                }
                answers.set(last)
                // Control characters are refused too; the limit itself is fine (no provider: the run fails later, not here).
                let control = try await socket.call("chat.send", params: ["sessionKey": "main", "message": "hi", "idempotencyKey": "a\u{0}b"])
                #expect(control["error"]?["message"]?.stringValue?.contains("control characters") == true)
                atLimit.set(try await socket.call("chat.send", params: ["sessionKey": "main", "message": "hi", "idempotencyKey": .string(String(repeating: "k", count: 256))]))
                try await socket.close()
            }
            #expect(answers.value != nil)
            #expect(atLimit.value?["ok"] == true)
        }
    }

    @Test("send's media links are bounded in number and length, and the error says which")
    func mediaLinks() async throws {
        try await TestGateway.with { gateway in
            _ = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.handshake(.test())
                let many = JSONValue.array((0...64).map { .string("https://example.com/\($0).png") })
                let tooMany = try await socket.call("send", params: ["to": "x", "mediaUrls": many, "idempotencyKey": "m1"])
                #expect(tooMany["error"]?["message"] == "invalid params: mediaUrls: at most 64 links (got 65)")
                let long = JSONValue.string("https://example.com/" + String(repeating: "a", count: 3_000))
                let tooLong = try await socket.call("send", params: ["to": "x", "mediaUrl": "https://example.com/ok.png", "mediaUrls": [long], "idempotencyKey": "m2"])
                #expect(tooLong["error"]?["message"] == "invalid params: media link 1: at most 2048 characters")
                let empty = try await socket.call("send", params: ["to": "x", "idempotencyKey": "m3"])
                #expect(empty["error"]?["message"] == "send needs message or mediaUrl: both are empty")
                try await socket.close()
            }
        }
    }

    @Test("connect fields that presence and pairing store are bounded")
    func connectFieldsAreBounded() async throws {
        try await TestGateway.with { gateway in
            var params = ConnectParams.test()
            params.client.displayName = String(repeating: "d", count: 300)
            let box = ResponseBox()
            let sent = params
            let close = try await RawSocket.session(url: gateway.url) { socket in box.set(try await socket.handshake(sent).response) }
            #expect(box.value?["error"]?["message"] == "invalid connect params: client.displayName: at most 256 characters (got 300)")
            #expect(close.code == 1008)
        }
    }

    @Test("system-event text and fields are bounded; presence keeps a bounded number of entries")
    func systemEventsAreBounded() async throws {
        try await TestGateway.with { gateway in
            let answers = ResponseBox()
            _ = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.handshake(.test())
                answers.set(try await socket.call("system-event", params: ["text": .string(String(repeating: "t", count: 70_000))]))
                try await socket.close()
            }
            #expect(answers.value?["error"]?["message"] == "invalid params: text: at most 65536 characters (got 70000)")
        }
        let registry = PresenceRegistry(version: "1", host: "h", nowMs: 0)
        for index in 0..<(PresenceRegistry.maxEntries + 100) {
            registry.upsert(key: "instance:\(index)", entry: PresenceEntry(ts: index))
        }
        let entries = registry.entries
        #expect(entries.count == PresenceRegistry.maxEntries + 1)
        // The oldest were let go, the newest kept.
        #expect(entries.contains { $0.ts == PresenceRegistry.maxEntries + 99 } && !entries.contains { $0.ts == 0 && $0.host == nil })
    }
}
