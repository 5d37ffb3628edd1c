import SwitchboardAutomation
import SwitchboardPluginAPI
import SwitchboardProtocol
import Synchronization

/// `wake`, `last-heartbeat` and `set-heartbeats`.
struct HeartbeatMethods {
    let parts: GatewayRuntimeParts

    func register(into registry: inout MethodRegistry) {
        let heartbeat = parts.automation.heartbeat
        registry.register(Wake.self) { params, _ in
            guard params.mode == "now" || params.mode == "next-heartbeat" else {
                throw GatewayError.invalidRequest("invalid params: mode: expected now or next-heartbeat, got \"\(params.mode.prefix(40))\"")
            }
            let wakeNow = params.mode == "now"
            let (record, waiting) = try await heartbeat.queue(params.text, source: "wake", wakeNow: wakeNow, reason: "wake")
            let next = wakeNow ? parts.clock.nowMs() : heartbeat.scheduler.nextDueMs.map(Int.init)
            return Wake.Result(eventId: Int(record.id), queued: waiting, nextHeartbeatAtMs: next)
        }
        registry.register(LastHeartbeat.self) { _, _ in heartbeat.last }
        registry.register(SetHeartbeats.self) { params, _ in
            heartbeat.paused.store(!params.enabled, ordering: .relaxed)
            if params.enabled { heartbeat.scheduler.reconfigure() }
            return SetHeartbeats.Result(enabled: params.enabled)
        }
    }
}
