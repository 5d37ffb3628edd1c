import Foundation
import SwitchboardProtocol

/// Frames of the platform-adapter protocol (Clara-style; documented in the README).
/// Field names are snake_case on the wire, as Clara's adapters send them.
enum ClaraFrames {
    struct Envelope: Decodable {
        var type: String?
    }

    struct Register: Decodable {
        var nodeId: String?
        var platform: String?
        var capabilities: [String]?
        var secret: String?
    }

    struct User: Codable, Sendable {
        var id: String?
        var platformId: String?
        var name: String?
        var displayName: String?
    }

    struct Channel: Codable, Sendable {
        var id: String?
        /// dm, server or group.
        var type: String?
        var name: String?
    }

    struct Message: Decodable {
        var id: String?
        var user: User?
        var channel: Channel?
        /// The seed protocol's flat fields, accepted beside Clara's nested ones.
        var requestId: String?
        var userId: String?
        var channelId: String?
        var content: String?
        /// Clara's `{type: image|file|text, filename, media_type?, base64_data?, content?}`.
        var attachments: [JSONValue]?
        var metadata: [String: Flexible]?
    }

    struct Ack: Decodable {
        var deliveryId: String?
        var id: String?
    }

    struct Cancel: Decodable {
        var requestId: String?
        var reason: String?
    }

    /// Any JSON scalar in `metadata` (only `is_mention` is read).
    enum Flexible: Decodable {
        case bool(Bool)
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            self = (try? container.decode(Bool.self)).map(Flexible.bool) ?? .other
        }
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    /// Encodes a gateway → adapter frame.
    static func encode(_ type: String, _ fields: [String: Any]) -> Data {
        Data(ClaraFrameWriter.frame(type, fields))
    }

    static func error(requestId: String?, code: String, message: String, recoverable: Bool) -> Data {
        var fields: [String: Any] = ["code": code, "message": message, "recoverable": recoverable]
        if let requestId { fields["request_id"] = requestId }
        return encode("error", fields)
    }

    static func isoNow() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
