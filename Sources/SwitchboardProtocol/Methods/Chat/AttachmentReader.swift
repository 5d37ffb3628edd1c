import Foundation

/// Attachments a client sends with a message, checked once: images become image blocks the
/// providers take (OpenAI-compatible `image_url` parts, Anthropic `image` blocks), text files
/// become text after the message, and anything else is refused with an error naming the item.
///
/// Two shapes are read: OpenClaw's `chat.send`/`agent` `{type?, mimeType?, fileName?, content}`
/// (`content` base64 or a `data:` URL) and Clara's adapter `{type: image|file|text, filename,
/// media_type?, base64_data?, content?}` (`content` is the text of a text file).
public struct AttachmentReader: Sendable {
    public struct Limits: Sendable, Hashable {
        /// Largest attachment, decoded (`agents.defaults.attachmentMaxBytes`).
        public var maxBytes: Int
        /// Most attachments on one message (`agents.defaults.attachmentMaxCount`).
        public var maxCount: Int

        public init(maxBytes: Int, maxCount: Int) {
            self.maxBytes = maxBytes
            self.maxCount = maxCount
        }
    }

    /// What the message carries: text to append and image blocks to store and send.
    public struct Parsed: Sendable {
        public var text = ""
        public var images: [ChatContentBlock] = []
        public var isEmpty: Bool { text.isEmpty && images.isEmpty }
        public init() {}
    }

    static let imageTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"]
    static let textTypes = ["application/json", "application/xml", "application/yaml", "application/x-yaml", "application/javascript", "application/toml"]

    public let limits: Limits

    public init(limits: Limits) { self.limits = limits }

    public func read(_ items: [JSONValue], field: String = "attachments") throws(GatewayError) -> Parsed {
        guard items.count <= limits.maxCount else {
            throw .invalidRequest("invalid params: \(field): at most \(limits.maxCount) attachments (agents.defaults.attachmentMaxCount), got \(items.count)")
        }
        var parsed = Parsed()
        for (index, item) in items.enumerated() {
            try read(item, at: "\(field)[\(index)]", into: &parsed)
        }
        return parsed
    }

    private func read(_ item: JSONValue, at path: String, into parsed: inout Parsed) throws(GatewayError) {
        guard case .object(let object) = item else { throw .invalidRequest("invalid params: \(path): expected an object") }
        let name = (object["fileName"] ?? object["filename"] ?? object["name"])?.stringValue.map { String($0.prefix(256)) }
        let declaredKind = object["type"]?.stringValue
        var mime = (object["mimeType"] ?? object["media_type"] ?? object["mediaType"])?.stringValue?.lowercased()
            .split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) }
        // Clara's text attachments carry their text as `content`; OpenClaw's `content` is base64.
        if declaredKind == "text", let text = object["content"]?.stringValue, object["base64_data"] == nil, object["base64Data"] == nil {
            try appendText(text, name: name, at: path, into: &parsed)
            return
        }
        guard var encoded = (object["base64_data"] ?? object["base64Data"] ?? object["content"] ?? object["data"])?.stringValue, !encoded.isEmpty else {
            throw .invalidRequest("invalid params: \(path).content: required base64 string (or a data: URL)")
        }
        if encoded.hasPrefix("data:"), let comma = encoded.firstIndex(of: ",") {
            let header = encoded[encoded.index(encoded.startIndex, offsetBy: 5)..<comma]
            if mime == nil, let type = header.split(separator: ";").first, !type.isEmpty { mime = type.lowercased() }
            encoded = String(encoded[encoded.index(after: comma)...])
        }
        // Refuse oversized input before decoding it: base64 is 4 characters per 3 bytes.
        guard encoded.utf8.count / 4 * 3 <= limits.maxBytes + 3 else { throw tooLarge(path, bytes: encoded.utf8.count / 4 * 3) }
        guard let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw .invalidRequest("invalid params: \(path).content: not valid base64")
        }
        guard data.count <= limits.maxBytes else { throw tooLarge(path, bytes: data.count) }
        if let sniffed = Self.sniffImage(data) {
            if let mime, mime.hasPrefix("image/"), mime != sniffed, !(mime == "image/jpg" && sniffed == "image/jpeg") {
                throw .invalidRequest("invalid params: \(path): declared \(mime) but the data is \(sniffed)")
            }
            parsed.images.append(.image(mimeType: sniffed, data: data.base64EncodedString(), fileName: name, bytes: data.count))
            return
        }
        let isText = declaredKind == "text" || mime.map { $0.hasPrefix("text/") || Self.textTypes.contains($0) } ?? false
        if isText || (mime == nil && declaredKind != "image") {
            guard let text = String(data: data, encoding: .utf8), !text.contains("\u{0}") else {
                throw unsupported(path, mime ?? "binary data")
            }
            try appendText(text, name: name, at: path, into: &parsed)
            return
        }
        throw unsupported(path, mime ?? declaredKind ?? "binary data")
    }

    private func appendText(_ text: String, name: String?, at path: String, into parsed: inout Parsed) throws(GatewayError) {
        guard text.utf8.count <= limits.maxBytes else { throw tooLarge(path, bytes: text.utf8.count) }
        parsed.text += "\n\n[Attached file: \(name ?? "text")]\n" + text
    }

    private func tooLarge(_ path: String, bytes: Int) -> GatewayError {
        .invalidRequest("invalid params: \(path): \(bytes) bytes is over the \(limits.maxBytes)-byte limit (agents.defaults.attachmentMaxBytes)")
    }

    private func unsupported(_ path: String, _ type: String) -> GatewayError {
        .invalidRequest("invalid params: \(path): \(type) is not supported; send images (png, jpeg, gif, webp) or text files")
    }

    /// The image type the bytes start with, if any.
    static func sniffImage(_ data: Data) -> String? {
        let bytes = [UInt8](data.prefix(12))
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.starts(with: Array("GIF8".utf8)) { return "image/gif" }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
        return nil
    }
}
