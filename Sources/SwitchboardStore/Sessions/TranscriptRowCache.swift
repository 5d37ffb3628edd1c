import Synchronization
import SwitchboardPluginAPI

/// Decoded transcript entries kept between turns, so a long session's history is not decoded
/// from JSON again on every turn (that was most of a long session's cost per turn). Each entry
/// is keyed by its row id and remembered with a fingerprint of the row (`state` and the
/// message's byte length): a row streamed further, completed, interrupted or rewritten to
/// another length is decoded again; rows that are gone are simply never asked for.
/// Bounded by count and by the stored JSON's size: the oldest entries are forgotten past
/// ``capacity`` entries or ``capacityBytes``, and a message over ``maxEntryBytes`` (an image,
/// say) is never kept.
final class TranscriptRowCache: Sendable {
    /// Entries kept across all sessions.
    static let capacity = 4096
    /// Stored JSON bytes of the entries kept (the decoded form is of the same order).
    static let capacityBytes = 8 * 1024 * 1024
    /// Larger messages are decoded on every read instead of kept.
    static let maxEntryBytes = 64 * 1024

    struct Fingerprint: Hashable, Sendable {
        var state: String
        var bytes: Int
    }

    private struct State {
        var entries: [Int64: (Fingerprint, TranscriptEntry)] = [:]
        var order: [Int64] = []
        var head = 0
        var bytes = 0
    }

    private let state = Mutex(State())

    func entry(id: Int64, matching fingerprint: Fingerprint) -> TranscriptEntry? {
        state.withLock { state in
            guard let (stored, entry) = state.entries[id], stored == fingerprint else { return nil }
            return entry
        }
    }

    func store(_ entry: TranscriptEntry, fingerprint: Fingerprint) {
        guard fingerprint.bytes <= Self.maxEntryBytes else { return }
        state.withLock { state in
            if let (previous, _) = state.entries.updateValue((fingerprint, entry), forKey: entry.id) {
                state.bytes -= previous.bytes
            } else {
                state.order.append(entry.id)
            }
            state.bytes += fingerprint.bytes
            while state.entries.count > Self.capacity || state.bytes > Self.capacityBytes, state.head < state.order.count {
                if let (evicted, _) = state.entries.removeValue(forKey: state.order[state.head]) { state.bytes -= evicted.bytes }
                state.head += 1
            }
            // Compact the FIFO once half of it is consumed.
            if state.head > 1024, state.head * 2 > state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
            }
        }
    }

    var count: Int { state.withLock { $0.entries.count } }
    var bytes: Int { state.withLock { $0.bytes } }
}
