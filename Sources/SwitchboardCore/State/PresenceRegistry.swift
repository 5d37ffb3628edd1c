import Foundation
import Synchronization
import SwitchboardProtocol

/// Who is connected, keyed by device id, else instance id, else connection id (§2.8), with
/// the monotonic presence version clients use to discard stale snapshots.
final class PresenceRegistry: Sendable {
    private struct State {
        var entries: [String: PresenceEntry] = [:]
        var version = 1
    }

    private let state = Mutex(State())
    private let selfEntry: PresenceEntry

    init(version: String, host: String, nowMs: Int) {
        var entry = PresenceEntry(ts: nowMs)
        entry.host = host
        entry.version = version
        entry.platform = ClientInfo.currentPlatform
        entry.mode = "gateway"
        entry.reason = "self"
        entry.instanceId = "gateway"
        selfEntry = entry
    }

    /// Presence entries kept besides the gateway's own (connections and `system-event` senders).
    static let maxEntries = 2_000

    /// The list in a stable order: the gateway itself first, then by key.
    var entries: [PresenceEntry] {
        state.withLock { state in [selfEntry] + state.entries.sorted { $0.key < $1.key }.map(\.value) }
    }

    var version: Int { state.withLock { $0.version } }

    /// Records `entry` under `key`; returns the new presence version.
    @discardableResult
    func upsert(key: String, entry: PresenceEntry) -> Int {
        state.withLock { state in
            // Bounded: a new key beyond the limit replaces the entry heard from longest ago.
            if state.entries[key] == nil, state.entries.count >= Self.maxEntries,
                let oldest = state.entries.min(by: { $0.value.ts < $1.value.ts })?.key
            {
                state.entries[oldest] = nil
            }
            state.entries[key] = entry
            state.version += 1
            return state.version
        }
    }

    /// Removes `key`; returns the new version, or nil when nothing changed.
    func remove(key: String) -> Int? {
        state.withLock { state in
            guard state.entries.removeValue(forKey: key) != nil else { return nil }
            state.version += 1
            return state.version
        }
    }

    /// The key a connection's entry is stored under.
    static func key(deviceId: String?, instanceId: String?, connectionId: String) -> String {
        if let deviceId { return "device:\(deviceId)" }
        if let instanceId, !instanceId.isEmpty { return "instance:\(instanceId)" }
        return "conn:\(connectionId)"
    }
}
