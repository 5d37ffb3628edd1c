#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import SystemPackage

/// A pipe whose ends are close-on-exec, so only the child they are handed to (via dup2)
/// inherits them — never some other child spawned at the same moment.
public struct CloexecPipe: Sendable {
    public let readEnd: FileDescriptor
    public let writeEnd: FileDescriptor

    public init() throws {
        var fds: [Int32] = [-1, -1]
        // pipe2(O_CLOEXEC) is not exported by Glibc's module map; set the flag right after.
        guard pipe(&fds) == 0 else { throw Errno(rawValue: errno) }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        readEnd = FileDescriptor(rawValue: fds[0])
        writeEnd = FileDescriptor(rawValue: fds[1])
    }
}
