import SwitchboardProtocol

/// The channel keys: connectors, access rules, pairing and the outbox.
extension ConfigKeys {
    static let channelKeys: [ConfigKey] = [
        string("channels.agentId", \.channels.agentId, env: nil, help: "agent answering channel messages"),
        bool("channels.webchat.enabled", \.channels.webchatEnabled, help: "serve the WebChat page at / and /chat"),
        bool("channels.telegram.enabled", \.channels.telegram.enabled, help: "run the Telegram connector when a bot token is set"),
        optionalString("channels.telegram.botToken", \.channels.telegram.botToken, env: "TELEGRAM_BOT_TOKEN", secret: true, help: "Telegram bot token"),
        string("channels.telegram.apiBaseUrl", \.channels.telegram.apiBaseURL, env: nil, help: "Bot API base URL"),
        int("channels.telegram.pollTimeoutSeconds", \.channels.telegram.pollTimeoutSeconds, 0...50, help: "getUpdates long-poll wait"),
        bool("channels.adapter.enabled", \.channels.adapter.enabled, help: "accept Clara-style platform adapters (/adapter, or register as first frame)"),
        optionalString("channels.adapter.secret", \.channels.adapter.secret, env: "SWITCHBOARD_ADAPTER_SECRET", secret: true, help: "shared secret adapters send in register"),
        int("channels.adapter.maxInFlightPerNode", \.channels.adapter.maxInFlightPerNode, 1...100_000, help: "requests queued or running per adapter node"),
        int("channels.adapter.deliveryTimeoutMs", \.channels.adapter.deliveryTimeoutMs, 100...600_000, help: "wait for an adapter's ack (or flush) before retrying a reply"),
        int("channels.pairing.codeTtlMs", \.channels.pairing.codeTtlMs, 60_000...604_800_000, help: "pairing code lifetime"),
        int("channels.pairing.maxPendingPerChannel", \.channels.pairing.maxPendingPerChannel, 1...1000, help: "live pairing codes per channel"),
        int("channels.outbox.maxAttempts", \.channels.outbox.maxAttempts, 1...1000, help: "delivery attempts before a message is marked failed"),
        int("channels.outbox.retryBaseMs", \.channels.outbox.retryBaseMs, 10...3_600_000, help: "first redelivery wait"),
        int("channels.outbox.retryMaxMs", \.channels.outbox.retryMaxMs, 10...86_400_000, help: "longest redelivery wait"),
        int("channels.outbox.concurrency", \.channels.outbox.concurrency, 1...256, help: "chats delivered to at once"),
        int("channels.outbox.retentionHours", \.channels.outbox.retentionHours, 24...87_600, help: "keep answered messages and sent replies this long"),
    ]
        + accessKeys(
            "telegram", \.channels.telegram.access, allowFrom: \.channels.telegram.access.allowFrom,
            groupAllowFrom: \.channels.telegram.access.groupAllowFrom, requireMention: \.channels.telegram.access.requireMention
        )
        + accessKeys(
            "adapter", \.channels.adapter.access, allowFrom: \.channels.adapter.access.allowFrom, groupAllowFrom: \.channels.adapter.access.groupAllowFrom,
            requireMention: \.channels.adapter.access.requireMention
        )

    static func accessKeys(
        _ channel: String, _ keyPath: any WritableKeyPath<GatewayConfiguration, ChannelConfiguration.Access> & Sendable,
        allowFrom: any WritableKeyPath<GatewayConfiguration, [String]> & Sendable, groupAllowFrom: any WritableKeyPath<GatewayConfiguration, [String]> & Sendable,
        requireMention: any WritableKeyPath<GatewayConfiguration, Bool> & Sendable
    ) -> [ConfigKey] {
        let policies = ChannelConfiguration.Access.DMPolicy.allCases.map(\.rawValue)
        return [
            ConfigKey(
                path: "channels.\(channel).dmPolicy", environment: nil, help: "direct messages: \(policies.joined(separator: ", "))", isSecret: false,
                apply: { config, value in
                    guard let raw = value.stringValue, let policy = ChannelConfiguration.Access.DMPolicy(rawValue: raw) else {
                        return "channels.\(channel).dmPolicy: expected one of \(policies.joined(separator: ", ")), got \(describe(value))"
                    }
                    config[keyPath: keyPath].dmPolicy = policy
                    return nil
                },
                current: { .string($0[keyPath: keyPath].dmPolicy.rawValue) },
                schema: ["enum": .array(policies.map { .string($0) })]
            ),
            stringList("channels.\(channel).allowFrom", allowFrom, help: "sender ids always allowed"),
            stringList("channels.\(channel).groupAllowFrom", groupAllowFrom, help: "group ids answered in (* = all)"),
            bool("channels.\(channel).requireMention", requireMention, help: "in groups, answer only when addressed"),
        ]
    }

    static func stringList(_ path: String, _ keyPath: any WritableKeyPath<GatewayConfiguration, [String]> & Sendable, help: String) -> ConfigKey {
        ConfigKey(
            path: path, environment: nil, help: help, isSecret: false,
            apply: { config, value in
                // Numbers are accepted too: Telegram ids are often written unquoted.
                guard case .array(let items) = value else { return "\(path): expected an array of ids, got \(describe(value))" }
                var ids: [String] = []
                for (index, item) in items.enumerated() {
                    if let string = item.stringValue, !string.isEmpty {
                        ids.append(string)
                    } else if let int = item.intValue {
                        ids.append(String(int))
                    } else {
                        return "\(path)[\(index)]: expected a string or integer id, got \(describe(item))"
                    }
                }
                config[keyPath: keyPath] = ids
                return nil
            },
            current: { .array($0[keyPath: keyPath].map { .string($0) }) },
            schema: ["type": "array", "items": ["type": ["string", "integer"]]]
        )
    }
}
