import Foundation
import SwitchboardProtocol
import SwitchboardTesting

struct Missing: Error, CustomStringConvertible {
    var what: String
    var description: String { "missing \(what)" }
}

func unwrap<T>(_ value: T?, _ what: String = "value") throws -> T {
    guard let value else { throw Missing(what: what) }
    return value
}

extension RawSocket {
    /// Reads the challenge and sends `connect`; returns the challenge and the `res`.
    func handshake(_ params: ConnectParams, binary: Bool = false, id: String = "connect-1") async throws -> (challenge: JSONValue, response: JSONValue) {
        let challenge = try unwrap(try await receive(), "connect.challenge")
        let frame = GatewayJSON.string(RequestFrame(id: id, method: "connect", params: params))
        if binary {
            try await send(binary: Array(frame.utf8))
        } else {
            try await send(text: frame)
        }
        let response = try unwrap(try await response(id: id), "connect response")
        return (challenge, response)
    }

    /// Sends a request and returns its response.
    func call(_ method: String, params: JSONValue? = nil, id: String = UUID().uuidString) async throws -> JSONValue {
        try await send(json: RequestFrame(id: id, method: method, params: params))
        return try unwrap(try await response(id: id), "response to \(method)")
    }
}
