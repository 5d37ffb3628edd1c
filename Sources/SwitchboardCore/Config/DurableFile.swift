import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Crash-safe replacement of a small file (the config): the new content is written to a
/// temporary file in the same directory and fsynced, renamed over the old one, and the
/// directory is fsynced so the rename itself survives a power cut. A crash leaves either
/// the old file or the new one, never a torn one; the temporary files a crash can leave
/// behind are removed at the next start (``removeLeftovers(of:)``).
enum DurableFile {
    /// The prefix of temporary files next to `path`.
    static func temporaryPrefix(of path: String) -> String { (path as NSString).lastPathComponent + ".tmp-" }

    static func replace(_ path: String, with data: Data, mode: mode_t = 0o600) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = "\(directory)/\(temporaryPrefix(of: path))\(getpid())-\(UInt32.random(in: .min ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        do {
            try data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                    }
                    offset += written
                }
            }
            guard fsync(fd) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        syncDirectory(directory)
    }

    /// fsync of a directory, so a rename or unlink in it is on disk.
    static func syncDirectory(_ directory: String) {
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// Removes temporary files a crashed write left next to `path`; returns their names.
    @discardableResult
    static func removeLeftovers(of path: String) -> [String] {
        let directory = (path as NSString).deletingLastPathComponent
        let prefix = temporaryPrefix(of: path)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        let leftovers = names.filter { $0.hasPrefix(prefix) }
        for name in leftovers { unlink("\(directory)/\(name)") }
        if !leftovers.isEmpty { syncDirectory(directory) }
        return leftovers
    }
}
