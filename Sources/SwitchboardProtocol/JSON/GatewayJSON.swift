public import Foundation

/// The shared JSON coders of the protocol: one configuration for server, client and CLI.
public enum GatewayJSON {
    /// Encoder for wire frames: compact, keys sorted so output is stable and snapshot-testable.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Encoder for files people read (schema export, config).
    public static let prettyEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }()

    public static let decoder = JSONDecoder()

    /// Accepts JSON5 (comments, trailing commas, unquoted keys) for config files.
    public static let json5Decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        return decoder
    }()

    /// Encodes `value` as a UTF-8 string (for logs, CLI output and tests).
    public static func string(_ value: some Encodable, pretty: Bool = false) -> String {
        let data = (try? (pretty ? prettyEncoder : encoder).encode(value)) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
