import Foundation
import SwitchboardProtocol
import Synchronization

/// Devices waiting for an operator's approval (non-local devices, or a page asking for more
/// than it may pair itself into), and approved devices that have not yet collected their token.
///
/// Bounded and expiring: at most `maxPending` requests live for `ttlMs` each; a device that
/// connects again while its request lives gets the same request id. Kept in memory: a request
/// lost in a restart is made again by the device's next connect.
final class PendingDevicePairings: Sendable {
    struct Key: Hashable, Sendable {
        var deviceId: String
        var role: String
    }

    private struct State {
        var requests: [String: DevicePairRequest] = [:]
        /// Approved requests whose device may collect its token once by signing alone.
        var approved: [Key: Int] = [:]
    }

    enum Outcome: Sendable {
        case created(DevicePairRequest)
        case existing(DevicePairRequest)
        /// `maxPending` requests wait already.
        case full
    }

    let maxPending: Int
    let ttlMs: Int
    private let state = Mutex(State())

    init(maxPending: Int, ttlMs: Int) {
        self.maxPending = maxPending
        self.ttlMs = ttlMs
    }

    /// The live request of this device and role, or a new one.
    func request(_ template: DevicePairRequest, nowMs: Int) -> Outcome {
        state.withLock { state in
            purge(&state, nowMs: nowMs)
            if var existing = state.requests.values.first(where: { $0.deviceId == template.deviceId && $0.role == template.role }) {
                // Asking for more than before widens the same request.
                existing.scopes = Array(Set((existing.scopes ?? []) + (template.scopes ?? []))).sorted()
                existing.remoteIp = template.remoteIp
                state.requests[existing.requestId] = existing
                return .existing(existing)
            }
            guard state.requests.count < maxPending else { return .full }
            var request = template
            request.requestId = UUID().uuidString.lowercased()
            request.ts = nowMs
            request.expiresAtMs = nowMs + ttlMs
            state.requests[request.requestId] = request
            return .created(request)
        }
    }

    func list(nowMs: Int) -> [DevicePairRequest] {
        state.withLock { state in
            purge(&state, nowMs: nowMs)
            return state.requests.values.sorted { ($0.ts, $0.requestId) < ($1.ts, $1.requestId) }
        }
    }

    /// Removes and returns a live request.
    func take(requestId: String, nowMs: Int) -> DevicePairRequest? {
        state.withLock { state in
            purge(&state, nowMs: nowMs)
            return state.requests.removeValue(forKey: requestId)
        }
    }

    /// The device may now collect its token once, within the request lifetime, by signing alone.
    func approved(_ key: Key, nowMs: Int) {
        state.withLock { $0.approved[key] = nowMs + ttlMs }
    }

    /// True once for an approved device that has not collected its token yet.
    func claim(_ key: Key, nowMs: Int) -> Bool {
        state.withLock { state in
            guard let until = state.approved.removeValue(forKey: key) else { return false }
            return until > nowMs
        }
    }

    private func purge(_ state: inout State, nowMs: Int) {
        state.requests = state.requests.filter { ($0.value.expiresAtMs ?? .max) > nowMs }
        state.approved = state.approved.filter { $0.value > nowMs }
    }
}
