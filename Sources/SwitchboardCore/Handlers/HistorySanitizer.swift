import Foundation
import SwitchboardProtocol

/// The `chat.history` limits of §5.2: text blocks cut at 12 000 characters, image data
/// omitted, a single message over 128 KiB replaced by a placeholder, and the whole answer
/// kept under 6 MiB by dropping the oldest messages.
enum HistorySanitizer {
    static let maxTextChars = 12_000
    static let maxMessageBytes = 128 * 1024
    static let maxTotalBytes = 6 * 1024 * 1024

    static func sanitize(_ messages: [ChatMessage]) -> [ChatMessage] {
        var result: [ChatMessage] = []
        var total = 0
        for message in messages.reversed() {
            var message = message
            message.content = message.content.map(sanitize)
            var size = (try? GatewayJSON.encoder.encode(message).count) ?? 0
            if size > maxMessageBytes {
                var placeholder = ChatMessage.text("[message omitted: \(size) bytes]", role: message.role, timestamp: message.timestamp)
                placeholder.id = message.id
                placeholder.runId = message.runId
                placeholder.content[0].omitted = true
                placeholder.content[0].bytes = size
                message = placeholder
                size = 256
            }
            guard total + size <= maxTotalBytes else { break }
            total += size
            result.append(message)
        }
        return result.reversed()
    }

    static func sanitize(_ block: ChatContentBlock) -> ChatContentBlock {
        var block = block
        if block.type == "image" {
            var omitted = ChatContentBlock(type: "image")
            omitted.omitted = true
            omitted.bytes = block.bytes ?? block.data.map { $0.utf8.count * 3 / 4 } ?? block.text?.utf8.count ?? 0
            omitted.mimeType = block.mimeType
            omitted.fileName = block.fileName
            return omitted
        }
        if let text = block.text, text.count > maxTextChars {
            block.text = String(text.prefix(maxTextChars))
            block.truncated = true
        }
        return block
    }
}
