import NIOCore
import Synchronization

/// Keeps the frames that contain a marker, with arrival times, for decoding after the run
/// (so the watchers stay cheap while the measured traffic flows).
final class FrameLog: Sendable {
    private let marker: [UInt8]
    private let entries = Mutex<[(ByteBuffer, UInt64)]>([])

    init(marker: String) {
        self.marker = Array(marker.utf8)
    }

    func observe(_ frame: ByteBuffer, at now: UInt64) {
        guard FrameScan.contains(marker, in: frame) else { return }
        entries.withLock { $0.append((frame, now)) }
    }

    var frames: [(ByteBuffer, UInt64)] { entries.withLock { $0 } }
}
