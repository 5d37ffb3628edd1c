import SwitchboardChannels

/// The access decision for one inbound message (`channels.<channel>.dmPolicy` and friends).
/// Pure: the caller looks up whether the sender was approved earlier.
struct AccessPolicy: Sendable {
    enum Decision: Sendable, Equatable {
        case allow
        /// Unknown sender under `pairing`: issue a code.
        case pair
        /// Ignore; `reason` names the setting that refused it.
        case deny(String)
    }

    let channelKey: String
    let access: ChannelConfiguration.Access

    func decide(_ message: InboundMessage, approved: Bool) -> Decision {
        switch message.chatKind {
        case .group:
            guard access.groupAllowFrom.contains("*") || access.groupAllowFrom.contains(message.chatId) else {
                return .deny("group \(message.chatId) is not in channels.\(channelKey).groupAllowFrom")
            }
            if access.requireMention && !message.mentioned {
                return .deny("not addressed in group \(message.chatId) (channels.\(channelKey).requireMention)")
            }
            return .allow
        case .direct:
            let known = approved || access.allowFrom.contains(message.senderId)
            switch access.dmPolicy {
            case .disabled: return .deny("direct messages are disabled (channels.\(channelKey).dmPolicy)")
            case .open: return .allow
            case .allowlist: return known ? .allow : .deny("sender \(message.senderId) is not in channels.\(channelKey).allowFrom")
            case .pairing: return known ? .allow : .pair
            }
        }
    }

    /// An 8-character code without look-alike characters (no 0/O, 1/I/L).
    static func newCode() -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<8).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }
}
