import SwitchboardProtocol

/// Fan-out for agent runs: chat deltas whose shape depends on each client's protocol, and
/// tool events that only some connections receive.
extension EventBus {
    /// Broadcasts a run's text step: the `assistant` agent event, then the chat delta in the
    /// variant each connection's protocol wants (see ``GatewayConnection/sendChatDelta``).
    /// Both are queued before the socket is woken, so a recipient writes them together.
    func broadcastTextStep(runId: String, assistant: EncodedEvent, v3: EncodedEvent, v4Full: EncodedEvent, v4Append: EncodedEvent) {
        var sent = 0
        var dropped = 0
        for connection in connections {
            var queued = false
            if connection.accepts(assistant) {
                count(connection.send(assistant, broadcast: true, wake: false), &sent, &dropped, &queued)
            }
            if connection.accepts(v3) {
                count(connection.sendChatDelta(runId: runId, v3: v3, v4Full: v4Full, v4Append: v4Append, wake: false), &sent, &dropped, &queued)
            }
            if queued { connection.wake() }
        }
        record(sent: sent, dropped: dropped)
    }

    /// Broadcasts a run's terminal chat event, then its closing `lifecycle` agent event, and
    /// forgets the run's per-connection state. v3 clients get `v3` (OpenClaw's closed v3
    /// `ChatEvent` has no `agentId`), v4 clients `v4`. One wake per recipient for both.
    func broadcastChatEnd(runId: String, v3: EncodedEvent, v4: EncodedEvent, lifecycle: EncodedEvent?) {
        var sent = 0
        var dropped = 0
        for connection in connections {
            var queued = false
            if connection.accepts(v4) {
                count(connection.send(connection.protocolVersion >= 4 ? v4 : v3, broadcast: true, wake: false), &sent, &dropped, &queued)
            }
            if let lifecycle, connection.accepts(lifecycle) {
                count(connection.send(lifecycle, broadcast: true, wake: false), &sent, &dropped, &queued)
            }
            if queued { connection.wake() }
            connection.endChatRun(runId)
        }
        record(sent: sent, dropped: dropped)
    }

    private func count(_ result: OutboundQueue.EnqueueResult, _ sent: inout Int, _ dropped: inout Int, _ queued: inout Bool) {
        switch result {
        case .queued:
            sent += 1
            queued = true
        case .dropped, .overflow: dropped += 1
        case .closed: break
        }
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
