import SwitchboardProtocol

/// Fan-out for agent runs: chat deltas whose shape depends on each client's protocol, and
/// tool events that only some connections receive.
extension EventBus {
    /// Broadcasts a chat delta; each connection picks its variant (see ``GatewayConnection/sendChatDelta``).
    func broadcastChatDelta(runId: String, v3: EncodedEvent, v4Full: EncodedEvent, v4Append: EncodedEvent) {
        var sent = 0
        var dropped = 0
        for connection in connections where connection.accepts(v3) {
            switch connection.sendChatDelta(runId: runId, v3: v3, v4Full: v4Full, v4Append: v4Append) {
            case .queued: sent += 1
            case .dropped, .overflow: dropped += 1
            case .closed: break
            }
        }
        record(sent: sent, dropped: dropped)
    }

    /// Broadcasts a run's terminal chat event and forgets the run's per-connection state. v3
    /// clients get `v3` (OpenClaw's closed v3 `ChatEvent` has no `agentId`), v4 clients `v4`.
    func broadcastChatEnd(runId: String, v3: EncodedEvent, v4: EncodedEvent) {
        var sent = 0
        var dropped = 0
        for connection in connections where connection.accepts(v4) {
            switch connection.send(connection.protocolVersion >= 4 ? v4 : v3, broadcast: true) {
            case .queued: sent += 1
            case .dropped, .overflow: dropped += 1
            case .closed: break
            }
        }
        record(sent: sent, dropped: dropped)
        for connection in connections { connection.endChatRun(runId) }
    }

    /// Broadcasts a pre-encoded event to every connection allowed to see it.
    func broadcastEncoded(_ event: EncodedEvent) {
        var sent = 0
        var dropped = 0
        for connection in connections where connection.accepts(event) {
            switch connection.send(event, broadcast: true) {
            case .queued: sent += 1
            case .dropped, .overflow: dropped += 1
            case .closed: break
            }
        }
        record(sent: sent, dropped: dropped)
    }

    /// Sends a targeted event (no `seq`) to the connections `include` selects.
    func sendTargeted(_ event: EncodedEvent, to include: (GatewayConnection) -> Bool) {
        var sent = 0
        for connection in connections where connection.accepts(event) && include(connection) {
            if case .queued = connection.send(event, broadcast: false) { sent += 1 }
        }
        record(sent: sent, dropped: 0)
    }
}
