import SwitchboardAutomation
import SwitchboardPluginAPI
import SwitchboardProtocol
import Synchronization

/// `hooks.list` and `hooks.runs`.
struct HooksMethods {
    let parts: GatewayRuntimeParts

    func register(into registry: inout MethodRegistry) {
        let automation = parts.automation
        registry.register(HooksList.self) { _, _ in
            var hooks = automation.hooks.hooks.map { hook in
                var entry = HooksList.Hook(
                    name: hook.name, event: hook.event.rawValue, kind: "shell", command: hook.command, timeoutSeconds: hook.timeoutSeconds,
                    priority: hook.priority, enabled: hook.enabled)
                entry.description = hook.description.isEmpty ? nil : hook.description
                return entry
            }
            hooks += automation.hooks.inProcessHooks.map { hook in
                HooksList.Hook(
                    name: hook.name, event: hook.event.rawValue, kind: "swift", command: nil, timeoutSeconds: hook.timeoutSeconds, priority: hook.priority,
                    enabled: true)
            }
            return HooksList.Result(
                hooks: hooks, file: automation.hooksPath, fileStatus: automation.fileOutcomes.withLock { $0.hooks },
                droppedRuns: automation.hooks.droppedRuns)
        }
        registry.register(HooksRuns.self) { params, _ in
            let limit = min(max(params.limit ?? 50, 1), HooksRuns.Params.maxLimit)
            let runs = try await automation.hookRuns.runs(hookName: params.name, limit: limit)
            return HooksRuns.Result(
                runs: runs.map {
                    HooksRuns.Run(name: $0.hookName, event: $0.event, ts: $0.startedAtMs, durationMs: $0.durationMs, status: $0.status, error: $0.error, output: $0.output)
                })
        }
    }
}
