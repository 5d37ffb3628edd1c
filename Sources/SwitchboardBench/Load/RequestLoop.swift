import NIOCore

/// A closed loop of requests on one connection: `inFlight` outstanding at all times until the
/// deadline, each answer timed against its send. Runs entirely on the connection's event loop.
///
/// `@unchecked Sendable`: state is touched only on the connection's event loop.
final class RequestLoop: @unchecked Sendable {
    private let connection: LoadConnection
    private let method: String
    private let inFlight: Int
    private let stopAtNs: UInt64
    /// Wait between an answer and the next request (0: at once).
    private let pauseNs: Int64
    private var nextId = 0
    private var sentAt: [Int: UInt64] = [:]
    private(set) var samples = Samples()
    private(set) var errors = 0
    private let done: EventLoopPromise<Void>

    /// Starts at once; `finished` completes after the deadline once every answer is in.
    init(connection: LoadConnection, method: String, inFlight: Int, stopAtNs: UInt64, pauseNs: Int64 = 0) {
        self.connection = connection
        self.method = method
        self.inFlight = inFlight
        self.stopAtNs = stopAtNs
        self.pauseNs = pauseNs
        self.done = connection.eventLoop.makePromise()
        connection.eventLoop.execute { self.start() }
        connection.channel.closeFuture.whenComplete { _ in
            self.done.fail(LoadClientError.unexpected("socket closed during the request loop (code \(self.connection.closeCode.map(String.init) ?? "none"))"))
        }
    }

    var finished: EventLoopFuture<Void> { done.futureResult }
    var eventLoop: any EventLoop { connection.eventLoop }

    private func start() {
        connection.setReceiver { [unowned self] message, now in self.received(message, at: now) }
        for _ in 0..<inFlight { sendNext(flush: false) }
        connection.flush()
    }

    private func sendNext(flush: Bool = true) {
        nextId += 1
        var buffer = connection.channel.allocator.buffer(capacity: 64 + method.utf8.count)
        buffer.writeString("{\"type\":\"req\",\"id\":\"")
        buffer.writeString(String(nextId))
        buffer.writeString("\",\"method\":\"")
        buffer.writeString(method)
        buffer.writeString("\",\"params\":{}}")
        sentAt[nextId] = BenchClock.nowNs()
        connection.send(buffer, flush: flush)
    }

    private func received(_ message: ByteBuffer, at now: UInt64) {
        guard !FrameScan.isEvent(message), let id = FrameScan.requestId(message), let sent = sentAt.removeValue(forKey: id) else { return }
        samples.add(now - sent)
        if !FrameScan.isSuccess(message) { errors += 1 }
        if now < stopAtNs {
            if pauseNs > 0 {
                connection.eventLoop.scheduleTask(in: .nanoseconds(pauseNs)) { self.sendNext() }
            } else {
                sendNext()
            }
        } else if sentAt.isEmpty {
            connection.setReceiver(nil)
            done.succeed()
        }
    }
}

/// Cheap looks into a frame without decoding it, so the client stays light.
enum FrameScan {
    private static let eventPrefix = Array("{\"type\":\"event\"".utf8)
    private static let idKey = Array("\"id\":\"".utf8)
    private static let errorKey = Array("\"ok\":false".utf8)

    static func isEvent(_ buffer: ByteBuffer) -> Bool {
        buffer.readableBytesView.starts(with: eventPrefix)
    }

    /// The numeric request id of a response (or an echoed request).
    static func requestId(_ buffer: ByteBuffer) -> Int? {
        let view = buffer.readableBytesView
        // Anywhere in the frame: an error response puts its (long) `error` member first.
        guard let start = firstIndex(of: idKey, in: view, limit: .max) else { return nil }
        var value = 0
        var index = start
        while index < view.endIndex, let digit = view[index].asciiDigit {
            value = value * 10 + digit
            index += 1
        }
        return index == start ? nil : value
    }

    static func isSuccess(_ buffer: ByteBuffer) -> Bool {
        firstIndex(of: errorKey, in: buffer.readableBytesView, limit: 128) == nil
    }

    /// Whether `needle` occurs anywhere in the frame.
    static func contains(_ needle: [UInt8], in buffer: ByteBuffer) -> Bool {
        firstIndex(of: needle, in: buffer.readableBytesView, limit: .max) != nil
    }

    /// Index just past the first occurrence of `needle` within the first `limit` bytes.
    private static func firstIndex(of needle: [UInt8], in view: ByteBufferView, limit: Int) -> ByteBufferView.Index? {
        view.withUnsafeBytes { bytes -> ByteBufferView.Index? in
            guard let base = bytes.baseAddress else { return nil }
            guard let offset = FrameField.find(needle, in: base, count: min(bytes.count, limit)) else { return nil }
            return view.startIndex + offset + needle.count
        }
    }
}

extension UInt8 {
    fileprivate var asciiDigit: Int? { (48...57).contains(self) ? Int(self) - 48 : nil }
}
