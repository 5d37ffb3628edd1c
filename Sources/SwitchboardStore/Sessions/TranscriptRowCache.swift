import Synchronization
public import SwitchboardPluginAPI

/// Decoded transcript entries kept between turns, so a long session's history is not decoded
/// from JSON again on every turn (that was most of a long session's cost per turn). Each entry
/// is keyed by its row id and remembered with a fingerprint of the row (`state` and the
/// message's byte length): a row streamed further, completed, interrupted or rewritten to
/// another length is decoded again; rows that are gone are simply never asked for.
/// Bounded: the oldest entries are forgotten past ``capacity``.
final class TranscriptRowCache: Sendable {
    /// Entries kept across all sessions (at most a few MiB of decoded messages).
    static let capacity = 4096

    struct Fingerprint: Hashable, Sendable {
        var state: String
        var bytes: Int
    }

    private struct State {
        var entries: [Int64: (Fingerprint, TranscriptEntry)] = [:]
        var order: [Int64] = []
        var head = 0
    }

    private let state = Mutex(State())

    func entry(id: Int64, matching fingerprint: Fingerprint) -> TranscriptEntry? {
        state.withLock { state in
            guard let (stored, entry) = state.entries[id], stored == fingerprint else { return nil }
            return entry
        }
    }

    func store(_ entry: TranscriptEntry, fingerprint: Fingerprint) {
        state.withLock { state in
            if state.entries.updateValue((fingerprint, entry), forKey: entry.id) == nil { state.order.append(entry.id) }
            while state.entries.count > Self.capacity, state.head < state.order.count {
                state.entries[state.order[state.head]] = nil
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
}
