import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Standard input read line by line on an event loop (a terminal, a pipe), so waiting for
/// the user blocks no thread and ends when the task is cancelled.
enum StandardInputLines {
    /// Calls `line` for each line until end of input.
    static func read(_ line: @Sendable (String) -> Void) async throws {
        let channel = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .takingOwnershipOfDescriptor(input: dup(STDIN_FILENO)) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        try await channel.executeThenClose { inbound, _ in
            var pending = ""
            for try await buffer in inbound {
                pending += String(buffer: buffer)
                while let end = pending.firstIndex(of: "\n") {
                    line(String(pending[..<end]).trimmingCharacters(in: CharacterSet(charactersIn: "\r")))
                    pending = String(pending[pending.index(after: end)...])
                }
            }
            if !pending.isEmpty { line(pending) }
        }
    }
}
