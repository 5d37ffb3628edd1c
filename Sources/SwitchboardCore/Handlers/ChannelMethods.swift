import Foundation
import SwitchboardChannels
import SwitchboardPluginAPI
import SwitchboardProtocol

/// `channels.status`, `send`, `channels.pairing.list`, `channels.pairing.approve` and
/// `channels.logout`.
struct ChannelMethods {
    let parts: GatewayRuntimeParts

    /// How long `send` waits for the platform by default.
    static let defaultSendTimeoutMs = 30_000

    func register(into registry: inout MethodRegistry) {
        let parts = parts
        let channels = parts.channels
        registry.register(ChannelsLogout.self) { params, _ in try Self.logout(params, parts: parts) }
        registry.register(ChannelsStatus.self) { _, _ in
            try await Self.status(parts: parts)
        }
        registry.register(Send.self) { params, _ in
            try await Self.send(params, channels: channels, clock: parts.clock)
        }
        registry.register(ChannelsPairingList.self) { params, _ in
            let requests = try await channels.store.pairingRequests(channel: params.channel, nowMs: parts.clock.nowMs())
            return ChannelsPairingList.Result(requests: requests.map(Self.entry))
        }
        registry.register(ChannelsPairingApprove.self) { params, _ in
            let code = params.code.trimmingCharacters(in: .whitespaces).uppercased()
            guard let approved = try await channels.store.approvePairing(channel: params.channel, code: code, nowMs: parts.clock.nowMs()) else {
                throw GatewayError.invalidRequest(
                    "no live pairing code \(code) on channel \(params.channel) (codes expire after \(channels.config.pairing.codeTtlMs / 60_000) minutes; list them with channels.pairing.list)"
                )
            }
            let notice = NewOutboxMessage(
                idempotencyKey: "paired:\(approved.channel):\(approved.senderId):\(approved.code)", connector: approved.connector, channel: approved.channel,
                accountId: approved.accountId, target: approved.target, text: "You're approved. Send your message again and I'll answer.", replyTo: nil
            )
            // Adapters get the notice only as a proactive message; skip it there to keep their request flow simple.
            if approved.connector != "adapter" {
                _ = try await channels.store.enqueueOutbox(notice, nowMs: parts.clock.nowMs())
                channels.outbox.poke()
            }
            return ChannelsPairingApprove.Result(approved: Self.entry(approved))
        }
    }

    static func entry(_ request: ChannelPairingRequest) -> ChannelPairingEntry {
        ChannelPairingEntry(
            channel: request.channel, code: request.code, senderId: request.senderId, senderName: request.senderName, createdAt: request.createdAtMs,
            expiresAt: request.expiresAtMs
        )
    }

    static func send(_ params: Send.Params, channels: ChannelRuntime, clock: GatewayClock) async throws -> Send.Result {
        var params = params
        params.idempotencyKey = try InputLimits.idempotencyKey(params.idempotencyKey)
        if let problem = InputLimits.problem(params.to, field: "to", max: InputLimits.adapterId) { throw GatewayError.invalidRequest("invalid params: \(problem)") }
        let links = [params.mediaUrl].compactMap { $0 } + (params.mediaUrls ?? [])
        if links.count > InputLimits.listItems { throw GatewayError.invalidRequest("invalid params: mediaUrls: at most \(InputLimits.listItems) links (got \(links.count))") }
        if let long = links.firstIndex(where: { $0.count > Send.Params.maxMediaUrlLength }) {
            throw GatewayError.invalidRequest("invalid params: media link \(long): at most \(Send.Params.maxMediaUrlLength) characters")
        }
        guard let text = params.text else { throw GatewayError.invalidRequest("send needs message or mediaUrl: both are empty") }
        let route = try route(channel: params.channel, accountId: params.accountId, channels: channels)
        let message = NewOutboxMessage(
            idempotencyKey: "send:\(params.idempotencyKey)", connector: route.connector, channel: route.channel, accountId: route.accountId,
            target: params.to, text: text, replyTo: nil
        )
        let (record, created) = try await channels.store.enqueueOutbox(message, nowMs: clock.nowMs())
        if !created && (record.channel != route.channel || record.target != params.to) {
            throw GatewayError.invalidRequest("idempotencyKey \(params.idempotencyKey) was already used for a different message")
        }
        if created { channels.outbox.poke() }
        let outcome = await channels.outbox.waitForOutcome(id: record.id, timeoutMs: params.timeoutMs ?? defaultSendTimeoutMs) ?? record
        switch outcome.state {
        case .delivered:
            return Send.Result(runId: params.idempotencyKey, messageId: outcome.deliveredParts.first ?? "", channel: route.channel, chatId: params.to)
        case .failed:
            throw GatewayError.invalidRequest("not delivered: \(outcome.lastError ?? "the platform refused the message")")
        case .pending:
            throw GatewayError.unavailable(
                "queued but not delivered yet\(outcome.lastError.map { " (last error: \($0))" } ?? ""); it will be retried — call send again with the same idempotencyKey for the outcome",
                retryAfterMs: 1000
            )
        }
    }

    /// Picks the connector and account for `channel` (Telegram, or an adapter platform).
    static func route(channel: String?, accountId: String?, channels: ChannelRuntime) throws -> (connector: String, channel: String, accountId: String) {
        let adapterAccounts = channels.adapters?.status() ?? []
        let platforms = Set(adapterAccounts.compactMap(\.name))
        var available = platforms.sorted()
        available.insert(contentsOf: channels.bots.map(\.id), at: 0)
        guard let channel = channel ?? (available.count == 1 ? available[0] : nil) else {
            throw GatewayError.invalidRequest(
                available.isEmpty
                    ? "send: no channel can deliver (configure Telegram, Discord, Slack or Signal — see the README's channel table — or connect an adapter)"
                    : "channel: required when several channels are available (\(available.joined(separator: ", ")))"
            )
        }
        if let platform = PlatformChannel.named(channel) {
            guard channels.bot(platform.id) != nil else {
                throw GatewayError.invalidRequest("channel: \(platform.id) is not configured (\(platform.setupHint))")
            }
            return (platform.id, platform.id, "default")
        }
        let nodes = adapterAccounts.filter { $0.name == channel }
        if let accountId {
            guard nodes.contains(where: { $0.accountId == accountId }) else {
                throw GatewayError.invalidRequest("accountId: no adapter node \(accountId) has registered for \(channel)")
            }
            return ("adapter", channel, accountId)
        }
        guard let node = nodes.first(where: \.connected) ?? nodes.first else {
            throw GatewayError.invalidRequest("channel: unknown channel \(channel) (available: \(available.isEmpty ? "none" : available.joined(separator: ", ")))")
        }
        return ("adapter", channel, node.accountId)
    }

    static func status(parts: GatewayRuntimeParts) async throws -> ChannelsStatus.Result {
        let channels = parts.channels
        var order: [String] = []
        var labels: [String: String] = [:]
        var summaries: [String: JSONValue] = [:]
        var accounts: [String: [JSONValue]] = [:]
        var defaults: [String: String] = [:]

        let webchatClients = parts.connections.census.webchat
        var webchat = ChannelAccountStatus(accountId: "default", configured: channels.config.webchatEnabled, running: channels.config.webchatEnabled)
        webchat.connected = webchatClients > 0
        add("webchat", "WebChat", [webchat], extra: ["clients": .int(webchatClients)])

        for platform in PlatformChannel.all {
            var list = channels.bot(platform.id)?.status() ?? [ChannelAccountStatus(accountId: "default", configured: false)]
            if channels.bot(platform.id) == nil && platform.isConfigured(in: channels.live.current) {
                list[0].lastError = "disabled (channels.\(platform.id).enabled = false)"
            }
            add(platform.id, platform.label, list, extra: [:])
        }
        if let adapters = channels.adapters {
            add("adapter", adapters.label, adapters.status(), extra: [:])
        }

        func add(_ id: String, _ label: String, _ list: [ChannelAccountStatus], extra: [String: JSONValue]) {
            order.append(id)
            labels[id] = label
            accounts[id] = list.map(json)
            defaults[id] = list.first?.accountId ?? "default"
            var summary: [String: JSONValue] = [
                "configured": .bool(list.contains(where: \.configured)), "running": .bool(list.contains(where: \.running)),
                "connected": .bool(list.contains(where: \.connected)), "accounts": .int(list.count),
            ]
            if let error = list.compactMap(\.lastError).first { summary["lastError"] = .string(error) }
            if let last = list.compactMap(\.lastMessageAtMs).max() { summary["lastMessageAt"] = .int(last) }
            summary.merge(extra) { $1 }
            summaries[id] = .object(summary)
        }

        // Outbox counts ride in each channel's summary (OpenClaw's closed result has no room for
        // them elsewhere; `channels` entries are open).
        for (connector, counts) in try await channels.store.outboxCountsByConnector() {
            guard case .object(var summary)? = summaries[connector] else { continue }
            summary["outbox"] = ["pending": .int(counts[.pending] ?? 0), "delivered": .int(counts[.delivered] ?? 0), "failed": .int(counts[.failed] ?? 0)]
            summaries[connector] = .object(summary)
        }
        return ChannelsStatus.Result(
            ts: parts.clock.nowMs(), channelOrder: order, channelLabels: labels, channels: summaries, channelAccounts: accounts,
            channelDefaultAccountId: defaults
        )
    }

    static func json(_ status: ChannelAccountStatus) -> JSONValue {
        var object: [String: JSONValue] = [
            "accountId": .string(status.accountId), "configured": .bool(status.configured), "running": .bool(status.running),
            "connected": .bool(status.connected),
        ]
        if let name = status.name { object["name"] = .string(name) }
        if let error = status.lastError { object["lastError"] = .string(error) }
        if let at = status.lastStartAtMs { object["lastStartAt"] = .int(at) }
        if let at = status.lastInboundAtMs { object["lastInboundAt"] = .int(at) }
        if let at = status.lastOutboundAtMs { object["lastOutboundAt"] = .int(at) }
        if let at = status.lastMessageAtMs { object["lastMessageAt"] = .int(at) }
        for (key, value) in status.details where object[key] == nil { object[key] = .string(value) }
        return .object(object)
    }
}
